"""Writes the PyTorch golden fixtures for the src/lib numerics core to tests/fixtures/ops/.

Run with Debian's interpreter (it has torch): /usr/bin/python3 tests/reference/make_ops_golden.py
(or `npm run golden:ops`). Seeds are fixed, so the output is reproducible.

Layout conventions of the fixtures (what the TypeScript tests read):
- images are channels-last `[H, W, C]` like tfjs (PyTorch's NCHW is transposed here);
- conv_transpose kernels are in tfjs conv2dTranspose layout `[kh, kw, outC, inC]`
  (PyTorch's `[inC, outC, kh, kw]` permuted with (2, 3, 1, 0));
- max-pool switches are tfjs flat indices `(y * W + x) * C + c` (PyTorch gives `y * W + x`
  per channel plane);
- every tensor is `{"shape": [...], "data": [...]}` with row-major data.

Inputs are float32 samples written with 9 significant digits, which round-trips float32 exactly,
so both sides start from identical numbers. References are then computed in float64 so that
the fixtures carry PyTorch's maths, not its float32 rounding.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'ops')


def f32(a):
    """Float32 values as JSON-safe floats that round-trip float32 exactly."""
    return [float(f'{v:.9g}') for v in np.asarray(a, dtype=np.float32).ravel()]


def f64(a):
    """Float64 reference values rounded to 10 significant digits (far below float32 noise)."""
    return [float(f'{v:.10g}') for v in np.asarray(a, dtype=np.float64).ravel()]


def tensor(a, fmt=f64):
    a = np.asarray(a)
    return {'shape': list(a.shape), 'data': fmt(a)}


def ints(a):
    a = np.asarray(a)
    return {'shape': list(a.shape), 'data': [int(v) for v in a.ravel()]}


def rand_f32(gen, *shape):
    return torch.rand(*shape, generator=gen, dtype=torch.float32)


def hwc(t):
    """NCHW (N = 1) torch tensor -> [H, W, C] numpy."""
    return t[0].permute(1, 2, 0).numpy()


def max_pool_cases(gen):
    cases = []
    # (H, W, C, size, stride): non-overlapping, overlapping (stride < size), ragged edges.
    for h, w, c, size, stride in [
        (8, 8, 3, 2, 2),
        (7, 9, 2, 3, 2),
        (6, 6, 1, 3, 3),
        (9, 7, 2, 2, 1),
        (10, 11, 3, 4, 3),
    ]:
        x = rand_f32(gen, 1, c, h, w).double()
        pooled, idx = F.max_pool2d(x, size, stride, return_indices=True)
        unpooled = F.max_unpool2d(pooled, idx, size, stride, output_size=(h, w))
        # tfjs index: (y * W + x) * C + c, with PyTorch's per-plane y * W + x.
        chan = torch.arange(c).view(1, c, 1, 1)
        switches = idx * c + chan
        cases.append(
            {
                'size': size,
                'stride': stride,
                'x': tensor(hwc(x), f32),
                'pooled': tensor(hwc(pooled)),
                'switches': ints(hwc(switches)),
                'unpooled': tensor(hwc(unpooled)),
                'avgPooled': tensor(hwc(F.avg_pool2d(x, size, stride))),
            }
        )
    return cases


def conv_transpose_cases(gen):
    cases = []
    # (H, W, inC, outC, k, stride, padding): strides 1..4, k % s != 0 included, paddings 0..k-1,
    # one non-square (kh, kw) kernel.
    for h, w, cin, cout, k, s, p in [
        (5, 6, 1, 1, 3, 1, 0),
        (5, 4, 2, 3, 3, 1, 1),
        (4, 5, 3, 2, 4, 2, 1),
        (4, 4, 1, 2, 3, 2, 0),
        (3, 5, 2, 1, 3, 2, 1),
        (4, 3, 3, 3, 5, 3, 2),
        (3, 4, 1, 1, 4, 3, 0),
        (3, 3, 2, 2, 8, 4, 2),
        (2, 3, 3, 1, 3, 4, 0),
        (4, 4, 2, 2, 6, 4, 3),
        (4, 5, 2, 2, (3, 5), 2, 1),
    ]:
        kh, kw = k if isinstance(k, tuple) else (k, k)
        x = rand_f32(gen, 1, cin, h, w) * 2 - 1
        weight = rand_f32(gen, cin, cout, kh, kw) * 2 - 1
        y = F.conv_transpose2d(x.double(), weight.double(), stride=s, padding=p)
        cases.append(
            {
                'stride': s,
                'padding': p,
                'x': tensor(hwc(x), f32),
                'kernel': tensor(weight.permute(2, 3, 1, 0).numpy(), f32),
                'y': tensor(hwc(y)),
            }
        )
    return cases


def upsample_filt(size):
    """FCN's reference bilinear filter (shelhamer/fcn.berkeleyvision.org surgery.py)."""
    factor = (size + 1) // 2
    center = factor - 1 if size % 2 == 1 else factor - 0.5
    og = np.ogrid[:size, :size]
    return (1 - abs(og[0] - center) / factor) * (1 - abs(og[1] - center) / factor)


