/**
 * Segmentation scores as the FCN paper defines them (its `score.py`): a confusion matrix over
 * all pixels, then pixel accuracy, mean (per-class) accuracy, per-class IU, mean IU and
 * frequency-weighted IU. Classes that occur in neither truth nor prediction have an undefined
 * IU (`null`) and are left out of the means, as `np.nanmean` does.
 */
import { intInRange, invalid } from '../validate';

/** `confusion[i][j]` = number of pixels of true class i predicted as class j. */
export type ConfusionMatrix = number[][];

export interface SegmentationScores {
  /** Correct pixels / all pixels. */
  pixelAccuracy: number;
  /** Mean over classes present in the truth of (correct / true pixels of that class). */
  meanAccuracy: number;
  /** Mean of the defined per-class IUs. */
  meanIU: number;
  /** Per-class IU weighted by each class's share of true pixels. */
  frequencyWeightedIU: number;
  /** TP / (TP + FP + FN) per class; null where the class is in neither map. */
  perClassIU: (number | null)[];
}

/**
 * Counts `confusion[truth][pred]` over two label maps of equal length (flattened `[H * W]`,
 * integer class ids in 0..numClasses-1). Adds into `into` when given (to pool many images).
 */
export function confusionMatrix(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  numClasses: number,
  into?: ConfusionMatrix,
): ConfusionMatrix {
  intInRange('numClasses', numClasses, 1, 1024);
  if (pred.length !== truth.length) {
    invalid('pred length', pred.length, `the truth's length ${truth.length}`);
  }
  const m = into ?? Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] ?? -1;
    const t = truth[i] ?? -1;
    if (!(p >= 0 && p < numClasses && Number.isInteger(p)))
      invalid(`pred[${i}]`, p, `a class in 0..${numClasses - 1}`);
    if (!(t >= 0 && t < numClasses && Number.isInteger(t)))
      invalid(`truth[${i}]`, t, `a class in 0..${numClasses - 1}`);
    const row = m[t];
    if (row) row[p] = (row[p] ?? 0) + 1;
  }
  return m;
}

/** Pixel accuracy, mean accuracy, per-class and mean IU, f.w. IU of a confusion matrix. */
export function segmentationScores(confusion: ConfusionMatrix): SegmentationScores {
  const n = confusion.length;
  const cell = (i: number, j: number): number => confusion[i]?.[j] ?? 0;
  const rowSum = (i: number): number => (confusion[i] ?? []).reduce((a, b) => a + b, 0);
  const colSum = (j: number): number => confusion.reduce((a, row) => a + (row[j] ?? 0), 0);
  const total = confusion.reduce((a, _row, i) => a + rowSum(i), 0);
  if (total === 0) invalid('confusion', 'all zeros', 'at least one counted pixel');
  let correct = 0;
  let fwIU = 0;
  const accs: number[] = [];
  const perClassIU: (number | null)[] = [];
  for (let c = 0; c < n; c++) {
    const tp = cell(c, c);
    const truePixels = rowSum(c);
    const union = truePixels + colSum(c) - tp;
    correct += tp;
    if (truePixels > 0) accs.push(tp / truePixels);
    const iu = union > 0 ? tp / union : null;
    perClassIU.push(iu);
    if (truePixels > 0 && iu !== null) fwIU += (truePixels / total) * iu;
  }
  const defined = perClassIU.filter((v): v is number => v !== null);
  return {
    pixelAccuracy: correct / total,
    meanAccuracy: mean(accs),
    meanIU: mean(defined),
    frequencyWeightedIU: fwIU,
    perClassIU,
  };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
