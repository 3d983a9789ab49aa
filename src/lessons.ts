/** The lessons in reading order; the layout builds navigation and previous/next links from it. */
// `.ts` extension: the bench scripts import this module in plain Node.
import { withBase } from './lib/url.ts';
import { invalid } from './lib/validate.ts';

export interface Lesson {
  /** The page's route relative to the site root, with a trailing slash (`''` for the home page). */
  readonly path: string;
  /** The page's URL in this build: `path` under the base path (`/pooling/` at the root base). */
  readonly href: string;
  readonly title: string;
  /** One line for the navigation and the home page's table of contents. */
  readonly summary: string;
}

const LESSON_LIST: readonly Omit<Lesson, 'href'>[] = [
  {
    path: '',
    title: 'Overview',
    summary: 'Segmentation as per-pixel classification, and the encoder-decoder that does it.',
  },
  {
    path: 'pooling/',
    title: 'Pooling loses “where”',
    summary: 'Max-pooling buys context and invariance by throwing away position.',
  },
  {
    path: 'zero-insertion/',
    title: 'Upsampling is zero insertion',
    summary: 'Insert zeros, get spectral images, filter them away: transposed convolution.',
  },
  {
    path: 'bilinear-deconvolution/',
    title: 'Bilinear deconvolution',
    summary: 'Why FCN starts its upsampling filters as bilinear interpolation.',
  },
  {
    path: 'skip-fusion/',
    title: 'Skip fusion',
    summary: 'FCN-32s, 16s and 8s: coarse semantics plus fine detail.',
  },
  {
    path: 'crf/',
    title: 'Dense CRF',
    summary: 'Mean-field inference that lets labels follow image edges.',
  },
];

export const LESSONS: readonly Lesson[] = LESSON_LIST.map((l) => ({
  ...l,
  href: withBase(l.path),
}));

/** The lesson before and after the one at `path`, if any; a path not in LESSONS throws. */
export function neighbours(path: string): { prev?: Lesson; next?: Lesson } {
  const i = LESSONS.findIndex((l) => l.path === path);
  if (i < 0)
    invalid('path', path, `one of ${LESSONS.map((l) => JSON.stringify(l.path)).join(', ')}`);
  const out: { prev?: Lesson; next?: Lesson } = {};
  const prev = i > 0 ? LESSONS[i - 1] : undefined;
  const next = LESSONS[i + 1];
  if (prev) out.prev = prev;
  if (next) out.next = next;
  return out;
}
