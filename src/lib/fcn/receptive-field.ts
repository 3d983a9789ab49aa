/**
 * Receptive-field arithmetic for a stack of convolution / pooling layers along one axis
 * (Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016). Pure numbers.
 */
import { intInRange } from '../validate';

/** One layer along one axis. */
export interface FieldLayer {
  /** Kernel (or pooling window) size, 1..1024. */
  kernel: number;
  /** Stride, 1..1024; default 1. */
  stride?: number;
  /** Zero padding on each side, 0..1024; default 0. */
  padding?: number;
}

/** The receptive field of the units of one layer, in input pixels. */
export interface ReceptiveField {
  /** Input pixels seen by one unit (including padding positions at the border). */
  size: number;
  /** Distance in input pixels between the fields of neighbouring units (product of strides). */
  jump: number;
  /** Centre of the first unit's field, in input pixel coordinates (pixel 0 has centre 0). */
  start: number;
}

/**
 * Size, jump and start of each layer's receptive field, one entry per layer (the input
 * itself, `{size: 1, jump: 1, start: 0}`, is not included). Recurrence per layer:
 * `size += (k - 1) * jump`, `start += ((k - 1) / 2 - p) * jump`, `jump *= s`.
 */
export function receptiveField(layers: readonly FieldLayer[]): ReceptiveField[] {
  let field: ReceptiveField = { size: 1, jump: 1, start: 0 };
  return layers.map((layer, i) => {
    const k = intInRange(`layers[${i}].kernel`, layer.kernel, 1, 1024);
    const s = intInRange(`layers[${i}].stride`, layer.stride ?? 1, 1, 1024);
    const p = intInRange(`layers[${i}].padding`, layer.padding ?? 0, 0, 1024);
    field = {
      size: field.size + (k - 1) * field.jump,
      start: field.start + ((k - 1) / 2 - p) * field.jump,
      jump: field.jump * s,
    };
    return field;
  });
}
