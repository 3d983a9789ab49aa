/**
 * Turns a reader's file into a safe, web-sized image URL, or a readable reason why not.
 * Decoding happens in the browser's image decoder; nothing is uploaded anywhere.
 */

/** Limits for uploads; the defaults suit every lesson element. */
export interface UploadLimits {
  /** Largest file accepted, in bytes (default 30 MB). */
  maxBytes: number;
  /** Largest decoded image accepted, in pixels (default 60 megapixels). */
  maxPixels: number;
  /** Smallest side accepted, in pixels (default 16). */
  minSide: number;
  /** Longest side of the normalized copy, in pixels (default 512). */
  workingSide: number;
}

export const DEFAULT_LIMITS: UploadLimits = {
  maxBytes: 30 * 1024 * 1024,
  maxPixels: 60_000_000,
  minSide: 16,
  workingSide: 512,
};

export type UploadResult =
  | {
      ok: true;
      url: string;
      width: number;
      height: number;
      originalWidth: number;
      originalHeight: number;
    }
  | { ok: false; message: string };

const ACCEPTED = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/avif'];

/**
 * Validates and decodes `file`, then re-encodes a copy whose longest side is at most
 * `workingSide` as a PNG object URL (the caller revokes it with `URL.revokeObjectURL`).
 */
export async function normalizeUpload(
  file: File,
  limits: UploadLimits = DEFAULT_LIMITS,
): Promise<UploadResult> {
  const name = file.name || 'the file';
  if (file.size === 0) return { ok: false, message: `${name} is empty (0 bytes).` };
  if (file.type === 'image/svg+xml' || /\.svgz?$/i.test(file.name)) {
    return {
      ok: false,
      message: `${name} is an SVG drawing; please choose a photo (PNG, JPEG, WebP or GIF).`,
    };
  }
  if (file.type && !ACCEPTED.includes(file.type)) {
    return {
      ok: false,
      message: `${name} is not an image we can read (${file.type}); please choose a PNG, JPEG, WebP or GIF photo.`,
    };
  }
  if (file.size > limits.maxBytes) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return {
      ok: false,
      message: `${name} is ${mb} MB; the limit is ${limits.maxBytes / 1024 / 1024} MB.`,
    };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return {
      ok: false,
      message: `${name} could not be decoded as an image: it may be corrupt, truncated or not an image at all.`,
    };
  }
  try {
    const { width, height } = bitmap;
    if (width < limits.minSide || height < limits.minSide) {
      return {
        ok: false,
        message: `${name} is only ${width}×${height} pixels; please choose an image at least ${limits.minSide}×${limits.minSide}.`,
      };
    }
    if (width * height > limits.maxPixels) {
      const mp = ((width * height) / 1e6).toFixed(0);
      return {
        ok: false,
        message: `${name} is ${mp} megapixels; the limit is ${limits.maxPixels / 1e6} megapixels.`,
      };
    }
    const scale = Math.min(1, limits.workingSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) return { ok: false, message: 'This browser cannot draw images off-screen.' };
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, w, h);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return {
      ok: true,
      url: URL.createObjectURL(blob),
      width: w,
      height: h,
      originalWidth: width,
      originalHeight: height,
    };
  } finally {
    bitmap.close();
  }
}
