/**
 * Every URL the site emits is built here, under the base path the site was built for
 * (`astro build --base /x/` or `PIXELWISE_BASE`, see astro.config.mjs), so the built site works
 * from any sub-path of any static host. No DOM: usable in .astro frontmatter and client code.
 */
import { invalid } from './validate.ts';

/**
 * The build's base path with exactly one trailing slash: `/` or `/x/`. Plain Node (the bench
 * scripts that import LESSONS) has no Vite `import.meta.env`; the root base applies there.
 */
export const BASE_PATH: string = (
  (import.meta.env as ImportMetaEnv | undefined)?.BASE_URL ?? '/'
).replace(/\/?$/, '/');

/**
 * The URL of `path` (relative to the site root: `pooling/`, `images/photos/chelsea.jpg`, `''`
 * for the home page) under the base path. A leading slash is refused: that is the root-absolute
 * URL this helper exists to replace.
 */
export function withBase(path: string): string {
  if (path.startsWith('/') || /^[a-z][a-z\d+.-]*:/i.test(path)) {
    invalid('path', path, 'a path relative to the site root, without a leading slash or scheme');
  }
  return BASE_PATH + path;
}
