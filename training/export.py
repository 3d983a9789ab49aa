"""Export: fold BatchNorm, write the tfjs manifest (float16), evaluate, write scenes + goldens.

Weight layouts are tfjs's: conv2d kernels [kh, kw, in, out]; conv2dTranspose kernels
[kh, kw, out, in] (PyTorch ConvTranspose2d is [in, out, kh, kw]; the same permutation
(2, 3, 1, 0) maps both). `reference_forward` recomputes the net from those arrays alone with
plain conv + bias + relu, exactly the operations the TypeScript forward pass performs.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from model import BLOCKS, FCN, NUM_CLASSES, fixed_upsample
from scenes import (
    CLASS_NAMES,
    GENERATOR,
    HELDOUT_BACKGROUNDS,
    SIZE_BANDS,
    make_patch,
    make_scenes,
)

EVAL_SEED = 20260
# Validation scenes (model selection, CRF tuning): same generator, own seed; never test scenes.
VALIDATION_SEED = 31337
GOLDEN_SEED = 777
REPRODUCTION_SCENES = 12
CLASSIFIER_TEST_SEED = 12345
SHARD = 'group1-shard1of1.bin'


def fold_conv_bn(conv_w, bn):
    """Conv (no bias) followed by eval-mode BatchNorm == conv with scaled kernel + bias."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w = conv_w * scale[:, None, None, None]
    b = bn.bias - bn.running_mean * scale
    return w, b


def tfjs_weights(net):
    """Ordered [(name, float32 array in tfjs layout)] for every stored tensor."""
    out = []

    def conv(name, w, b):
        out.append((name + '/kernel', w.detach().permute(2, 3, 1, 0).numpy()))
        out.append((name + '/bias', b.detach().numpy()))

    with torch.no_grad():
        for blk in BLOCKS:
            for name, _, _ in blk:
                m = net.encoder.convs[name]
                conv(name, *fold_conv_bn(m.conv.weight, m.bn))
        for name in ('fc6', 'fc7'):
            m = getattr(net, name)
            conv(name, *fold_conv_bn(m.conv.weight, m.bn))
        conv('score_fr', net.score_fr.weight, net.score_fr.bias)
        out.append(('upscore2/kernel', net.upscore2.weight.permute(2, 3, 1, 0).numpy()))
        conv('score_pool4', net.score_pool4.weight, net.score_pool4.bias)
        out.append(('upscore_pool4/kernel', net.upscore_pool4.weight.permute(2, 3, 1, 0).numpy()))
        conv('score_pool3', net.score_pool3.weight, net.score_pool3.bias)
    return [(n, np.ascontiguousarray(a, dtype=np.float32)) for n, a in out]


