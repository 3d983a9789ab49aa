"""Experiment (2026-12-02): does fine-tuning every layer beat training only the heads?

Starts from the committed v1 FCN (public/weights at generator v1), trains N steps of 12 v2
scenes with loss CE(32s) + CE(16s) + CE(8s), either every layer ('joint') or only score_fr and
the decoder ('frozen'), then prints v2 validation mean IU per variant, overall and per size
band. BatchNorm is folded in the shipped weights, so it stays an affine layer in both modes.

  /usr/bin/python3 training/experiments/adapt_v1.py joint|frozen STEPS [WEIGHTS_DIR]
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from evaluate import load_export  # noqa: E402
from export import to_nchw, validation_scores  # noqa: E402
from model import BLOCKS, FCN  # noqa: E402
from scenes import (  # noqa: E402
    HELDOUT_BACKGROUNDS,
    TRAIN_BACKGROUNDS,
    load_backgrounds,
    load_fashion,
    make_scene,
)

HEADS = ('score_fr', 'upscore2', 'score_pool4', 'upscore_pool4', 'score_pool3')


def load_net(directory):
    """The shipped (folded) weights in the PyTorch FCN, BatchNorm set to the identity."""
    w = {n: torch.from_numpy(a) for n, a in load_export(directory)}
    net = FCN()

    def kernel(name):
        return w[name + '/kernel'].permute(3, 2, 0, 1)

    with torch.no_grad():
        blocks = [(net.encoder.convs[n], n) for blk in BLOCKS for n, _, _ in blk]
        for m, name in blocks + [(net.fc6, 'fc6'), (net.fc7, 'fc7')]:
            m.conv.weight.copy_(kernel(name))
            m.bn.weight.fill_(1)
            m.bn.bias.copy_(w[name + '/bias'])
            m.bn.running_mean.zero_()
            m.bn.running_var.fill_(1 - m.bn.eps)
        for name in ('score_fr', 'score_pool4', 'score_pool3'):
            getattr(net, name).weight.copy_(kernel(name))
            getattr(net, name).bias.copy_(w[name + '/bias'])
        for name in ('upscore2', 'upscore_pool4'):
            getattr(net, name).weight.copy_(kernel(name))
    return net.eval()


def main():
    mode, steps = sys.argv[1], int(sys.argv[2])
    directory = sys.argv[3] if len(sys.argv) > 3 else 'public/weights'
    torch.set_num_threads(1)
    net = load_net(directory)
    if mode == 'frozen':
        params = [p for name in HEADS for p in getattr(net, name).parameters()]
    else:
        params = list(net.parameters())
    opt = torch.optim.Adam(params, 1e-3)
    photos, held = load_backgrounds(TRAIN_BACKGROUNDS), load_backgrounds(HELDOUT_BACKGROUNDS)
    tr_img, tr_lab = load_fashion('train')
    te_img, te_lab = load_fashion('t10k')
    rng, t0 = np.random.default_rng(1), time.time()
    for step in range(steps):
        batch = [make_scene(rng, photos, tr_img, tr_lab, 128) for _ in range(12)]
        x = to_nchw(np.stack([b[0] for b in batch]))
        y = torch.from_numpy(np.stack([b[1] for b in batch]).astype(np.int64))
        lr = 1e-3 * min(1, (step + 1) / 20) * 0.5 * (1 + np.cos(np.pi * step / steps))
        for g in opt.param_groups:
            g['lr'] = lr
        cache = {}
        loss = sum(F.cross_entropy(net.head(cache, x, v), y) for v in ('8s', '16s', '32s'))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(mode, step, round(loss.item(), 3), round(time.time() - t0), flush=True)
    for name, row in validation_scores(lambda x, v: net(x, v), 100, held, te_img, te_lab).items():
        print(mode, steps, name, {v: round(100 * m, 1) for v, m in row['meanIU'].items()})


if __name__ == '__main__':
    main()
