/** The lessons in reading order; the layout builds navigation and previous/next links from it. */
export interface Lesson {
  /** Route path, with leading and trailing slash. */
  readonly href: string;
  readonly title: string;
  /** One line for the navigation and the home page's table of contents. */
  readonly summary: string;
}

export const LESSONS: readonly Lesson[] = [
  {
    href: '/',
    title: 'Overview',
    summary: 'Segmentation as per-pixel classification, and the encoder-decoder that does it.',
  },
  {
    href: '/pooling/',
    title: 'Pooling loses “where”',
    summary: 'Max-pooling buys context and invariance by throwing away position.',
  },
  {
    href: '/zero-insertion/',
    title: 'Upsampling is zero insertion',
    summary: 'Insert zeros, get spectral images, filter them away: transposed convolution.',
  },
  {
    href: '/bilinear-deconvolution/',
    title: 'Bilinear deconvolution',
    summary: 'Why FCN starts its upsampling filters as bilinear interpolation.',
  },
  {
    href: '/skip-fusion/',
    title: 'Skip fusion',
    summary: 'FCN-32s, 16s and 8s: coarse semantics plus fine detail.',
  },
  {
    href: '/crf/',
    title: 'Dense CRF',
    summary: 'Mean-field inference that lets labels follow image edges.',
  },
];

/** The lesson before and after `href`, if any. */
export function neighbours(href: string): { prev?: Lesson; next?: Lesson } {
  const i = LESSONS.findIndex((l) => l.href === href);
  const out: { prev?: Lesson; next?: Lesson } = {};
  const prev = i > 0 ? LESSONS[i - 1] : undefined;
  const next = i >= 0 ? LESSONS[i + 1] : undefined;
  if (prev) out.prev = prev;
  if (next) out.next = next;
  return out;
}
