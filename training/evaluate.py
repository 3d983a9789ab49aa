"""Re-evaluates a shipped export (model.json + shard, dequantized) on the held-out scenes and
prints mean IU / pixel accuracy per variant; compares with eval.json when present.

  /usr/bin/python3 training/evaluate.py [--weights public/weights] [--scenes 500] [--write]

It also scores the size bands (scenes whose objects all fall in one size band), the uint8
classifier (classifier/model.json) and the reproduction sample (the first committed scenes).
With --write it puts those numbers, all computed from the shipped files alone, into eval.json
(rows 32s/16s/8s, sizeBands, reproduction, classifier accuracy); other keys (training,
quantization, CRF rows) stay as they are. Without --write it exits 1 when a recomputed FCN row
differs from eval.json by more than --tolerance (mean IU).

With --dump DIR it only writes those held-out scenes (image + label PNGs + index.json, as in
public/images/scenes) to DIR, for `npm run eval:crf -- --dir DIR`. --split validation dumps
instead scenes from the same generator and pools with their own seed (VALIDATION_SEED), never
the test scenes, on which to tune the CRF.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def load_export(directory):
    """[(name, float32 array)] from a float16/uint8/float32 tfjs manifest."""
    import numpy as np

    with open(os.path.join(directory, 'model.json')) as f:
        manifest = json.load(f)['weightsManifest']
    out = []
    for group in manifest:
        data = b''.join(read_bytes(os.path.join(directory, p)) for p in group['paths'])
        offset = 0
        for e in group['weights']:
            n = int(np.prod(e['shape'])) if e['shape'] else 1
            q = e.get('quantization', {})
            dtype = q.get('dtype', e['dtype'])
            np_dtype = {'float16': '<f2', 'float32': '<f4', 'uint8': 'u1', 'uint16': '<u2'}[dtype]
            a = np.frombuffer(data, np_dtype, n, offset).astype(np.float32)
            offset += a.size * np.dtype(np_dtype).itemsize
            if dtype in ('uint8', 'uint16'):
                a = a * q['scale'] + q['min']
            out.append((e['name'], a.reshape(e['shape'])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', default=os.path.join(REPO, 'public', 'weights'))
    ap.add_argument('--scenes', type=int, default=500)
    ap.add_argument('--dump', metavar='DIR', help='write the scenes as PNGs to DIR and stop')
    ap.add_argument(
        '--logits',
        action='store_true',
        help='with --dump, also write FCN-8s logits as DIR/fcn8s-logits.f32 '
        '(float32, [scene, H, W, class]) for eval:crf',
    )
    ap.add_argument(
        '--split',
        choices=['test', 'validation'],
        default='test',
        help='test: the held-out scenes of eval.json; validation: for tuning',
    )
    ap.add_argument('--write', action='store_true', help='update eval.json (see above)')
    ap.add_argument(
        '--generator',
        default=None,
        help="scene generator (training/scenes.py GENERATORS); default: eval.json's for the "
        'test split, the current one for validation',
    )
    ap.add_argument('--tolerance', type=float, default=1e-3)
    ap.add_argument('--band-scenes', type=int, default=200)
    args = ap.parse_args()
    import numpy as np
    import torch
    from export import (
        CLASSIFIER_DIR,
        EVAL_SEED,
        VALIDATION_SEED,
        classifier_test_patches,
        reference_forward,
        shipped_scores,
        to_nchw,
        write_scenes,
    )
    from scenes import (
        GENERATOR,
        GENERATORS,
        HELDOUT_BACKGROUNDS,
        load_backgrounds,
        load_fashion,
        make_scenes,
    )

    torch.set_num_threads(1)
    weights = load_export(args.weights)
    report_path = os.path.join(args.weights, 'eval.json')
    report = {'rows': []}
    if os.path.exists(report_path):
        with open(report_path) as f:
            report = json.load(f)
    # The test scenes of a report come from the generator it names (absent: v1, the first).
    generator = args.generator or (
        report.get('dataset', {}).get('generator', 'v1') if args.split == 'test' else GENERATOR
    )
    if generator not in GENERATORS:
        ap.error(f'--generator {generator!r}: not one of {sorted(GENERATORS)}')
    te_img, te_lab = load_fashion('t10k')
    photos = load_backgrounds(HELDOUT_BACKGROUNDS)
    seed = EVAL_SEED if args.split == 'test' else VALIDATION_SEED
    xs, ys, which = make_scenes(seed, args.scenes, photos, te_img, te_lab, 128, generator)
    if args.dump:
        write_scenes(xs, ys, which, args.dump, args.scenes)
        if args.logits:
            # The PNGs hold 8-bit colour: score what eval:crf reads.
            x8 = np.round(xs * 255) / 255
            with torch.no_grad(), open(os.path.join(args.dump, 'fcn8s-logits.f32'), 'wb') as f:
                for i in range(0, len(x8), 25):
                    logits = reference_forward(weights, to_nchw(x8[i : i + 25]), '8s')
                    f.write(logits.permute(0, 2, 3, 1).contiguous().numpy().astype('<f4').tobytes())
        print(f'wrote {args.scenes} {args.split} scenes (seed {seed}, {generator}) to {args.dump}')
        return
    xs = np.round(xs * 255) / 255
    clf_test = classifier_test_patches(
        report.get('classifierTest', {}).get('patches', 3000), photos, te_img, te_lab, generator
    )
    cfg = dict(band_scenes=args.band_scenes, public_scenes=args.scenes)
    clf_dir = os.path.join(args.weights, CLASSIFIER_DIR)
    shipped = shipped_scores(
        weights,
        load_export(clf_dir) if os.path.exists(os.path.join(clf_dir, 'model.json')) else None,
        clf_test,
        xs,
        ys,
        photos,
        te_img,
        te_lab,
        cfg,
        print,
        seed,
        generator,
    )
    reported = {r['variant']: r for r in report['rows']}
    print(f'{args.scenes} held-out scenes ({args.split}, {generator}), weights {args.weights}')
    worst = 0.0
    for v, s in shipped['rows'].items():
        r = reported.get(v)
        note = f'   (eval.json: {r["meanIU"]:.4f})' if r else ''
        if r:
            worst = max(worst, abs(r['meanIU'] - s['meanIU']))
        print(
            f'FCN-{v:>3}: mean IU {s["meanIU"]:.4f}  pixel acc {s["pixelAccuracy"]:.4f}  '
            f'mean acc {s["meanAccuracy"]:.4f}{note}'
        )
    if args.write:
        if args.split != 'test' or args.scenes != report.get('dataset', {}).get('scenes', 500):
            sys.exit("--write needs the test split and the report's scene count")
        for r in report['rows']:
            r.update(shipped['rows'].get(r['variant'], {}))
        report['sizeBands'] = shipped['sizeBands']
        report['reproduction'] = shipped['reproduction']
        if shipped['classifier']:
            report.setdefault('classifier', {}).update(shipped['classifier'])
        with open(report_path, 'w') as f:
            json.dump(report, f, indent=1)
        print(f'wrote {report_path}')
    elif args.split == 'test' and worst > args.tolerance:
        sys.exit(f'eval.json differs from the shipped weights by {worst:.4f} mean IU')


if __name__ == '__main__':
    main()
