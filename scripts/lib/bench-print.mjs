// The tables `npm run bench` prints.
import { MOVES, SLIDER_BUDGET_S, SOAK } from './bench-settings.mjs';

export const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(digits);

export function printTables(results) {
  console.log('\nPage load (1280x800; ms from navigation start; JS = gzip bytes of JS loaded)');
  console.log(
    [
      'page',
      'config',
      'backend',
      'FCP ms',
      'first figure ms',
      'JS files',
      'JS gz KB',
      'weights KB',
    ].join(' | '),
  );
  for (const r of results) {
    if (r.error) {
      console.log([r.page, r.config, `failed: ${r.error}`].join(' | '));
      continue;
    }
    console.log(
      [
        r.page,
        r.config,
        r.backend,
        fmt(r.fcpMs, 0),
        fmt(r.firstComputedMs, 0),
        r.jsFiles,
        fmt(r.jsGzipBytes / 1024),
        fmt(r.weightsBytesLoaded / 1024),
      ].join(' | '),
    );
  }
  console.log(
    `\nSlider input -> updated frame, up to ${MOVES} moves or ${SLIDER_BUDGET_S} s per slider`,
  );
  console.log(
    [
      'page',
      'config',
      'element',
      'slider',
      'moves',
      'median ms',
      'p95 ms',
      'tensors/update',
      'kernels/update',
      'reads/update',
      'bytes read/update',
      'tensor delta',
    ].join(' | '),
  );
  for (const r of results) {
    for (const s of r.sliders ?? []) {
      console.log(
        [
          r.page,
          r.config,
          s.element,
          s.slider,
          s.updates,
          fmt(s.medianMs),
          fmt(s.p95Ms),
          fmt(s.tensorsCreatedPerUpdate),
          fmt(s.kernelsPerUpdate),
          fmt(s.readsPerUpdate),
          fmt(s.bytesReadPerUpdate, 0),
          s.tensorDelta,
        ].join(' | ') + (s.timedOut ? ` (${s.timedOut} moves fired no pw-computed)` : ''),
      );
    }
  }
  console.log(`\nAfter ${SOAK} moves (tensors, JS heap MB after gc)`);
  console.log(['page', 'config', 'element', 'moves', 's', 'tensors', 'heap MB'].join(' | '));
  for (const r of results) {
    if (!r.soak) continue;
    const { soak } = r;
    console.log(
      [
        r.page,
        r.config,
        soak.element,
        soak.moves,
        fmt(soak.seconds),
        `${soak.before.tensors} -> ${soak.after.tensors}`,
        `${fmt(soak.before.heapMB)} -> ${fmt(soak.after.heapMB)}`,
      ].join(' | '),
    );
  }
}
