/**
 * What a page of the control API costs at a million items: `npx tsx bench/control-pages.ts`. Fills a
 * mock with 1,000,000 device slots and 1,000,000 online connections (plus ended ones), then times
 * pages in process and over real HTTP: the first, one deep in the list, filtered ones, each the median of 50.
 */

import { serve } from '../src/adapters/node.js';
import { createMock } from '../src/index.js';

const COUNT = Number(process.env.PAGE_BENCH_COUNT ?? 1_000_000);
const RUNS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function timed(label: string, url: string): Promise<void> {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url);
    size = (await response.arrayBuffer()).byteLength;
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${label}: ${response.status}`);
  }
  console.log(`${label.padEnd(52)} median ${ms(median(times)).padStart(9)}, worst ${ms(Math.max(...times)).padStart(9)}, ${size} bytes`);
}

/** The page alone, in process: the control API's answer as `mock.fetch` builds it, serialised, without HTTP. */
async function inProcess(label: string, path: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const response = await mock.fetch(new Request(`http://localhost:5001${path}`), { api: 'wukongim' });
    await response.text();
    times.push(performance.now() - started);
  }
  console.log(`${`${label}, in process`.padEnd(52)} median ${ms(median(times)).padStart(9)}, worst ${ms(Math.max(...times)).padStart(9)}`);
}

async function cursorAt(url: string, pages: number): Promise<string> {
  let cursor = '';
  for (let i = 0; i < pages; i++) {
    const page = (await (await fetch(`${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as { nextCursor: string };
    cursor = page.nextCursor;
  }
  return cursor;
}

const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
let started = performance.now();
for (let i = 0; i < COUNT; i++) mock.wukongim.updateToken({ uid: `user-${i}`, token: 't', device_flag: i % 3 });
console.log(`${COUNT} slots set in ${ms(performance.now() - started)} (${((performance.now() - started) * 1000) / COUNT} µs each)`);
started = performance.now();
for (let i = 0; i < COUNT; i++) mock.wukongim.connect({ uid: `user-${i}`, token: 't', device_flag: i % 3, device_id: 'd' });
for (let i = 0; i < 15_000; i++) mock.wukongim.close(mock.wukongim.connect({ uid: 'user-7', token: 't', device_flag: 1, device_id: `e${i}` }).connection_id);
console.log(`${COUNT} online connections and 15,000 ended ones in ${ms(performance.now() - started)}`);
const heap = process.memoryUsage().heapUsed / 1e6;
console.log(`heap: ${heap.toFixed(0)} MB`);

const server = await serve(mock, { api: 'wukongim' });
const base = `${server.url}/__mock/wukongim`;
try {
  await inProcess('devices, first page of 100', '/__mock/wukongim/devices?limit=100');
  await inProcess('connections, first page of 100', '/__mock/wukongim/connections?limit=100');
  await inProcess('connections closed, first page of 100', '/__mock/wukongim/connections?state=closed&limit=100');
  await inProcess('connections of one uid', '/__mock/wukongim/connections?uid=user-7&limit=100');
  await timed('devices, first page of 100', `${base}/devices?limit=100`);
  const deep = await cursorAt(`${base}/devices?limit=1000`, 500);
  await timed('devices, a page of 100 half a million in', `${base}/devices?limit=100&cursor=${encodeURIComponent(deep)}`);
  await timed('devices, a page of 1000 half a million in', `${base}/devices?limit=1000&cursor=${encodeURIComponent(deep)}`);
  await timed('devices of one uid', `${base}/devices?uid=user-77`);
  await timed('connections, first page of 100', `${base}/connections?limit=100`);
  const deeper = await cursorAt(`${base}/connections?limit=1000`, 500);
  await timed('connections, a page of 100 half a million in', `${base}/connections?limit=100&cursor=${encodeURIComponent(deeper)}`);
  await timed('connections online, first page of 100', `${base}/connections?state=online&limit=100`);
  await timed('connections closed, first page of 100', `${base}/connections?state=closed&limit=100`);
  await timed('connections of one uid (15,000 ended ones kept)', `${base}/connections?uid=user-7&limit=100`);
} finally {
  await server.close();
}
