// @ts-check
import { defineConfig } from 'astro/config';

// Static site: every page is prerendered; live figures are Lit elements loaded by page scripts.
export default defineConfig({
  site: 'http://localhost',
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  // Keep source whitespace: compression glued inline elements to the words around them.
  compressHTML: false,
  vite: {
    build: {
      chunkSizeWarningLimit: 1500,
      // Fonts (KaTeX's) stay files: the CSP's font-src 'self' refuses data: URLs.
      assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
    },
  },
});
