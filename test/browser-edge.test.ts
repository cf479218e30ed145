/**
 * The standalone server and a real browser: Debian's Chromium driven by playwright-core. A page on
 * another loopback origin calls both APIs as an app does (JSON bodies, Authorization, so through
 * preflights) and the control API as the Wink Widget's HTTP mode does; a page on a foreign origin
 * cannot drive the control API, and a rebound Host is refused. `evil.test` is mapped to 127.0.0.1
 * inside Chromium, so every byte stays on loopback. Skips without Chromium unless REQUIRE_CHROMIUM.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createMock, type Mock } from 'token-mock';
import { type RunningServer, serve } from 'token-mock/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, launchChromium } from './support/chromium.js';

const present = chromiumPresent;

let browser: Browser;
let mock: Mock;
let server: RunningServer;
let pages: Server;
let pagePort: number;

beforeAll(async () => {
  if (!present) return;
  mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
  server = await serve(mock, { host: '127.0.0.1' });
  // The app's own origin: a second loopback server that serves an empty page.
  pages = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>app</title>');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagePort = (pages.address() as AddressInfo).port;
  browser = await launchChromium(['--host-resolver-rules=MAP evil.test 127.0.0.1']);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => (pages ? pages.close(resolve) : resolve(undefined)));
});

async function pageAt(url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  return page;
}

/** A fetch made by the page: the answer's status and text (readable only when CORS allowed it), or the network error the page saw. */
type Seen = { status: number; text: string } | { error: string };

function fetchIn(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string; mode?: RequestMode }): Promise<Seen> {
  return page.evaluate(
    async ([url, init]) => {
      try {
        const response = await fetch(url, init);
        return { status: response.status, text: await response.text() };
      } catch (error) {
        return { error: String(error) };
      }
    },
    [url, init] as const,
  );
}

describe.skipIf(!present)('the standalone server in Chromium', () => {
  it('answers an app on another loopback origin: both APIs through preflights, and the control API as the widget calls it', async () => {
    const page = await pageAt(`http://127.0.0.1:${pagePort}/`);
    const basic = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;
    const json = { 'content-type': 'application/json' };

    const token = await fetchIn(page, `${server.url}/user/token`, {
      method: 'POST',
      headers: json,
      body: '{"uid":"ana","token":"t1","device_flag":1,"device_level":1}',
    });
    expect(token).toMatchObject({ status: 200, text: '{"status":"ok"}' });

    const created = await fetchIn(page, `${server.url}/v1/users`, { method: 'POST', headers: { ...json, authorization: basic }, body: '{}' });
    expect(created).toMatchObject({ status: 201 });
    const accessToken = JSON.parse((created as { text: string }).text).data.token.accessToken as string;
    const listed = await fetchIn(page, `${server.url}/v1/users?size=1`, { headers: { authorization: basic } });
    expect(listed).toMatchObject({ status: 200 });

    // The Wink Widget's HTTP mode: consume the token, emit an event, read the clock.
    const consumed = await fetchIn(page, `${server.url}/__mock/smile/tokens/consume`, { method: 'POST', headers: json, body: JSON.stringify({ accessToken }) });
    expect(consumed).toMatchObject({ status: 200 });
    const emitted = await fetchIn(page, `${server.url}/__mock/webhooks/emit`, {
      method: 'POST',
      headers: json,
      body: '{"api":"smile","type":"ACCOUNT_CONNECTED"}',
    });
    expect(emitted).toMatchObject({ status: 202 });
    expect(await fetchIn(page, `${server.url}/__mock/clock`, {})).toMatchObject({ status: 200 });
    expect(mock.wukongim.counts().slots.count).toBe(1);
  }, 60_000);

  it('keeps a page on a foreign origin from driving the control API, and the state unchanged', async () => {
    mock.wukongim.updateToken({ uid: 'bo', token: 't1', device_flag: 2 });
    const before = JSON.stringify(mock.snapshot());
    const journal = mock.journal.total;
    const page = await pageAt(`http://evil.test:${pagePort}/`);
    // A simple request goes out without a preflight: the server itself must refuse it.
    const simple = await fetchIn(page, `${server.url}/__mock/reset`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(simple).toMatchObject({ status: 0 });
    // A JSON request needs a preflight, which the control API refuses.
    const json = await fetchIn(page, `${server.url}/__mock/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"advance":"1h"}',
    });
    expect(json).toHaveProperty('error');
    const read = await fetchIn(page, `${server.url}/__mock/journal`, {});
    expect(read).toHaveProperty('error');
    expect(JSON.stringify(mock.snapshot())).toBe(before);
    expect(mock.journal.total).toBe(journal);
  }, 60_000);

  it('refuses a rebound Host: a page served by the mock under a foreign name', async () => {
    const before = JSON.stringify(mock.snapshot());
    const page = await (await browser.newContext()).newPage();
    const loaded = await page.goto(`http://evil.test:${server.port}/health`);
    expect(loaded?.status()).toBe(403);
    expect(await loaded?.json()).toMatchObject({ type: 'urn:token-mock:problem:rebound-host' });
    const reset = await fetchIn(page, '/__mock/reset', { method: 'POST' });
    expect(reset).toMatchObject({ status: 403 });
    const token = await fetchIn(page, '/user/token', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"uid":"ana","token":"stolen","device_flag":1}',
    });
    expect(token).toMatchObject({ status: 403 });
    expect(JSON.stringify(mock.snapshot())).toBe(before);
  }, 60_000);
});
