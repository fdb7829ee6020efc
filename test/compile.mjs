// A compiled copy of the repository for `npm test` (test/run.mjs): every TypeScript file of server/src, db, scripts and
// test compiled to JavaScript beside it (SWC, the transpiler tap uses through ts-node), every other file and folder a
// symbolic link to the original. Test files and the servers and scripts they start then run on plain `node`: a
// TypeScript loader hooks every module a process loads (fastify, pg, …), which cost about two seconds of CPU per
// test file and one per child process, more than many tests themselves. Relative paths inside the copy reach the
// same files as in the repository (README.md, docs/, admin-ui/build, fixtures, the .ts sources), so tests read what
// they read when run with tap.
import { transformFile } from '@swc/core';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The folders whose TypeScript tests load; everything else at the top level is linked as it is. */
const COMPILED = new Set(['server', 'db', 'scripts', 'test']);
// dist/: test/run.mjs builds the copy's own (the repository's may be missing or stale).
const SKIPPED = new Set(['.git', 'node_modules', 'dist']);

const SWC_OPTIONS = {
  swcrc: false,
  // Inline, so that stack traces (`node --enable-source-maps`) name the TypeScript lines.
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript' },
    target: 'es2022',
    // What tsconfig.json's ES2022 target means for class fields, as with tsc and tsx.
    transform: { useDefineForClassFields: true },
    keepClassNames: true,
  },
  module: { type: 'es6' },
};

/** Builds the copy in a new temporary folder and returns its path; the caller removes it. */
export async function compileRepository(root) {
  const out = mkdtempSync(path.join(tmpdir(), 'linkyard-test-build-'));
  // Bare imports (fastify, tap) resolve from here, and the ESM "type" comes from the linked package.json.
  symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'));
  const compiling = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const from = path.join(root, entry.name);
    const to = path.join(out, entry.name);
    if (entry.isDirectory() && COMPILED.has(entry.name)) mirror(from, to, compiling);
    else symlinkSync(from, to);
  }
  await Promise.all(compiling);
  return out;
}

function mirror(from, to, compiling) {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') symlinkSync(source, target);
      else mirror(source, target, compiling);
      continue;
    }
    // The source stays readable at its own name (the migrations' hash, the docs check read .ts files).
    symlinkSync(source, target);
    if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      compiling.push(
        transformFile(source, { ...SWC_OPTIONS, filename: source }).then(({ code }) => writeFileSync(target.replace(/\.ts$/, '.js'), code)),
      );
    }
  }
}

export function removeCompiled(out) {
  rmSync(out, { recursive: true, force: true });
}
