/**
 * Parity: the same script, seed and frozen clock through the standalone server, the express
 * middleware and MSW's setupServer must give byte-identical answers. The fourth path, setupWorker in
 * Chromium, is in browser.test.ts and compares against the same reference.
 */
import { describe, expect, it } from 'vitest';
import { throughExpress, throughMswNode, throughServer } from './parity/paths.js';

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
