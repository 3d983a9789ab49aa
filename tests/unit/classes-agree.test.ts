/**
 * One class list: the site's (src/lib/fcn/classes.ts) must be the one training used
 * (training/scenes.py CLASS_NAMES), the one the committed test scenes were labelled with, and
 * the one the evaluation report was scored with.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FCN_CLASSES, FCN_PALETTE, NUM_FCN_CLASSES } from '../../src/lib/fcn/classes';

/** CLASS_NAMES = [...] from the Python source, read as data (no Python needed). */
function trainingClassNames(): string[] {
  const source = readFileSync('training/scenes.py', 'utf8');
  const match = /^CLASS_NAMES\s*=\s*\[([^\]]*)\]/m.exec(source);
  if (!match?.[1]) throw new Error('training/scenes.py: no CLASS_NAMES = [...] list found');
  return [...match[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
}

function jsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('the class list', () => {
  it('training, the test scenes, the evaluation report and the site name the same 11 classes', () => {
    const site = [...FCN_CLASSES];
    expect(site).toHaveLength(11);
    expect(trainingClassNames()).toEqual(site);
    const scenes = jsonFile('public/images/scenes/index.json') as {
      classes: string[];
      numClasses: number;
    };
    expect(scenes.classes).toEqual(site);
    expect(scenes.numClasses).toBe(NUM_FCN_CLASSES);
    const report = jsonFile('public/weights/eval.json') as { dataset: { classes: string[] } };
    expect(report.dataset.classes).toEqual(site);
  });

  it('has one colour per class', () => {
    expect(FCN_PALETTE).toHaveLength(NUM_FCN_CLASSES);
  });
});
