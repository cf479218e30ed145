/**
 * `npx tsx bench/bounds.ts` (about 2 minutes): a default `token-mock serve` driven a fifth past every
 * default bound at full speed, with the largest users the spec allows, reporting memory after each
 * kind. It checks that each count stops at its bound and that the process's peak RSS stays under 1 GB.
 */
import autocannon from 'autocannon';
import { DEFAULT_BOUNDS } from '../src/core/bounds.js';
import { call, rssMb, SANDBOX, startMock, stopAll } from './processes.js';

const LIMIT_MB = 1024;
/** Each kind is driven a fifth past its bound. */
const past = (kind: keyof typeof DEFAULT_BOUNDS) => Math.round(DEFAULT_BOUNDS[kind] * 1.2);
const USERS = past('smile-users');
const TOKENS = past('smile-tokens');
const SLOTS = past('wukongim-device-slots');
const CONNECTIONS = past('wukongim-online-connections');

type Count = { count: number; bound: number; evicted: number };
interface State {
  smile: { users: Count; tokens: Count };
  wukongim: { slots: Count; online: Count; ended: Count };
}

/** Sends `amount` requests, 20 at a time, each made by `make` from its number. */
async function drive(url: string, amount: number, make: (n: number) => autocannon.Request): Promise<number> {
  let n = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    connections: 20,
    amount,
    requests: [{ setupRequest: (request) => ({ ...request, ...make(n++) }) }],
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return amount / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { child, wukongim, smile } = await startMock();
  const lines: string[] = [`start: RSS ${rssMb(child).toFixed(0)} MB`];
  // The peak counts, not only the figure after each kind: garbage from a burst of requests is memory too.
  const peaks: number[] = [rssMb(child)];
  const sampler = setInterval(() => peaks.push(rssMb(child)), 250);
  const state = async () => (await call(`${smile}/__mock/state`, 'GET')) as State;
  const report = async (what: string, rate: number) => {
    const now = await state();
    const counts = { users: now.smile.users, tokens: now.smile.tokens, ...now.wukongim };
    const shown = Object.entries(counts).map(([name, c]) => `${name} ${c.count}/${c.bound}`);
    peaks.push(rssMb(child));
    lines.push(`${what} (${Math.round(rate)}/s): RSS ${peaks.at(-1)?.toFixed(0)} MB, peak so far ${Math.max(...peaks).toFixed(0)} MB; ${shown.join(', ')}`);
    console.log(lines.at(-1));
    return counts;
  };
  try {
    // The largest user the spec allows: five pairs, 50-character keys, 500-character values.
    const metadata = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${i}`.padEnd(50, 'k'), 'v'.repeat(500)]));
    const body = JSON.stringify({ externalMetadata: metadata });
    const headers = { authorization: SANDBOX, 'content-type': 'application/json' };
    let rate = await drive(smile, USERS, () => ({ method: 'POST', path: '/v1/users', headers, body }));
    // Every page read once, so that each user's JSON text is cached as well.
    for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
      const page = (await call(`${smile}/v1/users?size=150${cursor ? `&cursor=${cursor}` : ''}`, 'GET', undefined, { authorization: SANDBOX })) as {
        data: { nextCursor?: string; items: { id: string }[] };
      };
      cursor = page.data.nextCursor;
    }
    await report(`${USERS} users with the most metadata, every page read`, rate);
    const newest = ((await call(`${smile}/v1/users?size=1`, 'GET', undefined, { authorization: SANDBOX })) as { data: { items: { id: string }[] } }).data
      .items[0]?.id;
    rate = await drive(smile, TOKENS, () => ({ method: 'POST', path: `/v1/tokens?userId=${newest}`, headers: { authorization: SANDBOX } }));
    await report(`${TOKENS} link tokens`, rate);
    const im = { 'content-type': 'application/json' };
    rate = await drive(wukongim, 120_000, (n) => ({
      method: 'POST',
      path: '/user/token',
      headers: im,
      body: JSON.stringify({ uid: `user-${n}`, token: `token-${n}`, device_flag: 1 }),
    }));
    await report(`${SLOTS} device slots`, rate);
    // Spread over the slots still held (the newest): a connect compares itself with each connection
    // of its slot, so one crowded slot would measure that instead.
    const held = DEFAULT_BOUNDS['wukongim-device-slots'];
    const slot = (n: number) => SLOTS - held + (n % held);
    rate = await drive(wukongim, CONNECTIONS, (n) => ({
      method: 'POST',
      path: '/__mock/wukongim/connect',
      headers: im,
      body: JSON.stringify({ uid: `user-${slot(n)}`, token: `token-${slot(n)}`, device_flag: 1, device_id: `device-${n}` }),
    }));
    const counts = await report(`${CONNECTIONS} connections`, rate);
    const over = Object.entries(counts).filter(([, c]) => c.count > c.bound);
    const rss = Math.max(...peaks);
    console.log(`\n${lines.join('\n')}\npeak RSS ${rss.toFixed(0)} MB`);
    if (over.length > 0 || rss > LIMIT_MB) {
      console.error(`FAILED: ${over.map(([name]) => name).join(', ') || 'no count'} past its bound; peak RSS ${rss.toFixed(0)} MB (limit ${LIMIT_MB})`);
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    stopAll();
  }
}

await main();