def architecture():
    """What the TypeScript side validates against (also embedded in model.json)."""
    layers = []
    for b, blk in enumerate(BLOCKS, start=1):
        for name, cin, cout in blk:
            layers.append(
                dict(
                    name=name,
                    op='conv2d+relu',
                    kernel=[3, 3, cin, cout],
                    stride=1,
                    padding='same',
                    scale=2 ** (b - 1),
                )
            )
        layers.append(dict(name=f'pool{b}', op='maxPool', size=2, stride=2, scale=2**b))
    c5, fc = BLOCKS[-1][-1][2], None
    layers += [
        dict(
            name='fc6', op='conv2d+relu', kernel=[1, 1, c5, 192], stride=1, padding='same', scale=32
        ),
        dict(
            name='fc7',
            op='conv2d+relu',
            kernel=[1, 1, 192, 192],
            stride=1,
            padding='same',
            scale=32,
        ),
        dict(name='score_fr', op='conv2d', kernel=[1, 1, 192, NUM_CLASSES], scale=32),
        dict(
            name='upscore2',
            op='conv2dTranspose',
            kernel=[4, 4, 11, 11],
            stride=2,
            padding='same',
            learned=True,
            init='bilinear',
            scale=16,
            cropOffset=0,
        ),
        dict(
            name='score_pool4',
            op='conv2d',
            kernel=[1, 1, BLOCKS[3][-1][2], 11],
            scale=16,
            init='zeros',
        ),
        dict(name='fuse_pool4', op='add', inputs=['upscore2', 'score_pool4'], scale=16),
        dict(
            name='upscore_pool4',
            op='conv2dTranspose',
            kernel=[4, 4, 11, 11],
            stride=2,
            padding='same',
            learned=True,
            init='bilinear',
            scale=8,
            cropOffset=0,
        ),
        dict(
            name='score_pool3',
            op='conv2d',
            kernel=[1, 1, BLOCKS[2][-1][2], 11],
            scale=8,
            init='zeros',
        ),
        dict(name='fuse_pool3', op='add', inputs=['upscore_pool4', 'score_pool3'], scale=8),
        dict(
            name='upscore32',
            op='conv2dTranspose',
            kernel=[64, 64, 11, 11],
            stride=32,
            padding='same',
            learned=False,
            init='bilinear',
            variant='32s',
            input='score_fr',
            cropOffset=0,
        ),
        dict(
            name='upscore16',
            op='conv2dTranspose',
            kernel=[32, 32, 11, 11],
            stride=16,
            padding='same',
            learned=False,
            init='bilinear',
            variant='16s',
            input='fuse_pool4',
            cropOffset=0,
        ),
        dict(
            name='upscore8',
            op='conv2dTranspose',
            kernel=[16, 16, 11, 11],
            stride=8,
            padding='same',
            learned=False,
            init='bilinear',
            variant='8s',
            input='fuse_pool3',
            cropOffset=0,
        ),
    ]
    del fc
    return dict(
        name='pixelwise tiny FCN (VGG-style, 5 blocks)',
        numClasses=NUM_CLASSES,
        classes=CLASS_NAMES,
        input='[1, H, W, 3] float32 RGB in [0, 1], H and W multiples of 32',
        output='[1, H, W, 11] logits',
        inputMultiple=32,
        geometry=(
            '3x3 convs pad 1; 2x2/2 max-pools; transposed convs kernel 2s, stride s, '
            "padding s/2 ('same'): n -> s*n exactly and kernel centres land on input "
            'cell centres, so every crop offset is 0 (Caffe FCN: pad 100, crops 19/27/31)'
        ),
        layers=layers,
    )


CLASSIFIER_DIR = 'classifier'
CLASSIFIER_TENSORS = [
    f'{n}/{p}' for blk in BLOCKS for n, _, _ in blk for p in ('kernel', 'bias')
] + [f'{n}/{p}' for n in ('fc6', 'fc7', 'score_fr') for p in ('kernel', 'bias')]


def quantize_uint8(a):
    """tfjs uint8 affine quantization of one tensor: value = min + scale * q, q in 0..255."""
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / 255 if hi > lo else 1.0
    q = np.clip(np.round((a - lo) / scale), 0, 255).astype(np.uint8)
    return q, lo, scale


def write_classifier(weights, out, info):
    """The convolutionalized classifier (conv1_1 .. score_fr, BatchNorm folded), uint8, in a
    tfjs manifest under out/classifier/. Returns (dequantized weights, bytes)."""
    d = os.path.join(out, CLASSIFIER_DIR)
    os.makedirs(d, exist_ok=True)
    entries, chunks, deq = [], [], []
    for name, a in weights:
        q, lo, scale = quantize_uint8(a)
        chunks.append(q.tobytes())
        # float32 round trip: what tfjs computes from the JSON numbers
        lo32, scale32 = np.float32(lo), np.float32(scale)
        entries.append(
            dict(
                name=name,
                shape=list(a.shape),
                dtype='float32',
                quantization=dict(dtype='uint8', min=lo, scale=scale),
            )
        )
        deq.append((name, (lo32 + scale32 * q.astype(np.float32)).astype(np.float32)))
    data = b''.join(chunks)
    with open(os.path.join(d, SHARD), 'wb') as f:
        f.write(data)
    with open(os.path.join(d, 'model.json'), 'w') as f:
        json.dump(
            dict(
                format='pixelwise-classifier-weights',
                generatedBy='training/export.py',
                note='the 11-way classifier after pretraining on 32x32 patches, before any '
                'segmentation training, convolutionalized (fc6/fc7/score as 1x1 convs, BatchNorm '
                'folded): the FCN layers conv1_1 .. score_fr with the same names and shapes as '
                '../model.json. On a 32x32 patch score_fr is 1x1 (the class logits); on an HxW '
                'scene it is the H/32 x W/32 coarse class map.',
                **info,
                weightsManifest=[dict(paths=[SHARD], weights=entries)],
            ),
            f,
            indent=1,
        )
    return deq, len(data)


