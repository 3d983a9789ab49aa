/**
 * The one place that converts between browser images and tensors (canvas, ImageData, <img>).
 */
import * as tf from '@tensorflow/tfjs-core';
import { tracked } from './activity';

/** Loads an image URL into an `HTMLImageElement`, rejecting with a readable message. */
export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load image ${url}`));
    img.src = url;
  });
}

/**
 * An image as a `[size, size, 3]` float32 tensor in [0, 1], centre-cropped to a square and
 * resized bilinearly. The caller owns (and disposes) the result.
 */
export function imageToTensor(image: TexImageSource, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const pixels = tf.browser.fromPixels(image as HTMLImageElement, 3);
    const [h, w] = pixels.shape;
    const side = Math.min(h, w);
    const top = Math.floor((h - side) / 2);
    const left = Math.floor((w - side) / 2);
    const square = tf.slice(pixels, [top, left, 0], [side, side, 3]);
    return tf.div(tf.image.resizeBilinear(square, [size, size], false, true), 255);
  });
}

/**
 * Draws a `[H, W]` or `[H, W, 3]` tensor with values in [0, 1] onto `canvas`, resizing the
 * canvas to the tensor. Values outside [0, 1] are clipped.
 */
export function drawTensor(
  tensor: tf.Tensor2D | tf.Tensor3D,
  canvas: HTMLCanvasElement,
): Promise<void> {
  const clipped = tf.tidy(() => tf.clipByValue(tensor, 0, 1));
  // A CPU-backed 2-D context: toPixels writes with putImageData, and GPU-backed canvases can
  // show stale content off-screen in headless browsers.
  canvas.getContext('2d', { willReadFrequently: true });
  return tracked(async () => {
    try {
      await tf.browser.toPixels(clipped, canvas);
    } finally {
      clipped.dispose();
    }
  });
}

/**
 * Puts RGBA bytes (`width * height * 4`, as `paintValues` makes them) on `canvas`, resizing
 * the canvas to them. Synchronous: no tensor, no readback.
 */
export function drawRgba(
  { rgba, width, height }: { rgba: Uint8ClampedArray; width: number; height: number },
  canvas: HTMLCanvasElement,
): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  // The same CPU-backed 2-D context as drawTensor (toPixels) asks for.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser gave no 2-D canvas context');
  if (width === 0 || height === 0) return;
  const pixels = new ImageData(width, height);
  pixels.data.set(rgba);
  ctx.putImageData(pixels, 0, 0);
}
