"""Tiny VGG classifier and its FCN-32s/16s/8s convolutionalization (PyTorch).

Geometry ('same' everywhere, so no crops are needed; every crop offset is 0):
- 3x3 convs with padding 1 keep the size; 2x2 max-pools with stride 2 halve it exactly, so
  pool_k is H / 2^k for H a multiple of 32.
- A transposed conv with kernel 2s, stride s, padding s/2 maps n -> s*n exactly, and the
  centre of its (even-sized) bilinear kernel lands on the centre of each input cell, so the
  upsampled maps line up with pool4/pool3 and the input without any offset. (Caffe FCN instead
  pads the input by 100 and crops 19 / 27 / 31 pixels; here those offsets are all zero.)
"""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from scenes import CLASS_NAMES

NUM_CLASSES = len(CLASS_NAMES)
# (name, in, out) per conv; each block ends in a 2x2 max-pool named pool<k>.
BLOCKS = [
    [('conv1_1', 3, 16)],
    [('conv2_1', 16, 32)],
    [('conv3_1', 32, 64), ('conv3_2', 64, 64)],
    [('conv4_1', 64, 96), ('conv4_2', 96, 96)],
    [('conv5_1', 96, 128)],
]
FC6, FC7 = 192, 192
CLASSIFIER_SIZE = 32  # classifier input; pool5 is then 1x1 so fc6 is exactly a 1x1 conv


def upsample_filt(size):
    """FCN's bilinear kernel [size, size]: factor = (size+1)//2, centre = factor-1 (odd) or
    factor-0.5 (even), weight = (1-|i-c|/f)(1-|j-c|/f)."""
    factor = (size + 1) // 2
    center = factor - 1 if size % 2 == 1 else factor - 0.5
    og = np.ogrid[:size, :size]
    return ((1 - abs(og[0] - center) / factor) * (1 - abs(og[1] - center) / factor)).astype(
        np.float32
    )


def bilinear_weight(channels, size):
    """ConvTranspose2d weight [in=C, out=C, k, k]: one bilinear kernel per class on the diagonal."""
    w = np.zeros((channels, channels, size, size), np.float32)
    w[range(channels), range(channels)] = upsample_filt(size)
    return torch.from_numpy(w)


class ConvBNReLU(nn.Module):
    def __init__(self, cin, cout, k=3):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Encoder(nn.Module):
    """conv1..conv5 with pools; returns every activation by name."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleDict({n: ConvBNReLU(i, o) for blk in BLOCKS for n, i, o in blk})

    def forward(self, x, acts=None):
        for b, blk in enumerate(BLOCKS, start=1):
            for name, _, _ in blk:
                x = self.convs[name](x)
                if acts is not None:
                    acts[name] = x
            x = F.max_pool2d(x, 2, 2)
            if acts is not None:
                acts[f'pool{b}'] = x
        return x


class Classifier(nn.Module):
    """11-way classifier on 32x32 patches: encoder -> fc6 -> fc7 -> score (Linear layers)."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.fc6 = nn.Linear(BLOCKS[-1][-1][2], FC6, bias=False)
        self.bn6 = nn.BatchNorm1d(FC6)
        self.fc7 = nn.Linear(FC6, FC7, bias=False)
        self.bn7 = nn.BatchNorm1d(FC7)
        self.score = nn.Linear(FC7, NUM_CLASSES)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = self.encoder(x).flatten(1)
        x = self.drop(F.relu(self.bn6(self.fc6(x))))
        x = self.drop(F.relu(self.bn7(self.fc7(x))))
        return self.score(x)


