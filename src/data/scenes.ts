/**
 * The committed test scenes (written by `npm run train`) and the evaluation report, read at
 * build time. Both are optional while the model is being trained: pages then say so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PickerItem } from '../components/pw-image-picker';
import { withBase } from '../lib/url';

export interface SceneEntry {
  readonly id: string;
  readonly image: string;
  readonly label: string;
  readonly background: string;
  readonly classesPresent: readonly number[];
}

export interface SceneIndex {
  readonly size: number;
  readonly classes: readonly string[];
  readonly scenes: readonly SceneEntry[];
}

/** One CRF setting of a sweep, scored on the sweep's scenes. */
export interface EvalSweepSetting {
  readonly name: string;
  readonly meanIU: number;
  readonly pixelAccuracy: number;
}

export interface EvalRow {
  readonly variant: string;
  /** Display name, when the variant's own reads poorly (e.g. a tuned CRF). */
  readonly label?: string;
  /** CRF parameters of a CRF row. */
  readonly crf?: Readonly<Record<string, unknown>>;

  readonly weights?: string;
  readonly pixelAccuracy: number;
  readonly meanAccuracy: number;
  readonly meanIU: number;
  readonly frequencyWeightedIU?: number;
  readonly perClassIU: readonly (number | null)[];
  /** Set when the row was computed on other scenes than the report's dataset. */
  readonly scenes?: string;
  /** FCN-8s on the same scenes as this row, for a fair comparison. */
  readonly baseline8sOnSameScenes?: {
    readonly meanIU: number;
    readonly pixelAccuracy: number;
    readonly perClassIU: readonly (number | null)[];
  };
}

export interface EvalReport {
  readonly dataset: {
    readonly name: string;
    readonly scenes: number;
    readonly size: number;
    readonly classes: readonly string[];
  };
  readonly rows: readonly EvalRow[];
  readonly classifierAccuracy?: number;
  /** The CRF's parameter sweep: one parameter at a time around the defaults. */
  readonly crfSweep?: {
    readonly scenes: number;
    readonly fcn8sMeanIU: number;
    readonly settings: readonly EvalSweepSetting[];
  };
}

function readJson<T>(relative: string): T | undefined {
  // Relative to the project root: Astro runs builds there, and bundling moves this module.
  const path = join(process.cwd(), 'public', relative);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

export const SCENES: SceneIndex | undefined = readJson<SceneIndex>('images/scenes/index.json');
export const EVAL_REPORT: EvalReport | undefined = readJson<EvalReport>('weights/eval.json');

export function sceneUrl(scene: SceneEntry): string {
  return withBase(`images/scenes/${scene.image}`);
}

export function sceneLabelUrl(scene: SceneEntry): string {
  return withBase(`images/scenes/${scene.label}`);
}

/** Picker items for the first `count` scenes, each carrying its ground-truth label URL. */
export function sceneItems(count = 12): (PickerItem & { label: string })[] {
  return (SCENES?.scenes ?? []).slice(0, count).map((s) => ({
    id: s.id,
    title: `Test scene ${s.id.replace('scene-', '')} (${s.background})`,
    src: sceneUrl(s),
    label: sceneLabelUrl(s),
  }));
}
