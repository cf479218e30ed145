/**
 * The mixed load: both APIs on one `token-mock serve` process at once, for a while (60 s by
 * `npm run load`): Smile creates and refreshes, WuKongIM token updates and connects, control-API
 * reads. Then it checks that nothing failed that was not meant to, that the state matches what was
 * sent, and that memory stayed flat once warm (the journals are bounded).
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { call, rssMb, SANDBOX, startMock } from './processes.js';

const UIDS = 500;

export interface LoadOptions {
  seconds: number;
  /** Seconds of the load after which memory is first read. */
  warmupSeconds: number;
}

export interface LoadReport {
  seconds: number;
  requests: number;
  /** Answers that were not 2xx, and requests that got no answer. */
  unintended: number;
  creates: number;
  refreshes: number;
  users: { before: number; after: number };
  tokens: { before: number; after: number };
  tokensChecked: number;
  tokensNotFound: number;
  rssMb: { warm: number; end: number; growth: number };
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
  const { child, wukongim, smile } = await startMock();
  try {
    const state = async () => (await call(`${smile}/__mock/state`, 'GET')) as { smile: { users: { count: number }; tokens: { count: number } } };
    const seeded = (await call(`${smile}/v1/users?size=25`, 'GET', undefined, { authorization: SANDBOX })) as { data: { items: { id: string }[] } };
    const userIds = seeded.data.items.map((user) => user.id);
    const before = await state();
    let uid = 0;
    const nextUid = () => `load-${uid++ % UIDS}`;
    // Refreshed tokens are sampled as they come, to be checked afterwards.
    const sampled: string[] = [];
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
              if (status === 201 && (sampled.length < 300 || refreshed % 97 === 0)) {
                if (sampled.length >= 300) sampled.shift();
                sampled.push((JSON.parse(body) as { data: { accessToken: string } }).data.accessToken);
              }
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
    const results = await Promise.all(
      // A fixed amount at a fixed rate, rather than a duration: every request sent is answered before
      // the counts are compared, where a duration would cut some off in flight.
      streams.map((stream) =>
        autocannon({ url: stream.url, connections: 4, overallRate: stream.rate, amount: stream.rate * options.seconds, requests: stream.requests }),
      ),
    );
    clearTimeout(warmTimer);
    const end = rssMb(child);
    const after = await state();

    let tokensNotFound = 0;
    for (const accessToken of sampled) {
      const used = await fetch(`${smile}/__mock/smile/tokens/consume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessToken }),
      });
      if (used.status !== 200) tokensNotFound += 1;
    }

    const creates = results[0]?.['2xx'] ?? 0;
    const refreshes = results[1]?.['2xx'] ?? 0;
    const report: LoadReport = {
      seconds: options.seconds,
      requests: results.reduce((sum, result) => sum + result.requests.total, 0),
      unintended: results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0),
      creates,
      refreshes,
      users: { before: before.smile.users.count, after: after.smile.users.count },
      tokens: { before: before.smile.tokens.count, after: after.smile.tokens.count },
      tokensChecked: sampled.length,
      tokensNotFound,
      rssMb: { warm, end, growth: warm === 0 ? 0 : (end - warm) / warm },
      problems: [],
    };
    const problem = (failed: boolean, text: string) => failed && report.problems.push(text);
    problem(report.unintended > 0, `${report.unintended} answers were not 2xx, or never came`);
    problem(report.users.after - report.users.before !== creates, `${creates} creates made ${report.users.after - report.users.before} more users`);
    // Each create issues a token too.
    problem(
      report.tokens.after - report.tokens.before !== creates + refreshes,
      `${creates + refreshes} tokens issued, ${report.tokens.after - report.tokens.before} held`,
    );
    problem(tokensNotFound > 0, `${tokensNotFound} of ${sampled.length} sampled tokens were not usable`);
    problem(report.rssMb.growth > 0.2, `memory grew ${(report.rssMb.growth * 100).toFixed(1)}% after warm-up`);
    return report;
  } finally {
    child.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.env.LOAD_SECONDS ?? 60);
  const report = await runLoad({ seconds, warmupSeconds: Math.min(15, seconds / 4) });
  console.log(JSON.stringify(report, null, 2));
  console.log(
    `${report.requests} requests in ${seconds} s; unintended errors ${report.unintended}; users +${report.users.after - report.users.before} for ${report.creates} creates; ` +
      `tokens +${report.tokens.after - report.tokens.before} for ${report.creates + report.refreshes} issued; ${report.tokensChecked - report.tokensNotFound}/${report.tokensChecked} sampled tokens usable; ` +
      `RSS ${report.rssMb.warm.toFixed(0)} MB warm → ${report.rssMb.end.toFixed(0)} MB (${(report.rssMb.growth * 100).toFixed(1)}%)`,
  );
  if (report.problems.length > 0) {
    console.error(`FAILED: ${report.problems.join('; ')}`);
    process.exit(1);
  }
}
