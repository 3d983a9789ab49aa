"""Ships the classifier the committed (v1) network was fine-tuned from.

The committed FCN weights were trained by the v1 recipe (commit 999477f) before `export.py`
learnt to ship the classifier, so the classifier was not kept. This script reruns only the v1
recipe's classifier stage, with v1's own code (`git archive 999477f training`), seed and
settings, then writes it the way `export.py` does (uint8, `public/weights/classifier/`) and adds
its float32 accuracy and size to eval.json. Whether it is the same classifier is checked, not
assumed: its accuracy on the same 3,000 held-out test patches must equal the accuracy the v1 run
recorded in eval.json (`classifierAccuracy`), or the script writes nothing and exits 1.

Afterwards `npm run eval -- --write` adds what the shipped file alone determines (uint8
accuracy, the slid coarse map's mean IU, the reproduction sample).

    /usr/bin/python3 training/experiments/v1_classifier.py [--out public/weights]
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
REPO = os.path.dirname(TRAINING)
V1_COMMIT = '999477f'


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=os.path.join(REPO, 'public', 'weights'))
    args = ap.parse_args()

    # Today's export first: it binds today's model and scenes modules.
    sys.path.insert(0, TRAINING)
    export = load_module('export_now', os.path.join(TRAINING, 'export.py'))
    for name in ('model', 'scenes', 'export'):
        sys.modules.pop(name, None)
    sys.path.remove(TRAINING)

    tmp = tempfile.mkdtemp(prefix='pixelwise-v1-')
    archive = subprocess.run(
        ['git', '-C', REPO, 'archive', V1_COMMIT, 'training'], check=True, capture_output=True
    ).stdout
    subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
    v1dir = os.path.join(tmp, 'training')
    # v1's scenes.py finds the background photos under its repository's node_modules.
    os.symlink(os.path.join(REPO, 'node_modules'), os.path.join(tmp, 'node_modules'))
    sys.path.insert(0, v1dir)
    import numpy as np
    import torch
    import torch.nn.functional as F

    v1train = load_module('v1train', os.path.join(v1dir, 'train.py'))
    from model import FCN, Classifier  # v1's
    from scenes import HELDOUT_BACKGROUNDS, TRAIN_BACKGROUNDS, load_backgrounds, load_fashion
    from scenes import make_patch

    cfg = v1train.FULL
    torch.set_num_threads(1)
    torch.manual_seed(1)
    t0 = time.time()

    def log(msg):
        print(f'[{time.time() - t0:7.1f}s] {msg}', flush=True)

    # v1's classifier stage, as its train.py runs it (seed 1, one thread).
    train_photos = load_backgrounds(TRAIN_BACKGROUNDS)
    test_photos = load_backgrounds(HELDOUT_BACKGROUNDS)
    tr_img, tr_lab = load_fashion('train')
    te_img, te_lab = load_fashion('t10k')
    rng = np.random.default_rng(1)
    to_nchw = export.to_nchw
    clf = Classifier()
    opt = torch.optim.Adam(clf.parameters(), cfg['lr']['clf'])
    clf.train()
    for step in range(cfg['clf_steps']):
        batch = [make_patch(rng, train_photos, tr_img, tr_lab) for _ in range(cfg['clf_batch'])]
        x = to_nchw(np.stack([b[0] for b in batch]))
        y = torch.tensor([b[1] for b in batch])
        v1train.cosine_lr(opt, cfg['lr']['clf'], step, cfg['clf_steps'])
        loss = F.cross_entropy(clf(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == cfg['clf_steps'] - 1:
            log(f'classifier step {step}/{cfg["clf_steps"]} loss {loss.item():.3f}')
    clf.eval()
    trng = np.random.default_rng(12345)
    test = [make_patch(trng, test_photos, te_img, te_lab) for _ in range(cfg['clf_test'])]
    xs = np.stack([b[0] for b in test])
    ys = np.array([b[1] for b in test])
    with torch.no_grad():
        acc = float((clf(to_nchw(xs)).argmax(1).numpy() == ys).mean())

    report_path = os.path.join(args.out, 'eval.json')
    with open(report_path) as f:
        report = json.load(f)
    recorded = report.get('classifierAccuracy')
    log(f'classifier accuracy {acc:.6f}; the v1 run recorded {recorded}')
    if recorded is None or abs(acc - recorded) > 1e-9:
        log('not the classifier the committed network came from: nothing written')
        return 1

    net = FCN.from_classifier(clf).eval()
    weights = [(n, a) for n, a in export.tfjs_weights(net) if n in export.CLASSIFIER_TENSORS]
    deq, nbytes = export.write_classifier(
        weights,
        args.out,
        dict(
            testPatches=len(xs),
            quantization='uint8 per tensor (tfjs affine: value = min + scale * q)',
            recipe=f'v1 ({V1_COMMIT}) classifier stage, rerun by '
            'training/experiments/v1_classifier.py; its accuracy equals the recorded one',
        ),
    )
    acc_float = export.classifier_accuracy(weights, xs, ys)
    acc_uint8 = export.classifier_accuracy(deq, xs, ys)
    log(
        f'classifier: {nbytes} bytes (uint8); accuracy float32 {acc_float:.4f}, '
        f'uint8 {acc_uint8:.4f} ({100 * (acc_uint8 - acc_float):+.2f} points)'
    )
    fcn_bytes = report.get('quantization', {}).get('bytes', 0)
    report['classifier'] = dict(
        report.get('classifier') or {},
        weights=f'{export.CLASSIFIER_DIR}/model.json',
        dtype='uint8',
        bytes=nbytes,
        accuracyFloat32=acc_float,
        accuracyUint8=acc_uint8,
        deltaPoints=100 * (acc_uint8 - acc_float),
        note='the classifier before segmentation training, convolutionalized; accuracy on '
        'the classifierTest patches; slidMeanIU32s: its coarse class map upsampled 32x '
        '(bilinear, as FCN-32s) on the test scenes, uint8 weights. Rerun of the v1 '
        'classifier stage (training/experiments/v1_classifier.py).',
    )
    report['weightsBytesTotal'] = fcn_bytes + nbytes
    with open(report_path, 'w') as f:
        json.dump(report, f, indent=1)
        f.write('\n')
    log(f'wrote {args.out}/{export.CLASSIFIER_DIR}/ and eval.json; now: npm run eval -- --write')
    return 0


if __name__ == '__main__':
    sys.exit(main())
