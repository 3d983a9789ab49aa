// Copies the tfjs WASM binaries into public/tfjs-wasm/ so the fallback backend is self-hosted.
// Runs before `dev` and `build`; the folder is git-ignored because it is derived from node_modules.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(
  new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url),
);
const to = fileURLToPath(new URL('../public/tfjs-wasm/', import.meta.url));
await mkdir(to, { recursive: true });
const files = (await readdir(from)).filter((f) => f.endsWith('.wasm'));
if (files.length === 0)
  throw new Error(`no .wasm files in ${from}: is @tensorflow/tfjs-backend-wasm installed?`);
await Promise.all(files.map((f) => copyFile(from + f, to + f)));
console.log(`copied ${files.length} tfjs wasm binaries to public/tfjs-wasm/`);
