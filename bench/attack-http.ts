/**
 * The HTTP side of `npm run attack`: seeded hostile requests to every operation of the three specs,
 * and raw-socket abuse (garbage, smuggling, pipelining, oversized and duplicate headers, CONNECT,
 * slowloris). Every answer is counted by status; a 5xx is a finding unless the API documents it.
 */
import { connect } from 'node:net';
import { operations as admin } from '../src/generated/admin.operations.js';
import { operations as smile } from '../src/generated/smile.operations.js';
import { operations as wukongim } from '../src/generated/wukongim.operations.js';
import { SANDBOX } from './processes.js';

/** Where the attacked server listens. */
export interface Target {
  wukongim: string;
  smile: string;
}

/** What a phase sent and what came back. */
export interface PhaseReport {
  name: string;
  requests: number;
  /** Answers by status; 0 counts requests that got no answer. */
  statuses: Record<string, number>;
  /** Answers or behaviours that break a rule of the phase (an undocumented 5xx, a dropped socket, …). */
  findings: string[];
  /** 5xx answers no API documents (Smile's 501 UNSUPPORTED_METHOD and injected faults are not counted). */
  undocumented5xx: number;
}

/** A small seeded generator, so a run repeats. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)] as T;
  return { next, int, pick };
}

const HOSTILE_STRINGS = ['', ' ', '\u0000', '🙂', 'a'.repeat(300_000), '<script>', '../../etc/passwd', '%00', '__proto__', '1e999', '-0', '\ud800'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/yaml', 'application/json; charset=latin1', ''];

/** A hostile body: broken JSON, deep nesting, huge strings, wrong types, prototype keys, bytes. */
function hostileBody(random: ReturnType<typeof generator>): string {
  const value = () => random.pick<unknown>([random.pick(HOSTILE_STRINGS), random.int(2 ** 31), -1, 1.5, null, true, [], {}, [1, 'a'], { a: 1 }]);
  switch (random.int(8)) {
    case 0:
      return '['.repeat(1 + random.int(20_000));
    case 1:
      return `${'{"a":'.repeat(1 + random.int(3000))}1${'}'.repeat(random.int(3000))}`;
    case 2:
      return JSON.stringify({ uid: value(), token: value(), device_flag: value(), device_level: value(), externalMetadata: { k: value() } });
    case 3:
      return JSON.stringify({ ['__proto__']: { polluted: true }, constructor: { prototype: { polluted: true } }, url: value(), eventTypes: [value()] });
    case 4:
      return String.fromCharCode(...Array.from({ length: random.int(400) }, () => random.int(256)));
    case 5:
      return JSON.stringify([value(), value(), value()]);
    case 6:
      return JSON.stringify({ steps: [{ at: value(), emit: { api: 'smile', type: value(), data: value() } }], rules: [value()] });
    default:
      return JSON.stringify(value());
  }
}

/** Every operation the server answers, with the port it is on. */
function surface(target: Target) {
  const on = (base: string, table: Record<string, { method: string; path: string }>, prefix = '') =>
    Object.values(table).map((operation) => ({ base, method: operation.method, path: prefix + operation.path }));
  return [
    ...on(target.wukongim, wukongim),
    ...on(target.smile, smile, '/v1'),
    ...on(target.wukongim, admin, '/__mock'),
    ...on(target.smile, admin, '/__mock'),
  ].filter((operation) => !operation.path.endsWith('/reset'));
}

/** Smile documents 501 UNSUPPORTED_METHOD; no other 5xx is an answer the mock should give to a request. */
function documented(status: number, base: string, target: Target): boolean {
  return status === 501 && base === target.smile;
}

/**
 * Sends `count` seeded hostile requests, `concurrency` at a time, to every operation of every spec.
 * @example const report = await fuzz(target, { count: 30_000, concurrency: 20, seed: 1 });
 */
