/** A journal entry keeps a bounded part of its exchange, so a page of the journal has a known worst case. */
import { createMock, type RequestLike } from 'token-mock';
import { describe, expect, it } from 'vitest';
import {
  JOURNAL_ENTRY_MAX_BYTES,
  JOURNAL_HEADER_VALUE_LIMIT,
  JOURNAL_HEADERS_BUDGET,
  JOURNAL_PAGE_MAX_BYTES,
  JOURNAL_PATH_LIMIT,
  journalEntryBound,
} from '../src/core/journal-entry.js';

const SANDBOX = `Basic ${btoa('test_key:test_secret')}`;
const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** A request as an adapter could hand it over: any method, URL, headers and body (MSW passes them through as given). */
function request(method: string, url: string, headers: [string, string][], body = ''): RequestLike {
  return {
    method,
    url,
    headers: {
      get: (name) => headers.find(([key]) => key === name.toLowerCase())?.[1] ?? null,
      forEach: (callback: (value: string, key: string) => void) => {
        for (const [key, value] of headers) callback(value, key);
      },
    } as RequestLike['headers'],
    text: async () => body,
  };
}

/** The kept headers' cost against the budget: each name and value, and 6 for the quotes, colon and comma. */
const headerCost = (headers: Record<string, string>) => Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 6, 0);

describe('journal entries', () => {
  it('cut each header value at 1 KiB and keep at most 8 KiB of headers, counting the headers left out', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const many: [string, string][] = Array.from({ length: 40 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(400)]);
    await mock.handle(request('GET', 'http://localhost:5001/health', [['x-huge', 'h'.repeat(20_000)], ...many]));
    const [entry] = mock.journal.entries();
    const kept = entry?.request.headers ?? {};
    expect(kept['x-huge']).toBe(`${'h'.repeat(JOURNAL_HEADER_VALUE_LIMIT)}…`);
    expect(headerCost(kept)).toBeLessThanOrEqual(JOURNAL_HEADERS_BUDGET);
    expect(Object.keys(kept).length + (entry?.request.omittedHeaders ?? 0)).toBe(41);
    expect(entry?.request.omittedHeaders).toBeGreaterThan(0);
    expect(kept['x-filler-0']).toBe('f'.repeat(400));
  });

  it('keep a short request as it came, with no count of headers left out', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    await mock.handle(request('GET', 'http://localhost:5001/health', [['accept', 'application/json']]));
    expect(mock.journal.entries()[0]?.request).toEqual({ headers: { accept: 'application/json' }, body: null });
  });

  it('cut the path with its query at 4 KiB', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    await mock.handle(request('GET', `http://localhost:5001/health?${'q'.repeat(50_000)}`, []));
    expect(mock.journal.entries()[0]?.path).toBe(`/health?${'q'.repeat(JOURNAL_PATH_LIMIT - 8)}…`);
  });

  it('fit violations to 16 KiB of JSON, ending with a marker that counts those left out', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    await mock.handle(hostile(0));
    const [entry] = mock.journal.entries();
    const violations = entry?.violations ?? [];
    expect(JSON.stringify(violations).length).toBeLessThanOrEqual(16_384);
    const marker = violations.at(-1);
    expect(marker).toMatchObject({ in: 'body', path: '', keyword: 'truncated' });
    const left = Number(/^(\d+) more violations left out$/.exec(marker?.message ?? '')?.[1]);
    // 400 keys too long and too many properties: every one is accounted for, kept or counted.
    expect(violations.length - 1 + left).toBe(401);
  });

  it('state a worst case that is the sum of what each field keeps', () => {
    expect(journalEntryBound()).toBeLessThanOrEqual(JOURNAL_ENTRY_MAX_BYTES);
    expect(JOURNAL_PAGE_MAX_BYTES).toBeLessThanOrEqual(19 * 1024 * 1024);
  });

  it('keep a page of the journal at the maximum page size within its worst case, whatever the requests', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z', journalSize: 100 });
    for (let i = 0; i < 100; i++) await mock.handle(hostile(i));
    const answer = await mock.fetch(new Request('https://sandbox.smileapi.io/__mock/journal?limit=100'));
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const page = JSON.parse(text) as { items: unknown[] };
    expect(page.items).toHaveLength(100);
    const largest = Math.max(...page.items.map((entry) => bytes(JSON.stringify(entry))));
    // Each request is about 200,000 characters, 6 bytes each in JSON; what is kept fills every cap it can reach.
    expect(largest).toBeGreaterThan(60_000);
    expect(largest).toBeLessThanOrEqual(JOURNAL_ENTRY_MAX_BYTES);
    expect(bytes(text)).toBeLessThanOrEqual(JOURNAL_PAGE_MAX_BYTES);
  });
});

/**
 * A request built to make its entry as large as it can be: control characters (six bytes each in
 * JSON) in long header names and values, a long method and path, and a body whose keys break the spec
 * hundreds of times with messages that quote them.
 */
function hostile(seed: number): RequestLike {
  const control = (length: number) => String.fromCharCode(1 + (seed % 8)).repeat(length);
  const headers: [string, string][] = [
    ['authorization', SANDBOX],
    ['content-type', 'application/json'],
  ];
  for (let i = 0; i < 60; i++) headers.push([`x-${i}-${control(200)}`, control(3000)]);
  const metadata: Record<string, string> = {};
  for (let i = 0; i < 400; i++) metadata[`${control(60)}${i}`] = 'v';
  const body = JSON.stringify({ externalMetadata: metadata });
  const method = seed % 2 === 0 ? 'POST' : `POST${'X'.repeat(5000)}`;
  return request(method, `https://sandbox.smileapi.io/v1/users?${'p'.repeat(20_000)}`, headers, body);
}
