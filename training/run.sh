#!/bin/sh
# `npm run train` / `npm run eval`: say which apt packages are missing instead of a traceback.
set -e
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/python3 ]; then
  echo "training needs Debian's /usr/bin/python3; install with:" >&2
  echo "  apt-get install -y python3-torch python3-numpy python3-pil dataset-fashion-mnist python3-skimage" >&2
  exit 2
fi
exec /usr/bin/python3 "$@"
