import { accessSync, constants, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';

/**
 * Finding and launching the system Chromium for puppeteer-core (docs/architecture.md, Platform notes): PDF exports
 * use it, and so do the admin UI's end-to-end tests. `npm install puppeteer` would download a browser,
 * which these machines refuse, so the browser is Debian's `chromium` (or whatever CHROMIUM_PATH names).
 */

const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The flags of docs/architecture.md (Platform notes): headless, no sandbox (containers), and no background traffic of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export class ChromiumNotFound extends Error {
  constructor(tried: string[]) {
    super(
      `Chromium was not found (tried ${tried.join(', ')}). Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to the browser executable.`,
    );
    this.name = 'ChromiumNotFound';
  }
}

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** CHROMIUM_PATH when set (and then only it: a wrong value should fail loudly), else the first usual path that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CHROMIUM_PATH?.trim();
  const candidates = configured ? [configured] : USUAL_PATHS;
  const found = candidates.find(executable);
  if (!found) throw new ChromiumNotFound(candidates);
  return found;
}

export interface LaunchChromiumOptions {
  executablePath?: string;
  /** Extra command-line flags after CHROMIUM_ARGS. */
  args?: string[];
  /** Milliseconds to wait for the browser to start. */
  timeoutMs?: number;
}

/**
 * Launches headless Chromium with a fresh, private user-data-dir (no profile, cookies or cache shared
 * between launches) that is deleted when the browser closes or dies. Talks over a pipe, not a
 * DevTools port, so nothing else on the machine can drive it.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-chromium-'));
  const removeProfile = () => rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  let browser: Browser;
  try {
    // Loaded on first use: ~30 MB that a process which never renders a PDF does not need to hold.
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({
      executablePath: options.executablePath ?? findChromium(),
      headless: true,
      pipe: true,
      userDataDir,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
      timeout: options.timeoutMs ?? 30_000,
      // The process's own signal handlers (graceful shutdown) decide when the browser closes.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    await removeProfile();
    throw err;
  }
  // 'disconnected' fires after close() and after a crash alike; the profile goes either way.
  browser.once('disconnected', () => {
    void removeProfile();
  });
  return browser;
}