def fixed_upsample(x, factor):
    """The final, fixed bilinear upsampling: transposed conv, kernel 2f, stride f, pad f/2."""
    w = bilinear_weight(NUM_CLASSES, 2 * factor).to(x.device)
    return F.conv_transpose2d(x, w, stride=factor, padding=factor // 2)


class FCN(nn.Module):
    """FCN-32s/16s/8s sharing one encoder; `variant` picks the head at call time."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.fc6 = ConvBNReLU(BLOCKS[-1][-1][2], FC6, k=1)
        self.fc7 = ConvBNReLU(FC6, FC7, k=1)
        self.score_fr = nn.Conv2d(FC7, NUM_CLASSES, 1)
        self.upscore2 = nn.ConvTranspose2d(NUM_CLASSES, NUM_CLASSES, 4, 2, 1, bias=False)
        self.score_pool4 = nn.Conv2d(BLOCKS[3][-1][2], NUM_CLASSES, 1)
        self.upscore_pool4 = nn.ConvTranspose2d(NUM_CLASSES, NUM_CLASSES, 4, 2, 1, bias=False)
        self.score_pool3 = nn.Conv2d(BLOCKS[2][-1][2], NUM_CLASSES, 1)
        with torch.no_grad():
            self.upscore2.weight.copy_(bilinear_weight(NUM_CLASSES, 4))
            self.upscore_pool4.weight.copy_(bilinear_weight(NUM_CLASSES, 4))
            # New skip scores start at zero so 16s starts out predicting exactly what 32s did.
            for layer in (self.score_pool4, self.score_pool3):
                layer.weight.zero_()
                layer.bias.zero_()

    @classmethod
    def from_classifier(cls, clf):
        """Convolutionalizes: Linear(in, out) -> 1x1 Conv2d(in, out), BatchNorm1d -> 2d."""
        net = cls()
        net.encoder.load_state_dict(clf.encoder.state_dict())
        with torch.no_grad():
            for conv, fc, bn in ((net.fc6, clf.fc6, clf.bn6), (net.fc7, clf.fc7, clf.bn7)):
                conv.conv.weight.copy_(fc.weight[:, :, None, None])
                conv.bn.load_state_dict(bn.state_dict())
            net.score_fr.weight.copy_(clf.score.weight[:, :, None, None])
            net.score_fr.bias.copy_(clf.score.bias)
        return net

    def forward(self, x, variant='8s', acts=None):
        a = {} if acts is None else acts
        pool5 = self.encoder(x, a)
        a['fc6'] = self.fc6(pool5)
        a['fc7'] = self.fc7(a['fc6'])
        a['score_fr'] = self.score_fr(a['fc7'])
        if variant == '32s':
            out = fixed_upsample(a['score_fr'], 32)
        else:
            a['upscore2'] = self.upscore2(a['score_fr'])
            a['score_pool4'] = self.score_pool4(a['pool4'])
            a['fuse_pool4'] = a['upscore2'] + a['score_pool4']
            if variant == '16s':
                out = fixed_upsample(a['fuse_pool4'], 16)
            else:
                a['upscore_pool4'] = self.upscore_pool4(a['fuse_pool4'])
                a['score_pool3'] = self.score_pool3(a['pool3'])
                a['fuse_pool3'] = a['upscore_pool4'] + a['score_pool3']
                out = fixed_upsample(a['fuse_pool3'], 8)
        a['logits'] = out
        return out

    def head(self, cache, x, variant):
        """`forward(x, variant)`, reusing the encoder and shared head activations in `cache`
        (a dict, empty on the first call) so several variants cost one encoder pass."""
        if 'score_fr' not in cache:
            pool5 = self.encoder(x, cache)
            cache['fc6'] = self.fc6(pool5)
            cache['fc7'] = self.fc7(cache['fc6'])
            cache['score_fr'] = self.score_fr(cache['fc7'])
        if variant == '32s':
            return fixed_upsample(cache['score_fr'], 32)
        if 'fuse_pool4' not in cache:
            cache['fuse_pool4'] = self.upscore2(cache['score_fr']) + self.score_pool4(
                cache['pool4']
            )
        if variant == '16s':
            return fixed_upsample(cache['fuse_pool4'], 16)
        fuse3 = self.upscore_pool4(cache['fuse_pool4']) + self.score_pool3(cache['pool3'])
        return fixed_upsample(fuse3, 8)
