/**
 * Parity: the same script, seed and frozen clock through the standalone server, the express
 * middleware and MSW's setupServer must give byte-identical answers. The fourth path, setupWorker in
 * Chromium, is in browser.test.ts and compares against the same reference.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { createHandlers } from 'token-mock/msw';
import { serve } from 'token-mock/node';
import { describe, expect, it } from 'vitest';
import { type Answered, PARITY_OPTIONS, runScript, type Send, WUKONGIM } from './parity/script.js';

const SMILE_ORIGIN = 'https://sandbox.smileapi.io';

/** Sends to local servers instead of the hosts the script names. */
const toLocal =
  (wukongim: string, smile: string): Send =>
  ({ method, url, headers, body }) => {
    const local = url.startsWith(WUKONGIM) ? wukongim + url.slice(WUKONGIM.length) : smile + url.slice(SMILE_ORIGIN.length);
    return fetch(local, { method, headers, body });
  };

export async function throughServer(): Promise<Answered[]> {
  const mock = createMock(PARITY_OPTIONS);
  const [im, smile] = await Promise.all([serve(mock, { api: 'wukongim' }), serve(mock, { api: 'smile' })]);
  try {
    return await runScript(toLocal(im.url, smile.url));
  } finally {
    await Promise.all([im.close(), smile.close()]);
  }
}

async function throughExpress(): Promise<Answered[]> {
  const app = express();
  app.use(tokenMock(createMock(PARITY_OPTIONS)));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return await runScript(toLocal(url, url));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function throughMswNode(): Promise<Answered[]> {
  const server = setupServer(...createHandlers(createMock(PARITY_OPTIONS)));
  server.listen({ onUnhandledRequest: 'error' });
  try {
    return await runScript(({ method, url, headers, body }) => fetch(url, { method, headers, body }));
  } finally {
    server.close();
  }
}

describe('parity across the ways to run the mock', () => {
  it('the script covers both APIs and their errors', async () => {
    const reference = await throughServer();
    const statuses = new Set(reference.map((answer) => answer.status));
    for (const status of [200, 201, 400, 401, 404, 405, 501]) expect(statuses, `status ${status}`).toContain(status);
    expect(reference.find((answer) => answer.name === 'expired use')?.body).toContain('INVALID_TOKEN');
    expect(reference.find((answer) => answer.name === 'wrong type')?.violations).toContain('/device_flag');
  });

  it('express and MSW setupServer answer byte for byte as the standalone server', async () => {
    const reference = await throughServer();
    expect(await throughExpress()).toEqual(reference);
    expect(await throughMswNode()).toEqual(reference);
  });
});
