#!/usr/bin/env node
// `npm start`: the compiled server (dist/, `npm run build`) when that build is current, with plain node; in production
// only that (a missing or stale build stops start-up with what to run); otherwise — a fresh clone, sources changed
// since the last build — the TypeScript sources through tsx, so that `npm install && npm start` just works. Either way
// the server runs in this very process, so that signals sent to `npm start` reach it.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIsCurrent } from './build-server.mjs';

// npm runs this from the package's folder and names its package.json; `node scripts/start.mjs` works from anywhere.
const root = process.env.npm_package_json
  ? path.dirname(process.env.npm_package_json)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist/server/src/main.js');

if (buildIsCurrent(root)) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(compiled).href);
} else if (process.env.NODE_ENV === 'production') {
  console.error('No current compiled build in dist/ (missing, or the sources changed since): run `npm run build`, then `npm start`.');
  process.exit(1);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'server/src/main.ts')).href);
}