export async function fuzz(target: Target, options: { count: number; concurrency: number; seed: number }): Promise<PhaseReport> {
  const random = generator(options.seed);
  const operations = surface(target);
  const report: PhaseReport = { name: 'fuzzed requests', requests: 0, statuses: {}, findings: [], undocumented5xx: 0 };
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
  const one = async () => {
    const operation = random.pick(operations);
    const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(random.pick(['1', 'x', '%', '99999999999', 'tenant-0', '..'])));
    const method = random.next() < 0.85 ? operation.method : random.pick(methods);
    const query =
      random.next() < 0.3 ? `?size=${random.pick(['0', '151', 'x', '-1', '10'])}&cursor=${random.pick(['', 'garbage', '%ZZ'])}&limit=${random.int(5000)}` : '';
    const headers: Record<string, string> = {};
    if (operation.base === target.smile && random.next() < 0.8)
      headers.authorization = random.next() < 0.9 ? SANDBOX : `Basic ${Buffer.from(random.pick(HOSTILE_STRINGS).slice(0, 50)).toString('base64')}`;
    const type = random.pick(CONTENT_TYPES);
    if (type) headers['content-type'] = type;
    const body = method === 'GET' || method === 'HEAD' ? undefined : hostileBody(random);
    report.requests += 1;
    try {
      const response = await fetch(`${operation.base}${path}${query}`, { method, headers, body });
      // An event stream never ends: its status is the answer.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) await response.body?.cancel();
      else await response.arrayBuffer();
      report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
      // An injected fault's status is what a rule asked for, not a failure.
      const injected = response.headers.has('x-token-mock-fault');
      if (response.status >= 500 && !injected && !documented(response.status, operation.base, target)) {
        report.undocumented5xx += 1;
        if (report.findings.length < 20) report.findings.push(`${method} ${path}${query} → ${response.status}`);
      }
    } catch (error) {
      report.statuses[0] = (report.statuses[0] ?? 0) + 1;
      if (report.findings.length < 20) report.findings.push(`${method} ${path}: no answer (${(error as Error).message})`);
    }
  };
  let sent = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (sent < options.count) {
        sent += 1;
        await one();
      }
    }),
  );
  return report;
}

/** Writes raw bytes and resolves with what came back before the server closed (or `ms` passed). */
function raw(url: string, bytes: string | Buffer, ms = 3000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

/**
 * Raw-socket abuse; each case says what a sound server answers. `headersTimeoutMs` is the server's
 * `--headers-timeout`: a slow client must be cut off soon after it.
 * @example const report = await sockets(target);
 */
export async function sockets(target: Target, headersTimeoutMs = 10_000): Promise<PhaseReport> {
  const report: PhaseReport = { name: 'raw sockets', requests: 0, statuses: {}, findings: [], undocumented5xx: 0 };
  const expect = async (name: string, bytes: string | Buffer, wanted: (answer: string) => boolean, url = target.wukongim) => {
    const answer = await raw(url, bytes);
    report.requests += 1;
    const status = statusOf(answer);
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;
    if (status >= 500) report.undocumented5xx += 1;
    if (!wanted(answer)) report.findings.push(`${name}: got ${JSON.stringify(answer.slice(0, 120))}`);
  };
  const is = (status: number) => (answer: string) => statusOf(answer) === status;
  await expect('garbage bytes', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), (answer) => answer === '' || statusOf(answer) === 400);
  await expect('a request line without a version', 'GET /health\r\n\r\n', (answer) => answer === '' || [200, 400].includes(statusOf(answer)));
  await expect(
    'Content-Length and Transfer-Encoding together (smuggling)',
    'POST /user/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /__mock/reset HTTP/1.1\r\nHost: localhost\r\n\r\n',
    (answer) => statusOf(answer) === 400 && !answer.includes('"reset"'),
  );
  await expect('CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', is(400));
  await expect('two Host headers', 'GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', is(400));
  await expect('headers over 16 KB', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`, is(431));
  const many = Array.from({ length: 150 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
  await expect('150 header fields', `GET /health HTTP/1.1\r\nHost: localhost\r\n${many}Connection: close\r\n\r\n`, is(431));
  // Pipelining: 100 requests in one write, answered in order.
  const pipelined = Array.from({ length: 100 }, (_, i) => `GET /__mock/clock?n=${i} HTTP/1.1\r\nHost: localhost\r\n\r\n`).join('');
  const answers = await raw(target.wukongim, `${pipelined}GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  report.requests += 101;
  const count = answers.split('HTTP/1.1 200').length - 1;
  report.statuses[200] = (report.statuses[200] ?? 0) + count;
  if (count !== 101) report.findings.push(`pipelining: ${count} of 101 answers`);
  // Slowloris: 100 sockets dribbling headers; the server must cut them off and keep serving.
  const slow = Array.from({ length: 100 }, () => {
    const { hostname, port } = new URL(target.smile);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write('GET /v1/users HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
    return new Promise<number>((resolve) => {
      const started = performance.now();
      socket.once('close', () => {
        clearInterval(drip);
        resolve(performance.now() - started);
      });
    });
  });
  const health = await fetch(`${target.smile}/v1/users?size=1`, { headers: { authorization: SANDBOX } });
  report.requests += 101;
  if (health.status !== 200) report.findings.push(`slowloris: a normal request got ${health.status} meanwhile`);
  const held = await Promise.all(slow);
  const longest = Math.max(...held);
  if (longest > headersTimeoutMs + 5_000) report.findings.push(`slowloris: a socket was held ${Math.round(longest)} ms`);
  return report;
}
