/**
 * The mixed load: both APIs on one `token-mock serve` process at once, for a while (60 s by
 * `npm run load`): Smile creates and refreshes, WuKongIM token updates and connects, control-API
 * reads. It runs with bounds small enough that every kind of state passes its own during warm-up.
 * Then it checks that nothing failed that was not meant to, that the state matches what was sent
 * (held plus evicted), that no count passed its bound, and that memory stayed flat once warm.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BoundedCount } from '../src/core/bounds.js';
import type { components } from '../src/generated/admin.types.js';
import { call, rssMb, SANDBOX, startMock } from './processes.js';

const UIDS = 500;
/** How many of the first tokens issued, and of the last, are kept to be used afterwards. */
const OLDEST_SAMPLED = 50;
const NEWEST_SAMPLED = 250;

type State = components['schemas']['StateSummary'];

/** The serve flags that bound each kind of state. */
export interface LoadBounds {
  users: number;
  tokens: number;
  slots: number;
  online: number;
  ended: number;
}

export interface LoadOptions {
  seconds: number;
  /** Seconds of the load after which memory is first read. */
  warmupSeconds: number;
  /** How often the memory curve is sampled, in seconds. Default 10. */
  sampleSeconds?: number;
  /** Extra flags for the server. */
  args?: string[];
  /** Bounds for the server: small, so that the load passes each of them. */
  bounds: LoadBounds;
}

export interface LoadReport {
  seconds: number;
  requests: number;
  /** Answers that were not 2xx, and requests that got no answer. */
  unintended: number;
  creates: number;
  refreshes: number;
  users: { before: BoundedCount; after: BoundedCount };
  tokens: { before: BoundedCount; after: BoundedCount & { forgotten: number } };
  wukongim: State['wukongim'];
  /** The newest tokens issued, used afterwards: each must work. */
  tokensChecked: number;
  tokensNotFound: number;
  /** The oldest tokens issued, used afterwards: once many were evicted, each must get 401 INVALID_TOKEN. */
  oldestChecked: number;
  oldestWrong: number;
  rssMb: { warm: number; end: number; growth: number; max: number };
  /** Resident memory over the run: seconds since the start, MB. */
  curve: [number, number][];
  /** Whether the server was still running at the end. */
  alive: boolean;
  problems: string[];
}

interface Stream {
  name: string;
  url: string;
  rate: number;
  requests: autocannon.Request[];
}