def classifier_accuracy(weights, xs, ys, batch=500):
    """Top-1 accuracy of a convolutionalized classifier on 32x32 patches."""
    right = 0
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            logits = reference_forward(weights, to_nchw(xs[i : i + batch]), 'coarse')
            right += int((logits[:, :, 0, 0].argmax(1).numpy() == ys[i : i + batch]).sum())
    return right / len(xs)


def write_manifest(weights, out):
    """float16 shard + model.json (tfjs weightsManifest). Returns dequantized weights."""
    os.makedirs(out, exist_ok=True)
    entries, chunks, deq = [], [], []
    for name, a in weights:
        h = a.astype('<f2')
        chunks.append(h.tobytes())
        entries.append(
            dict(
                name=name, shape=list(a.shape), dtype='float32', quantization=dict(dtype='float16')
            )
        )
        deq.append((name, h.astype(np.float32)))
    data = b''.join(chunks)
    with open(os.path.join(out, SHARD), 'wb') as f:
        f.write(data)
    model = dict(
        format='pixelwise-fcn-weights',
        generatedBy='training/export.py',
        architecture=architecture(),
        weightsManifest=[dict(paths=[SHARD], weights=entries)],
    )
    with open(os.path.join(out, 'model.json'), 'w') as f:
        json.dump(model, f, indent=1)
    return deq, len(data)


def reference_forward(weights, x, variant='8s', acts=None):
    """The exported net from tfjs-layout arrays: x [N, 3, H, W] -> logits [N, 11, H, W]."""
    w = {n: torch.from_numpy(a) for n, a in weights}
    a = {} if acts is None else acts

    def conv(name, h, relu):
        k = w[name + '/kernel'].permute(3, 2, 0, 1)
        y = F.conv2d(h, k, w[name + '/bias'], padding=k.shape[-1] // 2)
        return F.relu(y) if relu else y

    def up2(name, h):
        return F.conv_transpose2d(h, w[name + '/kernel'].permute(3, 2, 0, 1), stride=2, padding=1)

    h = x
    for b, blk in enumerate(BLOCKS, start=1):
        for name, _, _ in blk:
            h = a[name] = conv(name, h, True)
        h = a[f'pool{b}'] = F.max_pool2d(h, 2, 2)
    a['fc6'] = conv('fc6', h, True)
    a['fc7'] = conv('fc7', a['fc6'], True)
    a['score_fr'] = conv('score_fr', a['fc7'], False)
    if variant == 'coarse':
        return a['score_fr']
    if variant == '32s':
        a['logits'] = fixed_upsample(a['score_fr'], 32)
        return a['logits']
    a['upscore2'] = up2('upscore2', a['score_fr'])
    a['score_pool4'] = conv('score_pool4', a['pool4'], False)
    a['fuse_pool4'] = a['upscore2'] + a['score_pool4']
    if variant == '16s':
        a['logits'] = fixed_upsample(a['fuse_pool4'], 16)
        return a['logits']
    a['upscore_pool4'] = up2('upscore_pool4', a['fuse_pool4'])
    a['score_pool3'] = conv('score_pool3', a['pool3'], False)
    a['fuse_pool3'] = a['upscore_pool4'] + a['score_pool3']
    a['logits'] = fixed_upsample(a['fuse_pool3'], 8)
    return a['logits']


def confusion(pred, gt, n=NUM_CLASSES):
    """hist[i, j] = pixels of true class i predicted as j (FCN's fast_hist)."""
    return np.bincount(n * gt.astype(np.int64).ravel() + pred.ravel(), minlength=n * n).reshape(
        n, n
    )


def scores(hist):
    """FCN's score.py: pixel acc, mean acc, per-class IU, mean IU (nanmean), f.w. IU."""
    with np.errstate(divide='ignore', invalid='ignore'):
        diag = np.diag(hist).astype(np.float64)
        acc_cls = diag / hist.sum(1)
        iu = diag / (hist.sum(1) + hist.sum(0) - diag)
        freq = hist.sum(1) / hist.sum()
    return dict(
        pixelAccuracy=float(diag.sum() / hist.sum()),
        meanAccuracy=float(np.nanmean(acc_cls)),
        meanIU=float(np.nanmean(iu)),
        frequencyWeightedIU=float((freq[freq > 0] * iu[freq > 0]).sum()),
        perClassIU=[None if np.isnan(v) else float(v) for v in iu],
    )


def to_nchw(x):
    return torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).contiguous()