def bilinear_cases(gen):
    cases = []
    for h, w, c, factor in [(5, 6, 2, 2), (4, 5, 1, 3), (4, 4, 3, 4), (3, 5, 2, 5)]:
        x = rand_f32(gen, 1, c, h, w).double()
        size = 2 * factor - factor % 2
        filt = torch.from_numpy(upsample_filt(size))
        weight = torch.zeros(c, c, size, size, dtype=torch.float64)
        for i in range(c):
            weight[i, i] = filt
        fcn = F.conv_transpose2d(x, weight, stride=factor, padding=factor // 2)
        out = (h * factor, w * factor)
        cases.append(
            {
                'factor': factor,
                'x': tensor(hwc(x), f32),
                'kernel2d': tensor(upsample_filt(size)),
                'fcnUpsample': tensor(hwc(fcn)),
                'interpAlignFalse': tensor(
                    hwc(F.interpolate(x, size=out, mode='bilinear', align_corners=False))
                ),
                'interpAlignTrue': tensor(
                    hwc(F.interpolate(x, size=out, mode='bilinear', align_corners=True))
                ),
            }
        )
    return cases


def fft_cases(gen):
    signals = []
    for n in [64, 50, 9]:
        x = rand_f32(gen, n) * 2 - 1
        mag = torch.fft.rfft(x.double()).abs()
        signals.append({'x': tensor(x.numpy(), f32), 'magnitude': tensor(mag.numpy())})
    images = []
    for h, w in [(16, 16), (12, 10), (7, 9)]:
        x = rand_f32(gen, h, w)
        spec = torch.log1p(torch.fft.fftshift(torch.fft.fft2(x.double())).abs())
        images.append({'x': tensor(x.numpy(), f32), 'logMagnitude': tensor(spec.numpy())})
    return {'signals': signals, 'images': images}


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20151)
    meta = {
        'generator': 'tests/reference/make_ops_golden.py',
        'torch': torch.__version__,
        'layout': 'images [H, W, C]; kernels [kh, kw, outC, inC]; switches (y*W + x)*C + c',
    }
    fixtures = {
        'max_pool.json': {'cases': max_pool_cases(gen)},
        'conv_transpose.json': {'cases': conv_transpose_cases(gen)},
        'bilinear.json': {'cases': bilinear_cases(gen)},
        'fft.json': fft_cases(gen),
    }
    for name, body in fixtures.items():
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump({'meta': meta, **body}, f, separators=(',', ':'))
            f.write('\n')
        print(name, os.path.getsize(os.path.join(OUT, name)), 'bytes')


if __name__ == '__main__':
    main()
