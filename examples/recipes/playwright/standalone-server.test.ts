/**
 * Recipe: Playwright against the standalone server. token-mock runs on its own port (here started in
 * the test; in CI, `npx token-mock serve` as in ../github-actions), and the app's dev server proxies
 * `/v1` and `/__mock` to it, so the page stays same-origin. The test moves the mock's clock and reads
 * what the app sent through the control API over HTTP, as any language could.
 */
import type { Browser, Page } from 'playwright-core';
import { createMock } from 'token-mock';
import { nodeHmacSha256, type RunningServer, serve } from 'token-mock/node';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recipeConfig } from '../vite-react/vite.config.js';
import { hasChromium, launchChromium } from './chromium.js';
import { repositoryResolve, repositoryServer } from './in-this-repository.js';

let browser: Browser;
let smile: RunningServer;
let app: ViteDevServer;
let appUrl: string;
const control = (path: string, init?: RequestInit) => fetch(`${smile.url}/__mock${path}`, init);

beforeAll(async () => {
  if (!hasChromium) return;
  smile = await serve(createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z', smile: { hmacSha256: nodeHmacSha256 } }), { api: 'smile', port: 0 });
  app = await createServer({
    ...recipeConfig(smile.url),
    configFile: false,
    logLevel: 'warn',
    resolve: repositoryResolve,
    server: { ...repositoryServer, ...recipeConfig(smile.url).server },
  });
  await app.listen();
  appUrl = app.resolvedUrls?.local[0] as string;
  browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  if (hasChromium) await control('/reset', { method: 'POST' }); // each test from the seeded start
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smile?.close();
});

async function connect(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toBe('Widget open');
  return page;
}

describe.skipIf(!hasChromium)('the app, against a standalone token-mock', () => {
  it('creates the user on the server, and the server journal shows it', async () => {
    const page = await connect();
    const journal = (await (await control('/journal?api=smile')).json()) as { items: { operationId: string; status: number }[] };
    expect(journal.items).toContainEqual(expect.objectContaining({ operationId: 'createUser', status: 201 }));
    await page.context().close();
  });

  it('tells the user when the link expires, once the server clock passes it', async () => {
    const page = await connect();
    const moved = await control('/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"6h"}' });
    expect(((await moved.json()) as { now: string }).now).toBe('2026-01-01T15:00:00.000Z');
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^The link expired/);
    await page.context().close();
  });
});
