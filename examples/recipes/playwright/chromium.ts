/**
 * The browser for the Playwright recipes: playwright-core driving an installed Chromium (Debian's
 * `/usr/bin/chromium`, or `CHROMIUM_PATH`), from a vitest test. With @playwright/test, its own
 * `test`, `expect` and `webServer` replace these few lines. Without Chromium the recipes skip, unless
 * REQUIRE_CHROMIUM is set (as CI sets it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.REQUIRE_CHROMIUM) throw new Error(`Chromium is required but not at ${executablePath}`);

/** A headless Chromium that runs in containers and CI. */
export function launchChromium(): Promise<Browser> {
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
    ],
  });
}
