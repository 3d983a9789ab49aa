/**
 * Counts the page's tfjs work in flight (element computations and canvas draws), so tests and
 * benchmarks can wait until every figure has settled: `globalThis.pixelwiseActivity.pending`.
 */
declare global {
  var pixelwiseActivity: { pending: number } | undefined;
}

const activity = (globalThis.pixelwiseActivity ??= { pending: 0 });

/** Runs `work`, counting it as pending until it settles either way. */
export async function tracked<T>(work: () => Promise<T>): Promise<T> {
  activity.pending++;
  try {
    return await work();
  } finally {
    activity.pending--;
  }
}