def evaluate(forward, xs, ys, batch=25):
    hists = {v: np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64) for v in ('32s', '16s', '8s')}
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            x = to_nchw(xs[i : i + batch])
            for v in hists:
                pred = forward(x, v).argmax(1).numpy()
                hists[v] += confusion(pred, ys[i : i + batch])
    return hists


def band_sets(seed, n, photos, te_img, te_lab, size=128, generator=GENERATOR):
    """{band: (xs, ys)}: n scenes per object-size band (every object's side in that band),
    seeds seed+1, seed+2, seed+3; colours rounded to 8 bits as the PNGs hold them."""
    out = {}
    for i, (band, rng_) in enumerate(SIZE_BANDS.items(), start=1):
        xs, ys, _ = make_scenes(seed + i, n, photos, te_img, te_lab, size, generator, rng_)
        out[band] = (np.round(xs * 255) / 255, ys)
    return out


def score_bands(forward, bands):
    """{band: {variant: mean IU}} of `forward` on `band_sets`."""
    return {
        band: {v: scores(h)['meanIU'] for v, h in evaluate(forward, xs, ys).items()}
        for band, (xs, ys) in bands.items()
    }


def validation_scores(forward, n, photos, te_img, te_lab, size=128):
    """Mean IU per variant on n validation scenes (all sizes) and n per size band, from
    VALIDATION_SEED (held-out photos, t10k objects; never the test scenes)."""
    size = max(size, 128)
    xs, ys, _ = make_scenes(VALIDATION_SEED, n, photos, te_img, te_lab, size)
    xs = np.round(xs * 255) / 255
    out = {
        'all': dict(
            scenes=n, meanIU={v: scores(h)['meanIU'] for v, h in evaluate(forward, xs, ys).items()}
        )
    }
    for band, m in score_bands(
        forward, band_sets(VALIDATION_SEED, n, photos, te_img, te_lab, size)
    ).items():
        out[band] = dict(scenes=n, meanIU=m)
    return out


