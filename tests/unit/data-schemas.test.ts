import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVAL_REPORT, EvalReportSchema, SCENES, SceneIndexSchema } from '../../src/data/scenes';

const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('data read at build time is checked by a schema', () => {
  it('the committed scene index and evaluation report pass their schemas', () => {
    expect(SCENES?.scenes.length).toBeGreaterThan(0);
    expect(EVAL_REPORT?.rows.map((r) => r.variant)).toContain('8s');
    expect(SceneIndexSchema.safeParse(json('public/images/scenes/index.json')).success).toBe(true);
  });

  it('a report with a wrong type is refused with the path of the bad field', () => {
    const report = json('public/weights/eval.json') as { rows: { meanIU: unknown }[] };
    const row = report.rows[0];
    if (row) row.meanIU = '51.6';
    const parsed = EvalReportSchema.safeParse(report);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['rows', 0, 'meanIU']);
  });

  it('a scene index without its scenes is refused', () => {
    const index = json('public/images/scenes/index.json') as Record<string, unknown>;
    delete index['scenes'];
    expect(SceneIndexSchema.safeParse(index).success).toBe(false);
  });
});
