// The bench's "Train it yourself" rows: steps per second of the bilinear page's live decoder
// training (both runs, bilinear and random 2x starts, one step each per step) on a forced
// backend, and the page + worker tensor count before and after (flat = no leak while training).

/**
 * Opens the bilinear page with `query` (e.g. '?backend=cpu'), presses Start on the training
 * figure, lets it train for `seconds`, presses Pause, and reads what it managed.
 */
export async function benchTraining(browser, baseUrl, query, seconds) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}/bilinear-deconvolution/${query}`);
    const figure = page.locator('pw-decoder-training');
    await figure.scrollIntoViewIfNeeded();
    const start = figure.locator('button.start');
    await page.waitForFunction(
      () =>
        document.querySelector('pw-decoder-training')?.shadowRoot?.querySelector('button.start')
          ?.disabled === false,
      undefined,
      { timeout: 300_000, polling: 250 },
    );
    const count = () =>
      page.evaluate(async () => {
        const worker = (await globalThis.pixelwiseCompute?.stats())?.numTensors ?? 0;
        return (globalThis.pixelwise?.tf.memory().numTensors ?? 0) + worker;
      });
    const backend = await page.evaluate(() => globalThis.pixelwise?.tf.getBackend() ?? '?');
    const before = await count();
    await page.evaluate(() => {
      globalThis.__pwTrain = [];
      document
        .querySelector('pw-decoder-training')
        ?.addEventListener('pw-training-step', (e) => globalThis.__pwTrain.push(e.detail));
    });
    await start.click();
    const t0 = Date.now();
    await page.waitForTimeout(seconds * 1000);
    await figure.locator('button.pause').click();
    const elapsed = (Date.now() - t0) / 1000;
    await page.waitForTimeout(1500);
    const events = await page.evaluate(() => globalThis.__pwTrain);
    const last = events.at(-1);
    const tensors = await count();
    return {
      query: query || '(auto)',
      backend,
      steps: last?.step ?? 0,
      seconds: elapsed,
      stepsPerSecond: (last?.step ?? 0) / elapsed,
      reported: last?.stepsPerSecond ?? NaN,
      loss: last?.losses ?? [NaN, NaN],
      tensors: `${before} -> ${tensors}`,
    };
  } finally {
    await context.close();
  }
}

/** Prints the rows. */
export function printTraining(rows) {
  console.log('\nTrain it yourself (bilinear page): both decoders, one step each per step');
  console.log(
    'config | backend | steps | s | steps/s | last loss bilinear / random | tensors after',
  );
  for (const r of rows) {
    if (r.error) {
      console.log(`${r.query} | failed: ${r.error}`);
      continue;
    }
    console.log(
      [
        r.query,
        r.backend,
        r.steps,
        r.seconds.toFixed(0),
        r.stepsPerSecond.toFixed(2),
        r.loss.map((x) => x.toFixed(3)).join(' / '),
        r.tensors,
      ].join(' | '),
    );
  }
}
