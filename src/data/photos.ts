/** The committed lesson photos (written by `npm run photos`), as picker items for pages. */
import index from '../../public/images/photos/index.json';
import type { PickerItem } from '../components/pw-image-picker';
import { withBase } from '../lib/url';

export interface PhotoEntry {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly colour: boolean;
  readonly width: number;
  readonly height: number;
}

export const PHOTOS: readonly PhotoEntry[] = index;

export function photoUrl(id: string): string {
  const photo = PHOTOS.find((p) => p.id === id);
  if (!photo) throw new Error(`unknown photo id: ${id}`);
  return withBase(`images/photos/${photo.file}`);
}

/** Picker items for all photos (or the listed ids, in that order). */
export function photoItems(ids?: readonly string[]): PickerItem[] {
  const chosen = ids
    ? ids.map((id) => PHOTOS.find((p) => p.id === id)).filter((p) => p !== undefined)
    : PHOTOS;
  return chosen.map((p) => ({
    id: p.id,
    title: p.title,
    src: withBase(`images/photos/${p.file}`),
  }));
}
