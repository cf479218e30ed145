/**
 * Debian's Chromium for the browser tests: where it is, whether it is there (a test file says so and
 * skips where it is not, or fails under REQUIRE_CHROMIUM, as CI sets it), and a launch with the flags
 * a headless run here needs.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(executablePath);
if (!chromiumPresent && process.env.REQUIRE_CHROMIUM) throw new Error(`Chromium is required but not at ${executablePath}`);
if (!chromiumPresent) console.warn(`skipped: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);

/** Launches Chromium headless, with `extraArgs` after the usual flags. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