def write_goldens(deq, fixtures_out, test_photos, te_img, te_lab, scene128, log):
    """Every stage for 3 scenes of 64x64 + the full-size logits of one 128x128 scene, computed
    with the dequantized weights; float16 in one .bin (input images float32), JSON index."""
    os.makedirs(fixtures_out, exist_ok=True)
    xs, _, _ = make_scenes(GOLDEN_SEED, 3, test_photos, te_img, te_lab, size=64)
    xs = np.round(xs * 255) / 255
    index, chunks, offset = [], [], 0

    def put(scene, name, arr, dtype):
        nonlocal offset
        data = np.ascontiguousarray(arr, dtype=dtype).tobytes()
        index.append(
            dict(
                scene=scene,
                name=name,
                shape=list(arr.shape),
                dtype='float32' if dtype == '<f4' else 'float16',
                offset=offset,
                byteLength=len(data),
                range=[float(arr.min()), float(arr.max())],
            )
        )
        chunks.append(data)
        offset += len(data)

    def nhwc(t):
        return t[0].permute(1, 2, 0).numpy()[None]

    with torch.no_grad():
        for s in range(3):
            put(f'scene{s}', 'input', xs[s : s + 1].astype(np.float32), '<f4')
            acts = {}
            reference_forward(deq, to_nchw(xs[s : s + 1]), '8s', acts)
            acts['logits8s'] = acts.pop('logits')
            for v in ('32s', '16s') if s == 0 else ():
                acts['logits' + v] = reference_forward(deq, to_nchw(xs[s : s + 1]), v)
            for name, t in acts.items():
                put(f'scene{s}', name, nhwc(t), '<f2')
        put('scene128', 'input', scene128.astype(np.float32), '<f4')
        put('scene128', 'logits8s', nhwc(reference_forward(deq, to_nchw(scene128), '8s')), '<f2')
    with open(os.path.join(fixtures_out, 'golden.bin'), 'wb') as f:
        f.write(b''.join(chunks))
    with open(os.path.join(fixtures_out, 'golden.json'), 'w') as f:
        json.dump(
            dict(
                seed=GOLDEN_SEED,
                note='outputs of training/export.py reference_forward '
                'with the exported (dequantized float16) weights; NHWC; little-endian',
                tensors=index,
            ),
            f,
            indent=1,
        )
    log(f'goldens: {len(index)} tensors, {offset / 1e6:.2f} MB')


def write_metric_fixture(fixtures_out):
    """Random label maps and the metrics Python computes for them (TS metrics must agree)."""
    rng = np.random.default_rng(5)
    cases = []
    for h, w, k in ((8, 8, 4), (16, 12, 11)):
        gt = rng.integers(0, k, (h, w))
        pred = np.where(rng.random((h, w)) < 0.6, gt, rng.integers(0, k, (h, w)))
        s = scores(confusion(pred, gt))
        cases.append(
            dict(
                height=h,
                width=w,
                gt=gt.ravel().tolist(),
                pred=pred.ravel().tolist(),
                confusion=confusion(pred, gt).tolist(),
                **s,
            )
        )
    with open(os.path.join(fixtures_out, 'metrics.json'), 'w') as f:
        json.dump(dict(numClasses=NUM_CLASSES, cases=cases), f)


def write_scenes(xs, ys, which, scenes_out, n):
    os.makedirs(scenes_out, exist_ok=True)
    items = []
    for i in range(n):
        sid = f'scene-{i:02d}'
        Image.fromarray(np.round(xs[i] * 255).astype(np.uint8)).save(
            os.path.join(scenes_out, sid + '.png')
        )
        Image.fromarray(ys[i]).save(os.path.join(scenes_out, sid + '-label.png'))
        items.append(
            dict(
                id=sid,
                image=sid + '.png',
                label=sid + '-label.png',
                background=HELDOUT_BACKGROUNDS[which[i]][1],
                classesPresent=sorted(int(c) for c in np.unique(ys[i])),
            )
        )
    with open(os.path.join(scenes_out, 'index.json'), 'w') as f:
        json.dump(
            dict(
                size=int(xs.shape[1]),
                numClasses=NUM_CLASSES,
                classes=CLASS_NAMES,
                labelEncoding='8-bit greyscale PNG, pixel value = class index 0..10',
                source=f'training/scenes.py make_scenes(seed={EVAL_SEED}, generator '
                f'{GENERATOR!r}), held-out '
                'photos, Fashion-MNIST t10k objects; the first scenes of the eval set',
                scenes=items,
            ),
            f,
            indent=1,
        )


