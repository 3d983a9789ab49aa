/**
 * The committed test scenes (written by `npm run train`) and the evaluation report, read at
 * build time. Both are optional while the model is being trained: pages then say so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PickerItem } from '../components/pw-image-picker';
import { withBase } from '../lib/url';
import * as z from 'zod/mini';

const SceneEntrySchema = z.looseObject({
  id: z.string(),
  image: z.string(),
  label: z.string(),
  background: z.string(),
  classesPresent: z.array(z.int()),
});

export const SceneIndexSchema = z.looseObject({
  size: z.int().check(z.positive()),
  classes: z.array(z.string()),
  scenes: z.array(SceneEntrySchema),
});

const PerClassSchema = z.array(z.nullable(z.number()));

const EvalRowSchema = z.looseObject({
  variant: z.string(),
  /** Display name, when the variant's own reads poorly (e.g. a tuned CRF). */
  label: z.optional(z.string()),
  /** CRF parameters of a CRF row. */
  crf: z.optional(z.record(z.string(), z.unknown())),
  weights: z.optional(z.string()),
  pixelAccuracy: z.number(),
  meanAccuracy: z.number(),
  meanIU: z.number(),
  frequencyWeightedIU: z.optional(z.number()),
  perClassIU: PerClassSchema,
  /** Set when the row was computed on other scenes than the report's dataset. */
  scenes: z.optional(z.string()),
  /** FCN-8s on the same scenes as this row, for a fair comparison. */
  baseline8sOnSameScenes: z.optional(
    z.object({ meanIU: z.number(), pixelAccuracy: z.number(), perClassIU: PerClassSchema }),
  ),
});

/** The joint CRF grid `eval:crf --grid` scores on validation scenes (never test scenes). */
const ValidationSweepSchema = z.looseObject({
  scenes: z.string(),
  fcn8sMeanIU: z.number(),
  settings: z.array(
    z.looseObject({
      w1: z.number(),
      thetaAlpha: z.number(),
      thetaBeta: z.number(),
      meanIU: z.number(),
    }),
  ),
  producedBy: z.optional(z.string()),
});

export const EvalReportSchema = z.looseObject({
  dataset: z.looseObject({
    name: z.string(),
    scenes: z.int(),
    size: z.int(),
    classes: z.array(z.string()),
  }),
  rows: z.array(EvalRowSchema),
  classifierAccuracy: z.optional(z.number()),
  classifierTest: z.optional(z.looseObject({ patches: z.int() })),
  /** The shipped (uint8) classifier: its accuracy and its coarse map's mean IU, slid. */
  classifier: z.optional(
    z.looseObject({
      accuracyFloat32: z.number(),
      accuracyUint8: z.number(),
      slidMeanIU32s: z.number(),
      bytes: z.int(),
    }),
  ),
  crfValidationSweep: z.optional(ValidationSweepSchema),
});

export type SceneEntry = z.infer<typeof SceneEntrySchema>;
export type SceneIndex = z.infer<typeof SceneIndexSchema>;
export type EvalRow = z.infer<typeof EvalRowSchema>;
export type ValidationSweep = z.infer<typeof ValidationSweepSchema>;
export type EvalReport = z.infer<typeof EvalReportSchema>;

/**
 * Reads and checks `public/<relative>` against its schema; absent file: undefined. A file that
 * does not match fails the build with the file, the field and what was wrong.
 */
export function readChecked<T>(relative: string, schema: z.ZodMiniType<T>): T | undefined {
  // Relative to the project root: Astro runs builds there, and bundling moves this module.
  const path = join(process.cwd(), 'public', relative);
  if (!existsSync(path)) return undefined;
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid public/${relative}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'bad value'}`,
    );
  }
  return parsed.data;
}

export const SCENES: SceneIndex | undefined = readChecked(
  'images/scenes/index.json',
  SceneIndexSchema,
);
export const EVAL_REPORT: EvalReport | undefined = readChecked(
  'weights/eval.json',
  EvalReportSchema,
);

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
