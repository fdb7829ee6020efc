#!/usr/bin/env node
// Embedded-mode smoke test (run by .ci/run): `npm start` with no DATABASE_URL on a fresh DATA_DIR
// prints the URL and demo logins; every demo user signs in; an organization created through the
// API is still there after a restart. Exits non-zero with the reason on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-smoke-'));
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;

function start() {
  // Its own process group, so stopping it reaches npm, tsx and node alike.
  const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${out}`)), 120_000);
    const onData = (d) => {
      out += d;
      if (out.includes('admin@globex.test') && out.includes(base)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { child, ready };
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  // The server process may outlive npm by a moment: wait until the port is free.
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${base}/healthz`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server still answers 10 s after SIGTERM');
}

async function call(method, url, token, body) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function login(email) {
  const r = await call('POST', '/api/auth/login', null, { email, password: 'linkyard-demo' });
  if (r.status !== 200) throw new Error(`login as ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.accessToken;
}

function check(cond, message) {
  if (!cond) throw new Error(message);
  console.log(`ok - ${message}`);
}

let server;
try {
  server = start();
  const output = await server.ready;
  check(output.includes('owner@linkyard.test') && output.includes('viewer@acme.test'), 'start-up prints the URL and the demo logins');
  for (const email of [
    'owner@linkyard.test',
    'super@acme.test',
    'admin@acme.test',
    'viewer@acme.test',
    'super@globex.test',
    'admin@globex.test',
  ]) {
    await login(email);
  }
  check(true, 'every demo user signs in');
  // `npm start` serves the admin UI too (through Vite in development): the sign-in page renders, and
  // signing in through the form lands on the integrations page with the session cookies.
  const loginPage = await fetch(`${base}/login`);
  check(loginPage.status === 200 && (await loginPage.text()).includes('Sign in to Linkyard'), 'the admin UI renders its sign-in page');
  const form = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ email: 'admin@acme.test', password: 'linkyard-demo' }),
  });
  const cookies = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const home = await fetch(`${base}/`, { headers: { cookie: cookies }, redirect: 'follow' });
  const html = await home.text();
  check(
    form.status === 302 && home.url.includes('/integrations') && html.includes('HubSpot CRM'),
    'signing in through the UI opens the integrations page with the demo integrations',
  );
  const owner = await login('owner@linkyard.test');
  const created = await call('POST', '/api/orgs', owner, { name: 'Smoke Test', slug: 'smoke-test', superAdminEmail: 'smoke@example.test' });
  check(created.status === 201, 'the platform owner creates an organization');
  await stop(server.child);

  server = start();
  await server.ready;
  const orgs = await call('GET', '/api/orgs', await login('owner@linkyard.test'));
  const slugs = orgs.body.items.map((o) => o.slug).sort();
  check(
    JSON.stringify(slugs) === JSON.stringify(['acme', 'globex', 'smoke-test']),
    `after a restart the data is still there (${slugs.join(', ')})`,
  );
  await stop(server.child);
  console.log('embedded smoke test: 6 passed, 0 failed');
} catch (err) {
  console.error(`not ok - ${err.message}`);
  if (server)
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
