/**
 * The dashboard, for real: Debian's Chromium (playwright-core) opens `/__mock/ui` on the standalone
 * server and drives it, while the mock is also called as an app would. Screenshots of each view go
 * to `test-results/`; axe-core checks each view for serious accessibility violations. Skips where
 * Chromium is missing, unless REQUIRE_CHROMIUM is set.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createMock, type Mock } from 'token-mock';
import { type RunningImServer, type RunningServer, serve, serveIm } from 'token-mock/node';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserConfig } from '../examples/browser/vite.config.js';
import { chromiumPresent, launchChromium } from './support/chromium.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { provideWebSocket, SdkClient, Status } from './support/sdk.js';

const present = chromiumPresent;

const results = fileURLToPath(new URL('../test-results/', import.meta.url));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SMILE_AUTH = `Basic ${btoa('test_key:test_secret')}`;

let browser: Browser;
let mock: Mock;
let wukongim: RunningServer;
let smile: RunningServer;
let im: RunningImServer;
let receiver: Receiver;
let vite: ViteDevServer | undefined;

beforeAll(async () => {
  if (!present) return;
  mkdirSync(results, { recursive: true });
  // 100,000 users: the list pages through them without loading them all.
  mock = createMock({ startTime: '2026-01-01T00:00:00Z', smile: { users: 100_000, maxUsers: 200_000 } });
  wukongim = await serve(mock, { api: 'wukongim' });
  smile = await serve(mock, { api: 'smile' });
  im = await serveIm(mock);
  receiver = await startReceiver(() => ({ status: 202, body: '{"ok":true}' }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([wukongim?.close(), smile?.close(), im?.close(), receiver?.close(), vite?.close()]);
});

async function open(url: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  return page;
}

/** Runs axe-core on the page; returns the serious and critical violations, described. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const found = (await page.evaluate(async () => {
    const run = (
      window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
    ).axe.run;
    return (await run(document)).violations;
  })) as { id: string; impact: string; nodes: { target: string[] }[] }[];
  return found
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${results}dashboard-${name}.png`, fullPage: true });
}

/**
 * The cells of `table` in which a word is broken across lines: a cell's text on more lines than it
 * has words. Each text node's line boxes are read from the layout; boxes within 4 px of one another
 * are one line (a badge's text sits a little lower than its neighbours').
 */
function brokenWords(page: Page, table: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const broken: string[] = [];
    for (const cell of document.querySelectorAll(`${selector} th, ${selector} td`)) {
      const text = (cell.textContent ?? '').trim();
      const words = text.split(/\s+/).filter(Boolean).length;
      const tops: number[] = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.push(rect.top);
      }
      tops.sort((a, b) => a - b);
      const lines = tops.filter((top, i) => i === 0 || top - (tops[i - 1] as number) > 4).length;
      if (lines > Math.max(words, 1)) broken.push(`"${text}" on ${lines} lines`);
    }
    return broken;
  }, table);
}

