// @ts-check
import { defineConfig } from 'astro/config';
import { serviceWorker } from './scripts/service-worker.mjs';

// Where the site is published, chosen at build time (README, "Publishing"):
// PIXELWISE_BASE is the sub-path it is served from (`/pixelwise/` for a GitHub Pages project
// site; `astro build --base /x/` overrides it), PIXELWISE_SITE the origin (`https://user.github.io`;
// pages then name their canonical URL).
// Every URL the site emits goes through src/lib/url.ts, which reads the base back.

// Static site: every page is prerendered; live figures are Lit elements loaded by page scripts.
export default defineConfig({
  ...(process.env.PIXELWISE_SITE ? { site: process.env.PIXELWISE_SITE } : {}),
  base: process.env.PIXELWISE_BASE || '/',
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  // sw.js: the site offline after the first visit (scripts/service-worker.mjs).
  integrations: [serviceWorker()],
  // Keep source whitespace: compression glued inline elements to the words around them.
  compressHTML: false,
  vite: {
    // No data: URLs for small assets (KaTeX's smaller fonts): the CSP allows fonts from 'self'
    // only, and files under the base path are what a static host serves anyway.
    build: { chunkSizeWarningLimit: 1500, assetsInlineLimit: 0 },
    // The compute worker (src/lib/browser/compute-worker.ts) is a module worker that loads its
    // tfjs backend on demand: ES output keeps those dynamic imports as separate chunks.
    worker: { format: 'es' },
  },
});
