/** One client of the change feed, without HTTP: batches, merged repeats, the bound, keep-alive and close. */
import { describe, expect, it } from 'vitest';
import { createChangeFeed } from '../../src/core/changes.js';
import { createClock } from '../../src/core/clock.js';
import { openEventStream } from '../../src/core/event-stream.js';

const START = '2026-01-01T00:00:00Z';

function setup(options: Parameters<typeof openEventStream>[2] = {}) {
  const feed = createChangeFeed();
  const clock = createClock({ start: START });
  const stream = openEventStream(feed, clock, options);
  /** The data of each event in a chunk. */
  const events = (chunk: string | undefined) =>
    (chunk ?? '')
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
  return { feed, clock, stream, events };
}

describe('an event stream', () => {
  it('starts with hello and the retry delay, numbering events from 1', async () => {
    const { stream } = setup();
    expect(await stream.next()).toBe('retry: 2000\nid: 1\nevent: hello\ndata: {"topic":"hello","now":"2026-01-01T00:00:00.000Z","frozen":true,"count":1}\n\n');
  });

  it('merges an event into an unread one of the same topic and detail object, counting them, with the latest time', async () => {
    const { feed, clock, stream, events } = setup();
    await stream.next();
    const detail = { operationId: 'updateToken' };
    feed.publish('wukongim', detail);
    clock.advance(1000);
    feed.publish('wukongim', detail);
    feed.publish('wukongim', { operationId: 'updateToken' });
    const got = events(await stream.next());
    expect(got).toEqual([
      { topic: 'wukongim', now: '2026-01-01T00:00:01.000Z', frozen: true, count: 2, detail },
      { topic: 'wukongim', now: '2026-01-01T00:00:01.000Z', frozen: true, count: 1, detail },
    ]);
  });

  it('hands out at most one batch per batchMs', async () => {
    const { feed, stream } = setup({ batchMs: 80 });
    await stream.next();
    const asked = performance.now();
    const next = stream.next();
    feed.publish('faults');
    await next;
    expect(performance.now() - asked).toBeGreaterThanOrEqual(70);
  });

  it('drops the backlog past its bound for one resync, and counts it', async () => {
    const { feed, stream, events } = setup({ maxQueued: 4 });
    for (let i = 0; i < 10; i++) feed.publish('scenarios', { step: i });
    expect(stream.queued).toBeLessThanOrEqual(4);
    expect(stream.resyncs).toBe(2);
    // hello and three steps fill it; the fourth step makes room for a resync, and so on.
    expect(events(await stream.next()).map((event) => event.detail?.step ?? event.topic)).toEqual(['resync', 8, 9]);
  });

  it('sends a comment after a silence, and nothing once closed', async () => {
    const { feed, stream } = setup({ keepAliveMs: 30 });
    await stream.next();
    expect(await stream.next()).toBe(':\n\n');
    const pending = stream.next();
    stream.close();
    expect(await pending).toBeUndefined();
    expect(await stream.next()).toBeUndefined();
    expect(feed.subscribers).toBe(0);
  });
});
