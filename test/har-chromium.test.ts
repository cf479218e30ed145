/**
 * A recording played back in a real browser: Playwright's `routeFromHAR` in Debian's Chromium answers
 * a page's requests from the HAR `GET /__mock/har` wrote, as recorded, with the mock itself gone.
 * Skips without Chromium unless REQUIRE_CHROMIUM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createMock } from 'token-mock';
import { serve } from 'token-mock/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, launchChromium } from './support/chromium.js';
import { SANDBOX } from './support/smile.js';

let browser: Browser;
let origin: string;
let harFile: string;
const folder = mkdtempSync(join(tmpdir(), 'token-mock-har-chromium-'));
/** What the mock answered while it ran, to compare the replay with. */
const answered: Record<string, { status: number; text: string }> = {};

beforeAll(async () => {
  if (!chromiumPresent) return;
  const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
  const server = await serve(mock, { host: '127.0.0.1' });
  origin = server.url;
  const keep = async (name: string, response: Promise<Response>) => {
    const got = await response;
    answered[name] = { status: got.status, text: await got.text() };
  };
  const auth = { authorization: SANDBOX, 'content-type': 'application/json' };
  await keep('create', fetch(`${origin}/v1/users`, { method: 'POST', headers: auth, body: '{"externalMetadata":{"plan":"gold"}}' }));
  const id = JSON.parse(answered.create?.text ?? '{}').data.user.id;
  await keep('get', fetch(`${origin}/v1/users/${id}`, { headers: auth }));
  await keep('missing', fetch(`${origin}/v1/users/tenant-00000000000000000000000000000000`, { headers: auth }));
  await keep('health', fetch(`${origin}/health`));
  harFile = join(folder, 'session.har');
  writeFileSync(harFile, await (await fetch(`${origin}/__mock/har`)).text());
  // The mock is gone: whatever the page gets now comes from the recording.
  await server.close();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!chromiumPresent)('routeFromHAR in Chromium', () => {
  it('answers the page’s requests as recorded, and aborts what the recording does not hold', async () => {
    const context = await browser.newContext();
    await context.route(`${origin}/app`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>app</title>' }));
    await context.routeFromHAR(harFile, { url: /\/(v1|health)/, notFound: 'abort' });
    const page = await context.newPage();
    await page.goto(`${origin}/app`);
    const id = JSON.parse(answered.create?.text ?? '{}').data.user.id;
    const replay = (path: string, init: RequestInit) =>
      page.evaluate(
        async ([url, init]) => {
          try {
            const response = await fetch(url, init);
            return { status: response.status, text: await response.text() };
          } catch (error) {
            return { status: 0, text: String(error) };
          }
        },
        [`${origin}${path}`, init] as const,
      );
    const headers = { authorization: SANDBOX, 'content-type': 'application/json' };
    expect(await replay('/v1/users', { method: 'POST', headers, body: '{"externalMetadata":{"plan":"gold"}}' })).toEqual({
      ...answered.create,
      // The recording keeps no link token in clear.
      text: answered.create?.text.replace(/"accessToken":"[^"]+"/, '"accessToken":"REDACTED"'),
    });
    expect(await replay(`/v1/users/${id}`, { headers })).toEqual(answered.get);
    expect(await replay('/v1/users/tenant-00000000000000000000000000000000', { headers })).toEqual(answered.missing);
    expect(await replay('/health', {})).toEqual(answered.health);
    const unrecorded = await replay('/v1/webhooks', { headers });
    expect(unrecorded.status).toBe(0);
    await context.close();
  });
});
