import { describe, expect, it } from 'vitest';
import { toResponse } from '../../src/core/reply.js';

describe('the Response the mock returns', () => {
  it('behaves as a fetch Response in every way a caller uses one', async () => {
    const wire = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', 'x-a': '1' }, body: '{"a":1}' };
    const response = toResponse(wire);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.type).toBe('default');
    expect(response.headers.get('x-a')).toBe('1');
    expect(response.bodyUsed).toBe(false);
    const copy = response.clone();
    expect(await response.json()).toEqual({ a: 1 });
    expect(response.bodyUsed).toBe(true);
    expect(await copy.text()).toBe('{"a":1}');
  });

  it('has no body when the reply has none', async () => {
    const response = toResponse({ status: 401, headers: {}, body: null });
    expect(response.ok).toBe(false);
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('is a network error for a dropped connection', () => {
    const response = toResponse({ status: 0, headers: {}, body: null, drop: true });
    expect(response.type).toBe('error');
  });
});
