// `npm run lighthouse`: Lighthouse scores (performance, accessibility, best practices, SEO) for
// every lesson page of the built site, served on 127.0.0.1 and audited in the system Chromium.
// Prints a table and writes bench-output/lighthouse.json (scores plus every failing audit).
// Not a test: scores depend on the machine. Default: Lighthouse's mobile preset with simulated
// throttling; `--desktop` uses its desktop preset. BENCH_BUILD=1 rebuilds dist/ first.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import lighthouse, { desktopConfig } from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { findChrome } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';
import { LESSONS } from '../src/lessons.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const { values: args } = parseArgs({ options: { desktop: { type: 'boolean', default: false } } });
const DESKTOP = args.desktop;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

if (process.env.BENCH_BUILD === '1' || !existsSync(join(DIST, 'index.html'))) {
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
}

const server = await serveStatic(DIST);
const chrome = await chromeLauncher.launch({
  chromePath: findChrome(),
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
  ],
});
const results = [];
try {
  for (const { href } of LESSONS) {
    process.stderr.write(`lighthouse ${href}…\n`);
    const runner = await lighthouse(
      server.url + href,
      { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES },
      DESKTOP ? desktopConfig : undefined,
    );
    if (!runner) throw new Error(`lighthouse returned nothing for ${href}`);
    const { lhr } = runner;
    const scores = Object.fromEntries(
      CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
    );
    // Audits that cost points: score below 1 and counted in some category.
    const weighted = new Set(
      CATEGORIES.flatMap((c) =>
        (lhr.categories[c]?.auditRefs ?? []).filter((r) => r.weight > 0).map((r) => r.id),
      ),
    );
    const failing = Object.values(lhr.audits)
      .filter((a) => weighted.has(a.id) && a.score !== null && a.score < 1)
      .map((a) => ({
        id: a.id,
        score: a.score,
        title: a.title,
        value: a.displayValue ?? '',
        // Where it happens, for accessibility audits: the offending nodes.
        nodes: (a.details?.items ?? [])
          .map((i) => i.node)
          .filter(Boolean)
          .slice(0, 5)
          .map((n) => ({ selector: n.selector, snippet: n.snippet, explanation: n.explanation })),
      }));
    const metrics = Object.fromEntries(
      [
        'first-contentful-paint',
        'largest-contentful-paint',
        'total-blocking-time',
        'cumulative-layout-shift',
        'speed-index',
      ].map((id) => [id, lhr.audits[id]?.numericValue ?? null]),
    );
    results.push({ page: href, scores, metrics, failing, runtimeError: lhr.runtimeError ?? null });
  }
} finally {
  await chrome.kill();
  await server.close();
}

console.log(`\nLighthouse (${DESKTOP ? 'desktop' : 'mobile'} preset)`);
console.log(['page', ...CATEGORIES, 'FCP ms', 'LCP ms', 'TBT ms', 'CLS'].join(' | '));
for (const r of results) {
  const m = r.metrics;
  console.log(
    [
      r.page,
      ...CATEGORIES.map((c) => r.scores[c]),
      Math.round(m['first-contentful-paint'] ?? NaN),
      Math.round(m['largest-contentful-paint'] ?? NaN),
      Math.round(m['total-blocking-time'] ?? NaN),
      (m['cumulative-layout-shift'] ?? NaN).toFixed(3),
    ].join(' | '),
  );
}
const failingIds = new Map();
for (const r of results) for (const f of r.failing) failingIds.set(f.id, f);
if (failingIds.size > 0) {
  console.log('\nAudits losing points (on at least one page):');
  for (const f of failingIds.values()) {
    console.log(`  ${f.id}: ${f.title}${f.value ? ` (${f.value})` : ''}`);
    for (const n of f.nodes) console.log(`    ${n.selector}: ${n.snippet}`);
  }
}
await mkdir(join(ROOT, 'bench-output'), { recursive: true });
const file = join(ROOT, `bench-output/lighthouse${DESKTOP ? '-desktop' : ''}.json`);
await writeFile(
  file,
  JSON.stringify({ date: new Date().toISOString(), desktop: DESKTOP, results }, null, 2) + '\n',
);
console.log(`\nwrote ${file.slice(ROOT.length + 1)}`);
