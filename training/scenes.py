"""Fashion scenes: Fashion-MNIST products composited onto crops of real photographs.

Everything here is deterministic given a numpy Generator, so a seed reproduces a scene exactly.
Classes: 0 = background, 1..10 = Fashion-MNIST labels 0..9.
"""

import gzip
import os
import struct

import numpy as np
from PIL import Image

FASHION_DIR = '/usr/share/datasets/fashion-mnist'
SKIMAGE_DIR = '/usr/lib/python3/dist-packages/skimage/data'
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STDLIB_DIR = os.path.join(REPO, 'node_modules', '@stdlib')

CLASS_NAMES = [
    'background',
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
]

# Training never sees the held-out photos; test scenes use only them (and the t10k objects).
TRAIN_BACKGROUNDS = [
    ('skimage', 'astronaut.png'),
    ('skimage', 'chelsea.png'),
    ('skimage', 'rocket.jpg'),
    ('skimage', 'motorcycle_left.png'),
    ('skimage', 'brick.png'),
    ('skimage', 'grass.png'),
    ('skimage', 'gravel.png'),
    ('skimage', 'camera.png'),
    ('skimage', 'coins.png'),
    ('skimage', 'hubble_deep_field.jpg'),
    ('skimage', 'ihc.png'),
    ('skimage', 'retina.jpg'),
    ('stdlib', 'nagasaki-boats'),
    ('stdlib', 'french-alpine-landscape'),
    ('stdlib', 'locomotion-house-cat'),
    ('stdlib', 'airplane-from-above'),
    ('stdlib', 'allium-oreophilum'),
]
HELDOUT_BACKGROUNDS = [
    ('stdlib', 'black-canyon'),
    ('stdlib', 'dust-bowl-home'),
    ('stdlib', 'acanthus-mollis'),
    ('skimage', 'coffee.png'),
]


def background_path(source, name):
    if source == 'skimage':
        return os.path.join(SKIMAGE_DIR, name)
    return os.path.join(STDLIB_DIR, 'datasets-img-' + name, 'data', 'image.jpg')


def load_backgrounds(entries, short_side=320):
    """Loads photos as float32 RGB [H, W, 3] in [0, 1], shorter side resized to `short_side`."""
    out = []
    for source, name in entries:
        im = Image.open(background_path(source, name)).convert('RGB')
        s = short_side / min(im.size)
        im = im.resize(
            (max(128, round(im.size[0] * s)), max(128, round(im.size[1] * s))), Image.BILINEAR
        )
        out.append(np.asarray(im, dtype=np.float32) / 255.0)
    return out


def load_fashion(split):
    """Returns (images uint8 [N, 28, 28], labels uint8 [N]) for split 'train' or 't10k'."""
    with gzip.open(os.path.join(FASHION_DIR, f'{split}-images-idx3-ubyte.gz')) as f:
        _, n, h, w = struct.unpack('>IIII', f.read(16))
        images = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, h, w)
    with gzip.open(os.path.join(FASHION_DIR, f'{split}-labels-idx1-ubyte.gz')) as f:
        struct.unpack('>II', f.read(8))
        labels = np.frombuffer(f.read(), dtype=np.uint8)
    return images, labels


