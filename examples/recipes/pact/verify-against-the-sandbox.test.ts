/**
 * The recipe end to end: the app's tests run against token-mock, the pact is downloaded from its
 * control API, and the Pact verifier checks it against the provider with the state handlers in
 * smile-sandbox-states.ts. Set SMILE_SANDBOX_URL (with /v1), SMILE_KEY and SMILE_SECRET to verify
 * the real sandbox; without them a second token-mock, on another seed, stands in for it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import { createMock } from 'token-mock';
import { serve } from 'token-mock/node';
import { expect, it } from 'vitest';
import { smileSandboxStates } from './smile-sandbox-states.js';

process.env.PACT_DO_NOT_TRACK = 'true';

it('a pact from the app’s tests against token-mock passes the verifier with the sandbox state handlers', async () => {
  // 1. The app's tests, here three calls, against token-mock.
  const app = await serve(createMock({ startTime: '2026-01-01T00:00:00Z' }), { host: '127.0.0.1' });
  const auth = { authorization: `Basic ${btoa('test_key:test_secret')}`, 'content-type': 'application/json' };
  const { data } = await (await fetch(`${app.url}/v1/users`, { method: 'POST', headers: auth, body: '{"externalMetadata":{"crm":"7"}}' })).json();
  await fetch(`${app.url}/v1/users/${data.user.id}`, { headers: auth });
  await fetch(`${app.url}/v1/tokens?userId=${data.user.id}`, { method: 'POST', headers: auth });
  // 2. The pact, as `curl "$MOCK/__mock/pact?provider=smile&consumer=web" > pacts/web-smile.json` downloads it.
  const folder = mkdtempSync(join(tmpdir(), 'token-mock-pact-recipe-'));
  const pactFile = join(folder, 'web-smile.json');
  writeFileSync(pactFile, await (await fetch(`${app.url}/__mock/pact?provider=smile&consumer=web`)).text());
  await app.close();

  // 3. The verifier against the provider, with the state handlers.
  const standIn = process.env.SMILE_SANDBOX_URL ? undefined : await serve(createMock({ seed: 42 }), { host: '127.0.0.1' });
  const baseUrl = process.env.SMILE_SANDBOX_URL ?? `${standIn?.url}/v1`;
  try {
    const verifier = new Verifier({
      providerBaseUrl: new URL(baseUrl).origin,
      pactUrls: [pactFile],
      ...smileSandboxStates({ baseUrl, key: process.env.SMILE_KEY ?? 'test_key', secret: process.env.SMILE_SECRET ?? 'test_secret' }),
      logLevel: 'error',
    });
    await expect(verifier.verifyProvider()).resolves.toBeDefined();
  } finally {
    await standIn?.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
