#!/usr/bin/env node
// Installs the admin UI's own dependencies (runs as the root package's postinstall).
//
// Why the admin UI is a separate package and not an npm workspace: tap's reporter renders with
// React 18 (through ink) and crashes when React 19 is hoisted next to it, while the UI needs React 19
// with react-router resolving that same copy. As a workspace, npm hoists react-router to the root
// where it would resolve tap's React 18. A package of its own gives the UI a node_modules tree of its own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.LINKYARD_SKIP_ADMIN_UI_INSTALL === '1') process.exit(0);

const uiDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'admin-ui');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// `npm ci` on CI (exactly the lockfile); `npm install` elsewhere (incremental, fast when nothing changed).
const command = process.env.CI && existsSync(join(uiDir, 'package-lock.json')) ? 'ci' : 'install';
const result = spawnSync(npm, [command, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: uiDir, stdio: 'inherit' });
process.exit(result.status ?? 1);
