import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { serveStatic } from '../../scripts/lib/serve.mjs';
import { findChrome } from '../../scripts/lib/chromium.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Serves the built site for every browser test file; fails early without a build or browser. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync('dist/index.html')) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run test:browser does).');
  }
  findChrome();
  const server = await serveStatic('dist');
  project.provide('baseUrl', server.url);
  return () => server.close();
}