def shipped_scores(
    deq,
    clf_deq,
    clf_test,
    xs,
    ys,
    test_photos,
    te_img,
    te_lab,
    cfg,
    log,
    seed=EVAL_SEED,
    generator=GENERATOR,
):
    """Everything eval.json reports that the shipped (quantized) files alone determine: the
    FCN rows on the test scenes xs/ys, the size bands, the reproduction sample, the uint8
    classifier's accuracy and its slid coarse map. `npm run eval -- --write` recomputes these."""
    deq_h = evaluate(lambda x, v: reference_forward(deq, x, v), xs, ys)
    rows = {v: dict(variant=v, **scores(h), confusion=h.tolist()) for v, h in deq_h.items()}
    bands = band_sets(seed, cfg['band_scenes'], test_photos, te_img, te_lab, xs.shape[1], generator)
    band_iu = score_bands(lambda x, v: reference_forward(deq, x, v), bands)
    for band, m in band_iu.items():
        log(f'size band {band}: ' + '  '.join(f'{v} {100 * u:.1f}' for v, u in m.items()))
    # The first scenes exactly as committed (PNGs): tests/unit/eval-reproduce.test.ts re-scores
    # them with the site's forward pass and requires these numbers.
    n_rep = min(REPRODUCTION_SCENES, cfg['public_scenes'])
    rep_h = evaluate(lambda x, v: reference_forward(deq, x, v), xs[:n_rep], ys[:n_rep])
    classifier = None
    if clf_deq is not None:
        slid = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
        with torch.no_grad():
            for i in range(0, len(xs), 25):
                x = to_nchw(xs[i : i + 25])
                slid += confusion(
                    reference_forward(clf_deq, x, '32s').argmax(1).numpy(), ys[i : i + 25]
                )
        slid_iu = scores(slid)['meanIU']
        clf_acc = classifier_accuracy(clf_deq, *clf_test)
        log(
            f'shipped classifier: accuracy {clf_acc:.4f}; slid over the test scenes (coarse '
            f'map, 32x bilinear): mean IU {slid_iu:.4f}'
        )
        # The reproduction sample for the classifier too (eval-reproduce.test.ts re-scores it).
        rep_clf = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
        with torch.no_grad():
            rep_clf += confusion(
                reference_forward(clf_deq, to_nchw(xs[:n_rep]), '32s').argmax(1).numpy(),
                ys[:n_rep],
            )
        classifier = dict(
            accuracyUint8=clf_acc,
            slidMeanIU32s=slid_iu,
            reproduction=dict(meanIU=scores(rep_clf)['meanIU'], confusion=rep_clf.tolist()),
        )
    return dict(
        rows=rows,
        sizeBands=dict(
            note='mean IU on scenes whose every object has its box side in the band (px, '
            '128x128 scenes); same generator, seeds dataset.seed + 1, 2, 3; shipped weights',
            scenesPerBand=cfg['band_scenes'],
            bands={k: list(v) for k, v in SIZE_BANDS.items()},
            meanIU=band_iu,
        ),
        reproduction=dict(
            scenes=n_rep,
            source='the first scenes of public/images/scenes (8-bit PNGs), shipped weights',
            rows={
                v: dict(
                    meanIU=scores(h)['meanIU'],
                    pixelAccuracy=scores(h)['pixelAccuracy'],
                    confusion=h.tolist(),
                )
                for v, h in rep_h.items()
            },
        ),
        classifier=classifier,
    )


def classifier_test_patches(n, test_photos, te_img, te_lab, generator=GENERATOR):
    """The classifier's test: n 32x32 patches (seed 12345), held-out photos, t10k objects."""
    rng = np.random.default_rng(CLASSIFIER_TEST_SEED)
    test = [make_patch(rng, test_photos, te_img, te_lab, generator=generator) for _ in range(n)]
    return np.stack([b[0] for b in test]), np.array([b[1] for b in test])


