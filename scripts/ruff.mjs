// Ruff (lint + format check) on the project's Python, through Ruff's official WebAssembly build
// from npm, so the check needs no PyPI. `node scripts/ruff.mjs` checks; `--write` formats.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Workspace, PositionEncoding } from '@astral-sh/ruff-wasm-nodejs';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
const ROOTS = ['training', 'tests/reference', 'scripts'];

/** Ruff settings: the defaults (pyflakes, pycodestyle errors) plus bugbear and pyupgrade. */
const workspace = new Workspace(
  {
    'line-length': 100,
    lint: { select: ['E4', 'E7', 'E9', 'F', 'B', 'UP'] },
    format: { 'quote-style': 'single' },
  },
  PositionEncoding.Utf16,
);

function pythonFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === '__pycache__' ? [] : pythonFiles(path);
    return d.name.endsWith('.py') ? [path] : [];
  });
}

let problems = 0;
const files = ROOTS.flatMap(pythonFiles).sort();
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const formatted = workspace.format(source);
  if (formatted !== source) {
    if (values.write) writeFileSync(file, formatted);
    else {
      problems++;
      console.log(`${relative('.', file)}: not formatted (node scripts/ruff.mjs --write)`);
    }
  }
  for (const d of workspace.check(values.write ? formatted : source)) {
    problems++;
    const { row, column } = d.start_location;
    console.log(`${relative('.', file)}:${row}:${column}: ${d.code ?? ''} ${d.message}`);
  }
}
console.log(`ruff ${Workspace.version()}: ${files.length} Python files, ${problems} problem(s)`);
process.exitCode = problems === 0 ? 0 : 1;
