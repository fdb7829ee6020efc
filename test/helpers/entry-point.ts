import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How tests start the repository's TypeScript entry points (`server/src/main.ts`, `scripts/*.ts`) as child processes.
 * `npm test` runs the whole suite from JavaScript compiled once per run (test/compile.mjs): then this file is
 * JavaScript too, and children run the compiled entry point with plain `node`, without a TypeScript loader on every
 * module the server loads (about a second of CPU per start). Run on their own (`npx tap <file>`), tests start the
 * sources through tsx. Either way it is the same code; `npm start` itself stays under test in the start-up tests.
 */
export const compiled = import.meta.url.endsWith('.js');

/** The repository's root; under `npm test`, the compiled copy of it (the same files, TypeScript compiled beside them). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Node's arguments that run `entry` (a repository-relative `.ts` path) from `root`. Under `npm test`, the production
 * build of it (`npm run build:server`, which test/run.mjs makes into the compiled copy's dist/ once per run) when it has
 * one: importing one bundle costs about a third of the CPU of importing the same code file by file.
 */
export function entryArgs(entry: string): string[] {
  if (!compiled) return ['--import', 'tsx', entry];
  const bundled = path.join('dist', entry.replace(/\.ts$/, '.js'));
  // Without --enable-source-maps, which costs a start ~0.3 s of CPU to read the bundle's maps.
  return existsSync(path.join(root, bundled)) ? [bundled] : [entry.replace(/\.ts$/, '.js')];
}
