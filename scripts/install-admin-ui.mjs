#!/usr/bin/env node
// Installs the admin UI's own dependencies (runs as the root package's postinstall).
//
// Why the admin UI is a separate package and not an npm workspace: tap's reporter renders with
// React 18 (through ink) and crashes when React 19 is hoisted next to it, while the UI needs React 19
// with react-router resolving that same copy. As a workspace, npm hoists react-router to the root
// where it would resolve tap's React 18. A package of its own gives the UI a node_modules tree of its own.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.LINKYARD_SKIP_ADMIN_UI_INSTALL === '1') process.exit(0);

const uiDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'admin-ui');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// `npm install`, not `npm ci`, even on CI: it installs the locked versions too, but tolerates optional
// platform packages (other operating systems' builds of rollup, tailwind's oxide…) that the registry
// mirror here does not carry, which `npm ci` reports as a lockfile out of sync. `--no-save` leaves
// package.json and the lockfile as committed.
const result = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: uiDir, stdio: 'inherit' });
process.exit(result.status ?? 1);
