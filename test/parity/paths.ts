/** The three Node ways to run the mock, each running the parity script on a fresh mock. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { createHandlers } from 'token-mock/msw';
import { serve } from 'token-mock/node';
import { type Answered, PARITY_OPTIONS, runScript, type Send, WUKONGIM } from './script.js';

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

export async function throughExpress(): Promise<Answered[]> {
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

export async function throughMswNode(): Promise<Answered[]> {
  const server = setupServer(...createHandlers(createMock(PARITY_OPTIONS)));
  server.listen({ onUnhandledRequest: 'error' });
  try {
    return await runScript(({ method, url, headers, body }) => fetch(url, { method, headers, body }));
  } finally {
    server.close();
  }
}
