import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Makes sure `dist/` holds a production build of the current sources (`npm run build:server`), so that the processes a
 * benchmark measures run what `npm start` runs in production: the compiled bundle on plain node, not the TypeScript
 * sources through tsx (whose per-module loader and helpers are no part of production).
 */
export async function ensureServerBuild(root: string, log: (line: string) => void): Promise<void> {
  const { buildIsCurrent } = (await import(pathToFileURL(path.join(root, 'scripts/build-server.mjs')).href)) as {
    buildIsCurrent(root: string): boolean;
  };
  if (buildIsCurrent(root)) return;
  log('building the server (npm run build:server)…');
  if (spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' }).status !== 0)
    throw new Error('npm run build:server failed');
}
