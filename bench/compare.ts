/**
 * `npm run bench:compare -- <other checkout>`: this build against another build of token-mock (a
 * checkout of an earlier commit, built with `npx tsc -p tsconfig.build.json`), row by row. The two
 * servers run side by side and take turns under the same autocannon load, so drift in the machine's
 * speed falls on both alike; the report gives each row's median ratio and the spread of the ratios.
 */
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { CLI, call, SANDBOX, startCli, stopAll } from './processes.js';
import { ROWS, type Row } from './rows.js';

const other = process.argv[2];
if (!other) {
  console.error('usage: npm run bench:compare -- <path of another checkout, built>');
  process.exit(2);
}
const TURNS = Number(process.env.BENCH_TURNS ?? 5);
/** Only the rows whose name contains this, when set. */
const ONLY = process.env.BENCH_ROWS;
const SECONDS = Number(process.env.BENCH_DURATION ?? 3);

async function rps(url: string, row: Row, seconds: number): Promise<number> {
  const result = await autocannon({ url, method: row.method, headers: row.headers, body: row.body, connections: 20, duration: seconds });
  if (result.errors + result.non2xx > 0) throw new Error(`${row.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return result.requests.average;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const builds = { this: CLI, other: resolve(other as string, 'dist/cli/main.js') };
  const servers = {
    this: {
      small: await startCli(builds.this, '--users', '100'),
      large: await startCli(builds.this, '--users', '100000'),
      v2: await startCli(builds.this, '--users', '100', '--profile', 'server-v2'),
    },
    other: {
      small: await startCli(builds.other, '--users', '100'),
      large: await startCli(builds.other, '--users', '100000'),
      v2: await startCli(builds.other, '--users', '100', '--profile', 'server-v2'),
    },
  };
  // The same seed gives both builds the same users.
  const page = (await call(`${servers.this.small.smile}/v1/users?size=150`, 'GET', undefined, { authorization: SANDBOX })) as {
    data: { items: { id: string }[] };
  };
  const largePage = (await call(`${servers.this.large.smile}/v1/users?size=150`, 'GET', undefined, { authorization: SANDBOX })) as {
    data: { items: { id: string }[] };
  };
  const ids = { small: page.data.items[75]?.id as string, large: largePage.data.items[75]?.id as string, v2: '' };
  console.log(`this build against ${other}: ${TURNS} turns of ${SECONDS} s each per row, 20 connections, taking turns`);
  console.log('| row | this (req/s, median) | other (req/s, median) | this / other (median of turns) | spread of the ratio |');
  console.log('|---|---|---|---|---|');
  for (const row of ROWS.filter((candidate) => ONLY === undefined || candidate.name.includes(ONLY))) {
    const urls = {
      this: `${servers.this[row.server][row.api]}${row.path(ids[row.server])}`,
      other: `${servers.other[row.server][row.api]}${row.path(ids[row.server])}`,
    };
    await rps(urls.this, row, 1);
    await rps(urls.other, row, 1);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      // Alternate who goes first, so neither always runs on a warmer machine.
      const order = turn % 2 === 0 ? (['this', 'other'] as const) : (['other', 'this'] as const);
      for (const who of order) (who === 'this' ? mine : theirs).push(await rps(urls[who], row, SECONDS));
    }
    const ratios = mine.map((value, i) => value / (theirs[i] as number));
    console.log(
      `| ${row.name} | ${Math.round(median(mine))} | ${Math.round(median(theirs))} | ${pct(median(ratios))} | ${pct(Math.min(...ratios))} to ${pct(Math.max(...ratios))} |`,
    );
  }
}

try {
  await main();
} finally {
  stopAll();
}
