/**
 * The browser, for real: Debian's Chromium driven by playwright-core. MSW's setupWorker answers from
 * token-mock in the page. Parity with the standalone server, the example page clicked through, and a
 * reload that keeps state. Where Chromium is missing the test says so and skips, unless
 * REQUIRE_CHROMIUM is set (as .ci/run does).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserConfig } from '../examples/browser/vite.config.js';
import { throughServer } from './parity/paths.js';
import type { Answered } from './parity/script.js';
import { chromiumPresent, launchChromium } from './support/chromium.js';

const present = chromiumPresent;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
let browser: Browser;
const servers: ViteDevServer[] = [];

async function serveRoot(root: string): Promise<string> {
  const server = await createServer({ ...browserConfig(root), configFile: false, server: { ...browserConfig(root).server, port: 0 } });
  await server.listen();
  servers.push(server);
  return server.resolvedUrls?.local[0] as string;
}

/** A fresh browser context: its own service workers and localStorage. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return page;
}

beforeAll(async () => {
  if (!present) return;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

describe.skipIf(!present)('in Chromium', () => {
  it('MSW setupWorker answers the parity script byte for byte as the standalone server', async () => {
    const url = await serveRoot(here('./browser'));
    const page = await newPage();
    await page.goto(`${url}parity.html`);
    await page.waitForFunction(() => window.parity !== undefined || window.parityError !== undefined, undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => window.parityError)).toBeUndefined();
    const inBrowser = (await page.evaluate(() => window.parity)) as Answered[];
    expect(inBrowser).toEqual(await throughServer());
  }, 90_000);

  it('the published WuKongIM SDK under setupWorker: connected, refused under both profiles, kicked by every path, a message', async () => {
    const url = await serveRoot(here('./browser'));
    const page = await newPage();
    await page.goto(`${url}im.html`);
    await page.waitForFunction(() => window.im !== undefined || window.imError !== undefined, undefined, { timeout: 90_000 });
    expect(await page.evaluate(() => window.imError)).toBeUndefined();
    const im = (await page.evaluate(() => window.im)) as Record<string, unknown>;
    expect(im.refusedDocs).toContainEqual([3, 2]);
    expect(im.connected).toEqual([[1, 1]]);
    expect(im.kickMasterConnect).toEqual([4, 12]);
    expect(im.kickTokenUpdate).toEqual([4, 12]);
    expect(im.kicks).toEqual([
      [4, 12],
      [4, 12],
      [4, 12],
      [4, 12],
    ]);
    expect(im.sendack).toEqual([1]);
    expect(im.received).toEqual(['ann: hello bo']);
    expect(im.v2BeforeIdle).toEqual([]);
    expect(im.v2AfterIdle).toEqual([[0, 0]]);
  }, 120_000);

  it('the example page: a user, its token and countdown, a refresh, the widget expiring, the real SDK kicked by a master login, a message', async () => {
    const url = await serveRoot(here('../examples/browser'));
    const page = await newPage();
    await page.goto(url);
    await page.waitForSelector('#status[data-ready="true"]', { timeout: 60_000 });

    await page.click('#create-user');
    await expect.poll(() => page.textContent('#token-id')).toMatch(/^tk-[0-9a-f]{32}$/);
    expect(await page.textContent('#token-mode')).toBe('(SANDBOX)');
    expect(await page.textContent('#access-token')).toMatch(/^eyJ/);
    expect(await page.textContent('#countdown')).toBe('5:00:00');
    const firstToken = await page.textContent('#token-id');

    await page.click('#refresh-token');
    await expect.poll(() => page.textContent('#token-id')).not.toBe(firstToken);

    await page.click('#open-widget');
    await page.waitForSelector('.token-mock-wink');
    await page.click('.token-mock-wink >> text=Connect an account');
    await expect.poll(() => page.textContent('#log')).toContain('onAccountConnected(sss_ph');
    await expect.poll(() => page.textContent('#log')).toContain('event ACCOUNT_CONNECTED');

    for (let hour = 0; hour < 5; hour++) await page.click('#advance-clock');
    await expect.poll(() => page.textContent('#countdown')).toBe('expired');
    await expect.poll(() => page.textContent('#log'), { timeout: 5000 }).toContain('onTokenExpired()');
    expect(await page.locator('.token-mock-wink').count()).toBe(0);

    // The published SDK, three copies in the page, through MSW's WebSocket interception.
    await page.click('#login-a');
    await expect.poll(() => page.textContent('#phone-a')).toBe('online');
    await page.click('#login-b');
    await expect.poll(() => page.textContent('#phone-a')).toBe('kicked (reason 12)');
    await expect.poll(() => page.textContent('#phone-b')).toBe('online');
    await page.click('#send-b');
    await expect.poll(() => page.textContent('#ben-inbox')).toBe('ana: hello ben');
    expect(await page.textContent('#ben')).toBe('online');
    expect(await page.textContent('#log')).toContain('phone B: SENDACK reason 1');

    mkdirSync(here('../test-results'), { recursive: true });
    await page.screenshot({ path: here('../test-results/browser-example.png'), fullPage: true });

    // A reload finds the same user and token, kept in localStorage.
    const user = await page.textContent('#user-id');
    await page.reload();
    await page.waitForSelector('#status[data-ready="true"]');
    expect(await page.textContent('#user-id')).toBe(user);
    expect(await page.textContent('#status')).toContain('26 Smile users');
    expect(await page.textContent('#clock')).toBe('2026-01-01T14:00:00.000Z');
  }, 120_000);
});