/** Runs the load against a fresh server and checks the outcome. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { bounds } = options;
  const { child, wukongim, smile } = await startMock(
    ...['--max-users', bounds.users, '--max-tokens', bounds.tokens, '--max-device-slots', bounds.slots].map(String),
    ...['--max-im-connections', bounds.online, '--max-ended-im-connections', bounds.ended].map(String),
    ...(options.args ?? []),
  );
  let alive = true;
  child.once('exit', () => {
    alive = false;
  });
  try {
    const state = async () => (await call(`${smile}/__mock/state`, 'GET')) as State;
    const seeded = (await call(`${smile}/v1/users?size=25`, 'GET', undefined, { authorization: SANDBOX })) as { data: { items: { id: string }[] } };
    // Refreshes go to the newest users: past the bound on users, the seeded ones are the first to go.
    const userIds = seeded.data.items.map((user) => user.id);
    const before = await state();
    let uid = 0;
    const nextUid = () => `load-${uid++ % UIDS}`;
    // The first tokens refreshed and the last, to be used afterwards.
    const oldest: string[] = [];
    const newest: string[] = [];
    let refreshed = 0;

    const streams: Stream[] = [
      {
        name: 'Smile creates',
        url: smile,
        rate: 100,
        requests: [
          {
            method: 'POST',
            path: '/v1/users',
            headers: { authorization: SANDBOX, 'content-type': 'application/json' },
            body: '{"externalMetadata":{"source":"load"}}',
            onResponse: (status, body) => {
              if (status !== 201) return;
              userIds.push((JSON.parse(body) as { data: { user: { id: string } } }).data.user.id);
              if (userIds.length > 25) userIds.shift();
            },
          },
        ],
      },
      {
        name: 'Smile refreshes',
        url: smile,
        rate: 800,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, path: `/v1/tokens?userId=${userIds[refreshed % userIds.length]}` }),
            headers: { authorization: SANDBOX },
            onResponse: (status, body) => {
              refreshed += 1;
              if (status !== 201) return;
              const { accessToken } = (JSON.parse(body) as { data: { accessToken: string } }).data;
              if (oldest.length < OLDEST_SAMPLED) oldest.push(accessToken);
              else newest.push(accessToken);
              if (newest.length > NEWEST_SAMPLED) newest.shift();
            },
          },
        ],
      },
      {
        name: 'WuKongIM token updates and connects',
        url: wukongim,
        rate: 1500,
        requests: [
          {
            method: 'POST',
            path: '/user/token',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request, context: { uid?: string }) => {
              context.uid = nextUid();
              return { ...request, body: JSON.stringify({ uid: context.uid, token: `t-${context.uid}`, device_flag: 1, device_level: uid % 3 === 0 ? 1 : 0 }) };
            },
          },
          {
            method: 'POST',
            path: '/__mock/wukongim/connect',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request, context: { uid?: string }) => ({
              ...request,
              body: JSON.stringify({ uid: context.uid, token: `t-${context.uid}`, device_flag: 1, device_id: `d-${uid % 7}` }),
            }),
          },
        ],
      },
      {
        name: 'control-API reads',
        url: smile,
        rate: 100,
        requests: [
          { method: 'GET', path: '/__mock/journal?limit=5' },
          { method: 'GET', path: '/__mock/state' },
          { method: 'GET', path: '/__mock/webhooks/deliveries?limit=5' },
        ],
      },
    ];

    let warm = 0;
    const warmTimer = setTimeout(() => {
      warm = rssMb(child);
    }, options.warmupSeconds * 1000);
    const began = performance.now();
    const curve: [number, number][] = [[0, Math.round(rssMb(child))]];
    const sampler = setInterval(
      () => {
        if (alive) curve.push([Math.round((performance.now() - began) / 1000), Math.round(rssMb(child))]);
      },
      (options.sampleSeconds ?? 10) * 1000,
    );
    const results = await Promise.all(
      // A fixed amount at a fixed rate, rather than a duration: every request sent is answered before
      // the counts are compared, where a duration would cut some off in flight.
      streams.map((stream) =>
        autocannon({ url: stream.url, connections: 4, overallRate: stream.rate, amount: stream.rate * options.seconds, requests: stream.requests }),
      ),
    );
    clearTimeout(warmTimer);
    clearInterval(sampler);
    const end = alive ? rssMb(child) : 0;
    curve.push([Math.round((performance.now() - began) / 1000), Math.round(end)]);
    const after = await state();

    const use = async (accessToken: string) => {
      const used = await fetch(`${smile}/__mock/smile/tokens/consume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessToken }),
      });
      return { status: used.status, code: ((await used.json()) as { code?: string }).code };
    };
    let tokensNotFound = 0;
    for (const accessToken of newest) if ((await use(accessToken)).status !== 200) tokensNotFound += 1;
    // The first tokens were among the first hundred issued: with a thousand evicted, all of them went.
    const oldestGone = after.smile.tokens.evicted > 1000;
    let oldestWrong = 0;
    for (const accessToken of oldest) {
      const { status, code } = await use(accessToken);
      if (oldestGone ? status !== 401 || code !== 'INVALID_TOKEN' : status !== 200 && after.smile.tokens.evicted === 0) oldestWrong += 1;
    }

    const creates = results[0]?.['2xx'] ?? 0;
    const refreshes = results[1]?.['2xx'] ?? 0;
    const report: LoadReport = {
      seconds: options.seconds,
      requests: results.reduce((sum, result) => sum + result.requests.total, 0),
      unintended: results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0),
      creates,
      refreshes,
      users: { before: before.smile.users, after: after.smile.users },
      tokens: { before: before.smile.tokens, after: after.smile.tokens },
      wukongim: after.wukongim,
      tokensChecked: newest.length,
      tokensNotFound,
      oldestChecked: oldest.length,
      oldestWrong,
      rssMb: { warm, end, growth: warm === 0 ? 0 : (end - warm) / warm, max: Math.max(...curve.map(([, mb]) => mb)) },
      curve,
      alive,
      problems: [],
    };
    const problem = (failed: boolean, text: string) => failed && report.problems.push(text);
    problem(!alive, 'the server exited during the load');
    problem(report.unintended > 0, `${report.unintended} answers were not 2xx, or never came`);
    const madeUsers = accounted(after.smile.users) - accounted(before.smile.users);
    problem(madeUsers !== creates, `${creates} creates made ${madeUsers} more users, held or evicted`);
    // Each create issues a token too.
    const madeTokens = accounted(after.smile.tokens) - accounted(before.smile.tokens);
    problem(madeTokens !== creates + refreshes, `${creates + refreshes} tokens issued, ${madeTokens} held, evicted or forgotten`);
    // The counts that forget their oldest (user states refuse past theirs instead).
    const { userStates: _refusing, ...evicting } = after.wukongim;
    const counts = { users: after.smile.users, tokens: after.smile.tokens, ...evicting };
    for (const [name, count] of Object.entries(counts)) {
      problem(count.count > count.bound, `${count.count} ${name} held, past the bound of ${count.bound}`);
      // The bounds are small so that the load exercises eviction: each must have been passed.
      problem(count.evicted === 0, `the load never passed the bound on ${name} (${count.bound})`);
    }
    problem(tokensNotFound > 0, `${tokensNotFound} of the newest ${newest.length} tokens were not usable`);
    problem(oldestWrong > 0, `${oldestWrong} of the oldest ${oldest.length} tokens were ${oldestGone ? 'not refused with INVALID_TOKEN' : 'not usable'}`);
    problem(report.rssMb.growth > 0.2, `memory grew ${(report.rssMb.growth * 100).toFixed(1)}% after warm-up`);
    return report;
  } finally {
    child.kill();
  }
}

/** Every item a count has seen: held, evicted to make room, and (for tokens) forgotten after retention. */
function accounted(count: BoundedCount & { forgotten?: number }): number {
  return count.count + count.evicted + (count.forgotten ?? 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.env.LOAD_SECONDS ?? 60);
  // Each bound is passed in the first 10 s, before memory is first read at 15 s.
  const report = await runLoad({
    seconds,
    warmupSeconds: Math.min(15, seconds / 4),
    bounds: { users: 1000, tokens: 8000, slots: 200, online: 300, ended: 2000 },
  });
  console.log(JSON.stringify(report, null, 2));
  const held = (count: BoundedCount) => `${count.count}/${count.bound} (${count.evicted} evicted)`;
  console.log(
    `${report.requests} requests in ${seconds} s; unintended errors ${report.unintended}; users ${held(report.users.after)} for ${report.creates} creates; ` +
      `tokens ${held(report.tokens.after)} for ${report.creates + report.refreshes} issued; slots ${held(report.wukongim.slots)}; ` +
      `online ${held(report.wukongim.online)}; ended ${held(report.wukongim.ended)}; ` +
      `${report.tokensChecked - report.tokensNotFound}/${report.tokensChecked} newest tokens usable, ${report.oldestChecked - report.oldestWrong}/${report.oldestChecked} oldest as expected (refused once evicted); ` +
      `RSS ${report.rssMb.warm.toFixed(0)} MB warm → ${report.rssMb.end.toFixed(0)} MB (${(report.rssMb.growth * 100).toFixed(1)}%)`,
  );
  if (report.problems.length > 0) {
    console.error(`FAILED: ${report.problems.join('; ')}`);
    process.exit(1);
  }
}