def random_crop(rng, photo, size):
    """A random square crop (side 0.4..1.0 of the shorter side), resized to size x size, maybe
    flipped and brightness/contrast-jittered."""
    h, w, _ = photo.shape
    side = int(rng.integers(int(0.4 * min(h, w)), min(h, w) + 1))
    y, x = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    crop = photo[y : y + side, x : x + side]
    im = Image.fromarray((crop * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    bg = np.asarray(im, dtype=np.float32) / 255.0
    if rng.random() < 0.5:
        bg = bg[:, ::-1]
    gain, bias = rng.uniform(0.7, 1.2), rng.uniform(-0.1, 0.1)
    return np.clip(bg * gain + bias, 0, 1)


# Scene generators by version. eval.json's dataset.generator names the one its test scenes came
# from (absent: 'v1'), so the committed report stays reproducible when the default moves on.
# v1 (until December 2026): 2..6 products of 24..64 px (uniform, not scaled with the scene),
#   hanging at most a quarter of their side over the border; grey level 0.25..1, tint 0.35..1.
# v2: 1..5 products, box side log-uniform 20..110 px in a 128 px scene (scaled with the scene
#   size), up to 40 % over the border; grey level floor..1 with floor 0.1..0.45, tint 0.3..1.
GENERATORS = {
    'v1': dict(n_objects=(2, 6), obj_size=(24, 64), log_size=False, hang=None, contrast=False),
    'v2': dict(n_objects=(1, 5), obj_size=(20, 110), log_size=True, hang=0.4, contrast=True),
}
GENERATOR = 'v2'
# Evaluation bands of the object's box side (px, 128x128 scene), v2 scenes.
SIZE_BANDS = {'small': (20, 39), 'medium': (40, 80), 'large': (81, 110)}


def object_layer(rng, image28, size, generator=GENERATOR):
    """Resizes a 28x28 product photo to size x size; returns (rgb [s, s, 3], alpha [s, s]).

    Fashion-MNIST objects are light on black, so alpha is a soft threshold of intensity
    (0 below 0.04, 1 above 0.16); the colour is the grey level mapped to [floor, 1] (v1: 0.25;
    v2: 0.1..0.45, so contrast varies) times a random tint, so dark garments stay visible
    against the photo they are pasted on."""
    im = Image.fromarray(image28).resize((size, size), Image.BILINEAR)
    v = np.asarray(im, dtype=np.float32) / 255.0
    alpha = np.clip((v - 0.04) / 0.12, 0, 1)
    if rng.random() < 0.5:
        v, alpha = v[:, ::-1], alpha[:, ::-1]
    contrast = GENERATORS[generator]['contrast']
    tint = rng.uniform(0.3 if contrast else 0.35, 1.0, size=3) if rng.random() < 0.7 else np.ones(3)
    floor = rng.uniform(0.1, 0.45) if contrast else 0.25
    rgb = (floor + (1 - floor) * v)[..., None] * tint[None, None, :]
    return rgb.astype(np.float32), alpha


def make_scene(rng, photos, images, labels, size=128, generator=GENERATOR, obj_size=None):
    """One scene: (image float32 [size, size, 3] in [0, 1], label uint8 [size, size], index
    of the background photo), from generator `generator` (see GENERATORS); `obj_size` overrides
    its range of object sides (the size bands).

    Objects land in random places, may hang over the border (cropped) and may overlap; a
    later object occludes earlier ones in both the image and the label map (label = the
    topmost object whose alpha > 0.5)."""
    g = GENERATORS[generator]
    lo, hi = obj_size or g['obj_size']
    which = int(rng.integers(len(photos)))
    img = random_crop(rng, photos[which], size)
    lab = np.zeros((size, size), np.uint8)
    for _ in range(int(rng.integers(g['n_objects'][0], g['n_objects'][1] + 1))):
        k = int(rng.integers(len(images)))
        if g['log_size']:
            side = int(np.clip(round(np.exp(rng.uniform(np.log(lo), np.log(hi + 1)))), lo, hi))
            s = max(8, round(side * size / 128))
        else:
            s = int(rng.integers(lo, hi + 1))
        rgb, alpha = object_layer(rng, images[k], s, generator)
        if g['hang'] is None:  # v1: a quarter of the side, rounded as it was
            y = int(rng.integers(-s // 4, size - 3 * s // 4 + 1))
            x = int(rng.integers(-s // 4, size - 3 * s // 4 + 1))
        else:
            hang = int(g['hang'] * s)
            y = int(rng.integers(-hang, size - s + hang + 1))
            x = int(rng.integers(-hang, size - s + hang + 1))
        y0, x0, y1, x1 = max(y, 0), max(x, 0), min(y + s, size), min(x + s, size)
        a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None]
        img[y0:y1, x0:x1] = a * rgb[y0 - y : y1 - y, x0 - x : x1 - x] + (1 - a) * img[y0:y1, x0:x1]
        lab[y0:y1, x0:x1][a[..., 0] > 0.5] = labels[k] + 1
    return img, lab, which


def make_scenes(seed, n, photos, images, labels, size=128, generator=GENERATOR, obj_size=None):
    """n scenes from one seed: (images [n, size, size, 3], labels [n, size, size], photo ids)."""
    rng = np.random.default_rng(seed)
    xs = np.zeros((n, size, size, 3), np.float32)
    ys = np.zeros((n, size, size), np.uint8)
    which = []
    for i in range(n):
        xs[i], ys[i], w = make_scene(rng, photos, images, labels, size, generator, obj_size)
        which.append(w)
    return xs, ys, which


def make_patch(rng, photos, images, labels, size=32, p_background=0.12, generator=GENERATOR):
    """Classifier sample: one centred object (18..32 px, jittered) on a photo crop -> its class,
    or a bare photo crop -> class 0."""
    photo = photos[int(rng.integers(len(photos)))]
    img = random_crop(rng, photo, size)
    if rng.random() < p_background:
        return img, 0
    k = int(rng.integers(len(images)))
    s = int(rng.integers(18, size + 1))
    rgb, alpha = object_layer(rng, images[k], s, generator)
    y = int(rng.integers(0, size - s + 1))
    x = int(rng.integers(0, size - s + 1))
    a = alpha[..., None]
    img[y : y + s, x : x + s] = a * rgb + (1 - a) * img[y : y + s, x : x + s]
    return img, int(labels[k]) + 1