/** No cell of `table` breaks a word at 1280 px wide or at 1024, each width's screenshot kept under `name`. */
async function expectWholeWords(page: Page, table: string, name: string): Promise<void> {
  for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 1075 });
    expect(await brokenWords(page, table), `at ${width} px`).toEqual([]);
    await shoot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(!present)('the dashboard in Chromium', () => {
  // One page, driven through every view in turn: each test goes on from where the one before left it.
  describe('shows and drives the mock live', () => {
    let page: Page;
    beforeAll(async () => {
      page = await open(`${smile.url}/__mock/ui`);
    });
    afterAll(() => page?.close());

    it('goes live, and pages through 100,000 users from the seeded clock', async () => {
      await expect.poll(() => page.textContent('#stream-state'), { timeout: 15_000 }).toBe('live');
      expect(await page.textContent('#clock-now')).toBe('2026-01-01T00:00:00.000Z');
      await expect.poll(() => page.textContent('#users-total')).toBe('100000 users, page 1');
      expect(await page.locator('#view tbody tr').count()).toBe(50);
      await page.click('text=Next page');
      await expect.poll(() => page.textContent('#users-total')).toBe('100000 users, page 2');
    });

    it('creates a user, issues it a token, and shows the token expire as the clock passes it', async () => {
      await page.click('#create-user');
      await expect.poll(() => page.textContent('#users-total')).toBe('100001 users, page 1');
      await page.waitForSelector('#user-detail');
      await page.click('#issue-token');
      const state = page.locator('#tokens [data-state]');
      await expect.poll(() => state.first().textContent()).toBe('valid');
      expect(await page.textContent('#tokens tbody td:nth-child(5)')).toBe('5:00:00');
      expect(await seriousViolations(page)).toEqual([]);
      // The id is cut short in its cell, whole in its title and for the copy button.
      const id = (await page.getAttribute('#tokens tbody tr', 'data-token')) as string;
      expect(await page.getAttribute('#tokens .long-id code', 'title')).toBe(id);
      expect(await page.getAttribute('#tokens .long-id .copy', 'aria-label')).toBe(`Copy ${id}`);
      await expectWholeWords(page, '#tokens', 'smile');
      await page.fill('#clock-advance', '6h');
      await page.click('#advance');
      await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-01T06:00:00.000Z');
      await expect.poll(() => state.first().textContent()).toBe('expired');
      await expectWholeWords(page, '#tokens', 'smile-expired');
    });

    it("kicks the first device on a master login, and lists two real SDK clients' message live", async () => {
      // A master logs in on a second device: the first is kicked with reason 12.
      await page.click('#view-wukongim');
      const token = (uid: string, value: string) =>
        fetch(`${wukongim.url}/user/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ uid, token: value, device_flag: 1, device_level: 1 }),
        });
      await token('ada', 'first');
      await page.fill('#connect input[name=uid]', 'ada');
      await page.fill('#connect input[name=token]', 'first');
      await page.fill('#connect input[name=device_id]', 'phone-a');
      await page.click('#connect button[type=submit]');
      await expect.poll(() => page.textContent('#connections [data-device=phone-a] [data-state]')).toBe('online');
      await token('ada', 'second');
      await expect.poll(() => page.textContent('#connections [data-device=phone-a] [data-state]')).toBe('kicked 12');
      await expect.poll(() => page.textContent('#slots tbody')).toContain('second');
      // Two real SDK clients on the IM port: the message one sends shows in the message log, live.
      await token('ben', 'b1');
      provideWebSocket();
      const [ada, ben] = [await SdkClient.create(), await SdkClient.create()];
      try {
        ada.connect(im.url, 'ada', 'second');
        ben.connect(im.url, 'ben', 'b1');
        await ada.until((sdk) => sdk.saw(Status.connected, 1), 'ada connected');
        await ben.until((sdk) => sdk.saw(Status.connected, 1), 'ben connected');
        ada.send('ben', 'hello from the SDK');
        await ben.until((sdk) => sdk.received.length === 1, 'the message at ben');
      } finally {
        ada.disconnect();
        ben.disconnect();
      }
      await expect.poll(() => page.textContent('#messages tbody')).toContain('hello from the SDK');
      expect(await page.textContent('#messages tbody')).toContain('ada');
      expect(await page.textContent('.message')).toBe('');
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, 'wukongim');
    });

    it("shows a webhook delivery with the receiver's status and the signature", async () => {
      const created = await fetch(`${smile.url}/v1/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: SMILE_AUTH },
        body: JSON.stringify({ name: 'local', url: `${receiver.url}/hooks`, eventTypes: ['USER_CREATED'], active: true, secret: 's3cret' }),
      });
      expect(created.status).toBe(200);
      await page.click('#view-webhooks');
      await expect.poll(() => page.textContent('#subscriptions tbody')).toContain(`${receiver.url}/hooks`);
      await page.selectOption('#emit-type', 'USER_CREATED');
      await page.click('#emit button[type=submit]');
      await expect.poll(() => page.textContent('#deliveries tbody [data-status]'), { timeout: 10_000 }).toBe('202');
      await page.click('#deliveries tbody button');
      expect(await page.textContent('#deliveries .detail')).toMatch(/smile-signature: [0-9a-f]{128}(?![0-9a-f])/);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, 'webhooks');
    });

    it('lists a request that breaks the spec, its field highlighted', async () => {
      await fetch(`${wukongim.url}/user/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: 'bob', token: 'x', device_flag: 'web', device_level: 1 }),
      });
      await page.click('#view-requests');
      await page.check('#filter-violations');
      await page.click('#requests tbody button >> nth=0');
      await expect.poll(() => page.textContent('#violations')).toContain('body/device_flag');
      expect(await page.textContent('#exchange mark.violation')).toContain('"device_flag": "web"');
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, 'requests');
      // An exchange token-mock proxy forwarded is marked as such, in the list and in its detail.
      mock.journal.record({
        time: mock.clock.now(),
        api: 'smile',
        operationId: 'listUsers',
        method: 'GET',
        path: '/v1/users?size=1',
        status: 200,
        durationMs: 12,
        request: { headers: { authorization: 'REDACTED' }, body: null },
        response: { body: '{"code":"OK"}' },
        fault: null,
        violations: [],
        error: null,
        proxied: true,
      });
      mock.changes.publish('journal', { api: 'smile' });
      await page.uncheck('#filter-violations');
      const proxied = page.locator('#requests tbody tr', { hasText: '/v1/users?size=1' });
      await expect.poll(() => proxied.locator('.badge.proxied').textContent()).toBe('proxied');
      await proxied.locator('button').click();
      await expect.poll(() => page.textContent('#exchange')).toContain('proxied: the upstream answered');
    });

    it('adds a fault rule, runs a scenario as the clock moves, and resets everything to the seeded start', async () => {
      await page.click('#view-faults');
      await page.fill('#add-fault input[placeholder=createToken]', 'createToken');
      await page.click('#add-fault button[type=submit]');
      await expect.poll(() => page.textContent('#faults tbody')).toContain('createToken');
      await page.click('#load-scenario button[type=submit]');
      await expect.poll(() => page.textContent('#scenarios tbody')).toContain('1/2');
      await page.fill('#clock-advance', '1h');
      await page.click('#advance');
      await expect.poll(() => page.textContent('#scenarios tbody')).toContain('2/2');
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, 'faults');

      // Reset: everything back to the seeded start, on the page too.
      await page.click('#reset');
      await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-01T00:00:00.000Z');
      await expect.poll(() => page.textContent('#faults tbody')).toBe('');
    });
  });

  it('is readable at 800 px wide', async () => {
    const page = await open(`${wukongim.url}/__mock/ui`, 800);
    await expect.poll(() => page.textContent('#stream-state'), { timeout: 15_000 }).toBe('live');
    for (const view of ['smile', 'wukongim', 'webhooks', 'requests', 'faults']) {
      await page.click(`#view-${view}`);
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
      await shoot(page, `${view}-800`);
    }
    await page.close();
  }, 60_000);

  it('asks for the admin token once, and keeps it in session storage only', async () => {
    const guarded = createMock({ startTime: '2026-01-01T00:00:00Z', adminToken: 'let-me-in' });
    const server = await serve(guarded, { api: 'wukongim' });
    try {
      const page = await open(`${server.url}/__mock/ui`);
      await page.waitForSelector('#token-form');
      expect(await seriousViolations(page)).toEqual([]);
      await page.fill('#admin-token', 'let-me-in');
      await page.click('#token-form button');
      await expect.poll(() => page.textContent('#stream-state'), { timeout: 15_000 }).toBe('live');
      expect(await page.evaluate(() => [sessionStorage.getItem('token-mock.adminToken'), localStorage.length])).toEqual(['let-me-in', 0]);
      await page.reload();
      await expect.poll(() => page.textContent('#stream-state'), { timeout: 15_000 }).toBe('live');
      await page.close();
    } finally {
      await server.close();
    }
  }, 60_000);

  it("mounts in a page that runs the mock under setupWorker, and follows the app's calls (token-mock/ui)", async () => {
    const root = fileURLToPath(new URL('./browser', import.meta.url));
    vite = await createServer({ ...browserConfig(root), configFile: false, server: { ...browserConfig(root).server, port: 0 } });
    await vite.listen();
    const page = await open(`${vite.resolvedUrls?.local[0]}dashboard.html`);
    await page.waitForFunction(() => window.dashboardReady === true, undefined, { timeout: 60_000 });
    await expect.poll(() => page.textContent('#stream-state'), { timeout: 15_000 }).toBe('live');
    await page.click('#view-wukongim');
    await page.click('#login');
    await expect.poll(() => page.textContent('#slots tbody')).toContain('from-the-app');
    // The mock in the page has an IM message log too, empty until a client in the page sends.
    await expect.poll(() => page.textContent('#messages-title')).toBe('Messages (0)');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'in-page');

    // The event stream as the page reads it through the service worker: the first event, and the one a change causes.
    const latency = await page.evaluate(async () => {
      const reading = new AbortController();
      const opened = performance.now();
      const response = await fetch('http://localhost:5001/__mock/stream', { signal: reading.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      const until = async (seen: (text: string) => boolean) => {
        while (!seen(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the stream ended after ${JSON.stringify(text)}`);
          text += decoder.decode(value, { stream: true });
        }
      };
      await until((text) => text.includes('\n\n'));
      const first = performance.now() - opened;
      const changed = performance.now();
      await fetch('http://localhost:5001/user/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: 'bo', token: 'stream', device_flag: 1, device_level: 1 }),
      });
      await until((text) => text.includes('updateToken'));
      const next = performance.now() - changed;
      reading.abort();
      return { first, next };
    });
    // Milliseconds on a quiet machine (the next event waits for the 50 ms batch); the bounds leave room
    // for a loaded one and stay far below the 15 s keep-alive that a buffered stream would wait for.
    expect(latency.first).toBeLessThan(1000);
    expect(latency.next).toBeLessThan(1000);
    await page.close();
  }, 90_000);
});
