/**
 * The 11 classes of the fashion scenes and the colours every page draws them in.
 * Class 0 is the background; classes 1..10 are Fashion-MNIST labels 0..9, in that order.
 */

import { TABLEAU10, type Rgb } from '../palettes';

/** Class names indexed by class id (0 = background). */
export const FCN_CLASSES = [
  'background',
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export type FcnClassName = (typeof FCN_CLASSES)[number];

/** Number of classes, 11. */
export const NUM_FCN_CLASSES = FCN_CLASSES.length;

/**
 * One RGB colour per class, 0..255, indexed by class id. Background is a neutral mid grey, which
 * keeps at least 3:1 contrast against both the light and the dark page surface (a darker grey
 * vanished in dark mode); the others are d3-scale-chromatic's Tableau 10 in order, well
 * separated hues, so two garments that overlap in a scene stay distinguishable.
 */
export const FCN_PALETTE: readonly Rgb[] = [[112, 112, 112], ...TABLEAU10];
