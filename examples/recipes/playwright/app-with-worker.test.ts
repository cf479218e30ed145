/**
 * Recipe: Playwright against the app with MSW's setupWorker in it. The app (../vite-react) runs
 * token-mock in the page; `msw init` puts the worker script in its public folder, as
 * `npx msw init public/` does in yours. The test clicks through the link flow and moves the page's
 * mock clock through the control API, which the worker answers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipeConfig } from '../vite-react/vite.config.js';
import { hasChromium, launchChromium } from './chromium.js';
import { repositoryResolve, repositoryServer } from './in-this-repository.js';

let browser: Browser;
let app: ViteDevServer;
let appUrl: string;
const publicDir = mkdtempSync(join(tmpdir(), 'token-mock-public-'));

beforeAll(async () => {
  if (!hasChromium) return;
  // `npx msw init public/`: MSW copies its worker script, matching the installed msw, into the folder.
  execFileSync(process.execPath, ['node_modules/msw/cli/index.js', 'init', publicDir, '--no-save'], { stdio: 'ignore' });
  app = await createServer({ ...recipeConfig(), configFile: false, publicDir, logLevel: 'warn', resolve: repositoryResolve, server: repositoryServer });
  await app.listen();
  appUrl = app.resolvedUrls?.local[0] as string;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(publicDir, { recursive: true, force: true });
});

/** A fresh context (its own service worker and storage) on the app, ready. */
async function openApp(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  return page;
}

describe.skipIf(!hasChromium)('the app, with token-mock in the page', () => {
  it('links an account through the Wink Widget stand-in', async () => {
    const page = await openApp();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Widget open');
    await expect.poll(() => page.getByText(/^Link token tk-/).count()).toBe(1);
    await page.getByRole('button', { name: 'Connect an account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Connected /);
    await page.context().close();
  });

  it('tells the user when the link expires, once the mock clock passes it', async () => {
    const page = await openApp();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Widget open');
    // The page's own mock answers the control API on Smile's host; 6 hours pass at once.
    const moved = await page.evaluate(async () => {
      const response = await fetch('https://sandbox.smileapi.io/__mock/clock', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"advance":"6h"}',
      });
      return ((await response.json()) as { now: string }).now;
    });
    expect(moved).toBe('2026-01-01T15:00:00.000Z');
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^The link expired/);
    await page.context().close();
  });
});
