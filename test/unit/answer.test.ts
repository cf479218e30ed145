import { describe, expect, it } from 'vitest';
import { parseBody, readAnswer } from '../../src/verify/answer.js';

describe('parseBody', () => {
  const tests: [string, { given: string; want: unknown }][] = [
    ['parses a JSON object', { given: '{"ok":true}', want: { ok: true } }],
    ['parses a JSON scalar', { given: '0', want: 0 }],
    ['gives undefined for an empty body', { given: '', want: undefined }],
    ['gives undefined for text that is not JSON', { given: '<html></html>', want: undefined }],
    ['gives undefined for truncated JSON', { given: '{"ok":', want: undefined }],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      expect(parseBody(given)).toEqual(want);
    });
  }
});

describe('readAnswer', () => {
  it('reads status, headers, text and parsed JSON', async () => {
    const response = new Response('{"code":"OK"}', { status: 201, headers: { 'content-type': 'application/json' } });
    const read = await readAnswer(response);
    expect(read).toMatchObject({ status: 201, text: '{"code":"OK"}', json: { code: 'OK' } });
    expect(read.headers.get('content-type')).toBe('application/json');
  });

  it('keeps the text of a body that is not JSON', async () => {
    expect(await readAnswer(new Response('not json', { status: 502 }))).toMatchObject({ status: 502, text: 'not json', json: undefined });
  });
});
