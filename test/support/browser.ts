import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: the browser tests and `npm run bench -- web` drive it; nothing is downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
export const INSTALL_CHROMIUM = `Chromium not found at ${CHROMIUM_PATH}: browser tests skipped (install it with: apt-get install -y chromium)`;

/**
 * The longest a browser test waits for something to appear: what a loaded two-core CI machine
 * needs (two suites and their browsers at once), not what a quiet one does. A wait ends as soon as
 * the thing is there, so a generous limit costs a passing test nothing.
 */
export const UI_WAIT_MS = 60_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in a container has no user namespaces for the sandbox; /dev/shm is often small.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}