def export_all(
    net, out, scenes_out, fixtures_out, cfg, log, test_photos, te_img, te_lab, info, clf, clf_test
):
    weights = tfjs_weights(net)
    # The classifier as it was before segmentation training, convolutionalized.
    clf_net = FCN.from_classifier(clf).eval()
    clf_weights = [(n, a) for n, a in tfjs_weights(clf_net) if n in CLASSIFIER_TENSORS]
    clf_deq, clf_bytes = write_classifier(
        clf_weights,
        out,
        dict(
            testPatches=len(clf_test[0]),
            quantization='uint8 per tensor (tfjs affine: value = min + scale * q)',
        ),
    )
    clf_float = classifier_accuracy(clf_weights, *clf_test)
    clf_uint8 = classifier_accuracy(clf_deq, *clf_test)
    log(
        f'classifier: {clf_bytes} bytes (uint8); accuracy float32 {clf_float:.4f}, '
        f'uint8 {clf_uint8:.4f}'
    )
    check = to_nchw(np.random.default_rng(0).random((2, 64, 64, 3), dtype=np.float32))
    with torch.no_grad():
        folded_err = float((net(check, '8s') - reference_forward(weights, check)).abs().max())
    log(f'BatchNorm folding: max |BN net - folded net| = {folded_err:.2e}')
    if not folded_err < 1e-3:
        raise RuntimeError(f'BatchNorm folding broke the net: max error {folded_err:.2e}')
    deq, nbytes = write_manifest(weights, out)
    log(
        f'manifest: {len(weights)} tensors, {sum(a.size for _, a in weights)} weights, '
        f'{nbytes} bytes (float16)'
    )

    size = cfg['size'] if cfg['size'] >= 128 else 128
    xs, ys, which = make_scenes(EVAL_SEED, cfg['eval_scenes'], test_photos, te_img, te_lab, size)
    xs = np.round(xs * 255) / 255  # exactly what the PNGs hold
    log(f'evaluating on {len(xs)} held-out scenes ...')
    float_h = evaluate(lambda x, v: reference_forward(weights, x, v), xs, ys)
    shipped = shipped_scores(deq, clf_deq, clf_test, xs, ys, test_photos, te_img, te_lab, cfg, log)
    rows, quant = [], {}
    for v in ('32s', '16s', '8s'):
        s = shipped['rows'][v]
        f = scores(float_h[v])
        rows.append(dict(variant=v, weights='float16 (shipped)'))
        quant[v] = dict(
            meanIUFloat32=f['meanIU'],
            meanIUFloat16=s['meanIU'],
            deltaPoints=100 * (s['meanIU'] - f['meanIU']),
        )
        log(
            f'FCN-{v}: mean IU {s["meanIU"]:.4f}  pixel acc {s["pixelAccuracy"]:.4f}  '
            f'(float32 {f["meanIU"]:.4f})'
        )
    report = dict(
        dataset=dict(
            name='fashion scenes (held-out)',
            scenes=len(xs),
            size=size,
            seed=EVAL_SEED,
            generator=GENERATOR,
            backgrounds=[n for _, n in HELDOUT_BACKGROUNDS],
            objects='Fashion-MNIST t10k',
            classes=CLASS_NAMES,
            metrics='FCN score.py: confusion over all pixels of all scenes; IU = '
            'TP/(TP+FP+FN); meanIU = nanmean over classes',
        ),
        rows=[dict(r, **shipped['rows'][r['variant']]) for r in rows],
        classifierAccuracy=info['classifierAccuracy'],
        classifierTest=dict(
            patches=info['classifierTestPatches'],
            note='32x32 patches, held-out photos, t10k objects, 11 classes',
        ),
        classifier=dict(
            weights=f'{CLASSIFIER_DIR}/model.json',
            dtype='uint8',
            bytes=clf_bytes,
            accuracyFloat32=clf_float,
            deltaPoints=100 * (clf_uint8 - clf_float),
            **shipped['classifier'],
            note='the classifier before segmentation training, convolutionalized; accuracy on '
            'the classifierTest patches; slidMeanIU32s: its coarse class map upsampled 32x '
            '(bilinear, as FCN-32s) on the test scenes, uint8 weights',
        ),
        weightsBytesTotal=nbytes + clf_bytes,
        sizeBands=shipped['sizeBands'],
        validation=info['validation'],
        reproduction=shipped['reproduction'],
        quantization=dict(dtype='float16', bytes=nbytes, perVariant=quant),
        training=info['training'],
    )
    with open(os.path.join(out, 'eval.json'), 'w') as f:
        json.dump(report, f, indent=1)
    write_scenes(xs, ys, which, scenes_out, cfg['public_scenes'])
    write_goldens(deq, fixtures_out, test_photos, te_img, te_lab, xs[:1], log)
    write_metric_fixture(fixtures_out)
