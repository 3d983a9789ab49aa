// Finds and launches the system Chromium for browser tests and benchmarks (playwright-core does
// not download browsers here). Order: $CHROME_PATH, /usr/bin/chromium, common Chrome paths.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Path of a Chromium/Chrome executable, or a thrown Error saying how to get one. */
export function findChrome() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    'No Chromium or Chrome found. Install one (Debian: apt-get install -y chromium) ' +
      'or set CHROME_PATH to its executable.',
  );
}

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/**
 * Launches headless Chromium. `webgl: true` gives WebGL through SwiftShader (no GPU needed);
 * `webgl: false` disables WebGL entirely so pages must fall back; `args` adds flags.
 * @param {{ webgl?: boolean, gpu?: boolean, args?: string[] }} [options]
 */
export async function launchChromium({ webgl = true, gpu = false, args: extra = [] } = {}) {
  const args = [...BASE_FLAGS, ...extra];
  if (!gpu) args.push('--disable-gpu');
  if (webgl && !gpu) args.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader');
  if (!webgl) args.push('--disable-webgl', '--disable-webgl2', '--disable-3d-apis');
  return chromium.launch({ executablePath: findChrome(), headless: true, args });
}
