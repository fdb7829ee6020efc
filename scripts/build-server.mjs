#!/usr/bin/env node
// `npm run build:server`: the server and the operator scripts compiled to JavaScript in dist/ (esbuild), for `npm start`
// and `node dist/scripts/<name>.js` in production, and for the servers, workers and scripts that `npm test` starts.
// One ESM bundle per entry point, their shared code in chunks (dist/chunks), the npm packages bundled too except those
// that find files beside their own code or load optional parts at run time (EXTERNAL). Importing the bundle costs
// about a third of the CPU that importing the same code file by file does (~0.6 s against ~1.8 s per process here),
// which is most of a server's start-up. dist/.source-hash records what the build was made from, so that `npm start`
// can tell whether it is current (scripts/start.mjs).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The entry points: the server and the operator CLIs (the developer tooling in scripts/ stays on tsx). */
export const ENTRY_POINTS = [
  'server/src/main.ts',
  'scripts/migrate.ts',
  'scripts/seed.ts',
  'scripts/create-platform-owner.ts',
  'scripts/verify-audit-log.ts',
  'scripts/rotate-encryption-key.ts',
  'scripts/import-legacy-integrations.ts',
];

/**
 * Packages loaded from node_modules as they are: they read files beside their own code (PGlite's WebAssembly and data,
 * Swagger UI's assets, pino's worker-thread transports), are optional or loaded only when configured (MongoDB, Redis,
 * SSO, Chromium), or are native.
 */
const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@electric-sql/pglite-socket',
  'kysely-pglite-dialect',
  '@fastify/swagger-ui',
  '@fastify/static',
  'pino',
  'thread-stream',
  'puppeteer-core',
  'mongodb',
  '@agendajs/mongo-backend',
  'ioredis',
  '@fastify/oauth2',
  'pg-native',
];

/** Folders and files whose contents make the build: a change to any of them makes dist/ stale. */
const INPUTS = ['server/src', 'db', 'scripts', 'package-lock.json', 'tsconfig.json'];

/** A hash of the build's inputs (TypeScript sources, the lock file, this script). */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  const add = (file) => hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      // Only sources: under `npm test` the compiled JavaScript lies beside them (test/compile.mjs).
      else if (/\.(ts|mjs|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) add(full);
    }
  };
  for (const input of INPUTS) {
    const full = path.join(root, input);
    if (!existsSync(full)) continue;
    if (input.includes('.')) add(full);
    else walk(full);
  }
  return hash.digest('hex');
}

/** Whether `outdir` holds a build made from the sources as they are now. */
export function buildIsCurrent(root = ROOT, outdir = path.join(root, 'dist')) {
  const stamp = path.join(outdir, '.source-hash');
  return existsSync(stamp) && existsSync(path.join(outdir, 'server/src/main.js')) && readFileSync(stamp, 'utf8') === sourceHash(root);
}

/** Builds into `outdir` (dist/ by default), replacing what was there. */
export async function buildServer({ root = ROOT, outdir = path.join(root, 'dist'), sourcemap = 'linked' } = {}) {
  const { build } = await import('esbuild');
  const hash = sourceHash(root);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir,
    outbase: '.',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    // Stack traces name the TypeScript lines under `node --enable-source-maps` (`npm start` enables it): the maps
    // hold the mappings only, not a copy of every source. Node reads and keeps each loaded bundle's map whole, and
    // the sources were 3.5 MB of main.js.map's 5.4 MB: without them the production server's idle RSS after start-up
    // is ~20 MiB lower (`npm run bench -- memory`).
    sourcemap,
    sourcesContent: false,
    // What tsconfig.json's ES2022 target means for class fields, as with tsc and tsx.
    supported: { 'class-field': true },
    // Minified for a smaller heap (V8 keeps each module's source text in it) and a faster start; names kept, so
    // stack traces and constructor names read as in the sources (README, Libraries).
    keepNames: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    // Bundled CommonJS packages call require() for Node's modules; an ES module has no require of its own.
    banner: { js: "import { createRequire as __linkyardRequire } from 'node:module'; const require = __linkyardRequire(import.meta.url);" },
  });
  writeFileSync(path.join(outdir, '.source-hash'), hash);
  return outdir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const outdir = await buildServer();
  console.log(
    `Built the server and scripts into ${path.relative(process.cwd(), outdir) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
