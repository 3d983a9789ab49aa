// Settings of `npm run bench`, read from the environment (see scripts/bench.mjs).
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const MOVES = Number(process.env.BENCH_MOVES ?? 50);
export const SOAK = Number(process.env.BENCH_SOAK ?? 1000);
// Wall-clock caps (seconds) per slider and for the soak; the tables say how many moves ran.
export const SLIDER_BUDGET_S = Number(process.env.BENCH_SLIDER_S ?? 15);
export const SOAK_BUDGET_S = Number(process.env.BENCH_SOAK_S ?? 90);
