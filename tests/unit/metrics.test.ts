import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { confusionMatrix, segmentationScores } from '../../src/lib/fcn/metrics';

const FIXTURES = process.env.PW_FIXTURES_DIR ?? 'tests/fixtures/fcn';

describe('confusionMatrix', () => {
  it('counts truth rows against predicted columns', () => {
    expect(confusionMatrix([0, 1, 1, 1], [0, 0, 1, 1], 2)).toEqual([
      [1, 1],
      [0, 2],
    ]);
  });

  it('accumulates into an existing matrix (pooling images)', () => {
    const m = confusionMatrix([0], [0], 2);
    confusionMatrix([1, 0], [1, 1], 2, m);
    expect(m).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/invalid pred length: 2/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/invalid pred\[1\]: 2/);
    expect(() => confusionMatrix([0, 1], [-1, 1], 2)).toThrow(/invalid truth\[0\]: -1/);
  });
});

describe('segmentationScores', () => {
  it('gives the hand-computed FCN metrics on a 2x2 map', () => {
    // truth [0,0,1,1], pred [0,1,1,1]: IU0 = 1/(2+1-1), IU1 = 2/(2+3-2).
    const s = segmentationScores([
      [1, 1],
      [0, 2],
    ]);
    expect(s.pixelAccuracy).toBeCloseTo(3 / 4, 12);
    expect(s.meanAccuracy).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(s.perClassIU[0]).toBeCloseTo(1 / 2, 12);
    expect(s.perClassIU[1]).toBeCloseTo(2 / 3, 12);
    expect(s.meanIU).toBeCloseTo(7 / 12, 12);
    expect(s.frequencyWeightedIU).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
  });

  it('leaves classes absent from both maps out of the means (IU null)', () => {
    const s = segmentationScores([
      [2, 0, 0],
      [0, 0, 0],
      [1, 0, 1],
    ]);
    expect(s.perClassIU).toEqual([2 / 3, null, 1 / 2]);
    expect(s.meanIU).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(s.meanAccuracy).toBeCloseTo((1 + 1 / 2) / 2, 12);
  });

  it('rejects an empty confusion matrix', () => {
    expect(() => segmentationScores([[0]])).toThrow(/invalid confusion/);
  });

  it("agrees with Python's score.py on random label maps (1e-12)", () => {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/metrics.json`, 'utf8')) as {
      numClasses: number;
      cases: {
        gt: number[];
        pred: number[];
        confusion: number[][];
        pixelAccuracy: number;
        meanAccuracy: number;
        meanIU: number;
        frequencyWeightedIU: number;
        perClassIU: (number | null)[];
      }[];
    };
    for (const c of fixture.cases) {
      const m = confusionMatrix(c.pred, c.gt, fixture.numClasses);
      expect(m).toEqual(c.confusion);
      const s = segmentationScores(m);
      expect(s.pixelAccuracy).toBeCloseTo(c.pixelAccuracy, 12);
      expect(s.meanAccuracy).toBeCloseTo(c.meanAccuracy, 12);
      expect(s.meanIU).toBeCloseTo(c.meanIU, 12);
      expect(s.frequencyWeightedIU).toBeCloseTo(c.frequencyWeightedIU, 12);
      s.perClassIU.forEach((v, i) => {
        const want = c.perClassIU[i] ?? null;
        if (want === null) expect(v).toBeNull();
        else expect(v).toBeCloseTo(want, 12);
      });
    }
  });

  it('reproduces every row of the committed eval report from its confusion matrix', () => {
    const report = JSON.parse(readFileSync('public/weights/eval.json', 'utf8')) as {
      rows: { variant: string; meanIU: number; pixelAccuracy: number; confusion: number[][] }[];
    };
    expect(report.rows.map((r) => r.variant)).toEqual(expect.arrayContaining(['32s', '16s', '8s']));
    for (const row of report.rows) {
      const s = segmentationScores(row.confusion);
      expect(s.meanIU, row.variant).toBeCloseTo(row.meanIU, 12);
      expect(s.pixelAccuracy, row.variant).toBeCloseTo(row.pixelAccuracy, 12);
    }
  });
});
