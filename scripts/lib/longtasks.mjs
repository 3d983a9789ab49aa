// Main-thread long tasks for the bench: the longest task and the total blocking time (TBT, the
// sum over long tasks of their time past 50 ms) in a window of the page's life, from a
// PerformanceObserver('longtask') installed before the page's first script.

/** Init script (context.addInitScript): keeps every long task in `globalThis.__pwLongTasks`. */
export function recordLongTasks() {
  const tasks = [];
  globalThis.__pwLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** The page's clock (performance.now()), to open or close a window. */
export function pageNow(page) {
  return page.evaluate(() => performance.now());
}

/**
 * Longest task and TBT (ms) among the long tasks that started in [from, to) of the page's clock,
 * and how many there were. A long task needs a moment to be reported: the page gets one frame.
 */
export async function longTasksBetween(page, from, to = Infinity) {
  const tasks = await page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return globalThis.__pwLongTasks ?? [];
  });
  const inside = tasks.filter((t) => t.start >= from && t.start < to);
  return {
    count: inside.length,
    longestMs: inside.reduce((m, t) => Math.max(m, t.duration), 0),
    tbtMs: inside.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
  };
}

/** Sums windows: the longest of the longest, TBT and counts added. */
export function mergeLongTasks(windows) {
  return windows.reduce(
    (a, w) => ({
      count: a.count + w.count,
      longestMs: Math.max(a.longestMs, w.longestMs),
      tbtMs: a.tbtMs + w.tbtMs,
    }),
    { count: 0, longestMs: 0, tbtMs: 0 },
  );
}

/** Prints the per-page table: load (navigation to first idle at the top) and slider drags. */
export function printLongTasks(results) {
  const fmt = (x) => (x === undefined || x === null ? '-' : x.toFixed(0));
  console.log(
    '\nMain-thread long tasks (PerformanceObserver longtask; TBT = sum of (duration - 50 ms))',
  );
  console.log(
    [
      'page',
      'config',
      'load: longest ms',
      'load: TBT ms',
      'load: tasks',
      'drags: longest ms',
      'drags: TBT ms',
      'drags: tasks',
    ].join(' | '),
  );
  for (const r of results) {
    if (!r.longTasks) continue;
    const { load, drags } = r.longTasks;
    console.log(
      [
        r.page,
        r.config,
        fmt(load.longestMs),
        fmt(load.tbtMs),
        load.count,
        fmt(drags.longestMs),
        fmt(drags.tbtMs),
        drags.count,
      ].join(' | '),
    );
  }
}
