/**
 * `npm run bench:instructions -- [other checkout]`: the CPU instructions the standalone server
 * spends per request on each targeted row, counted by valgrind's callgrind, and, given another
 * built checkout, the same count for that build beside it.
 *
 * Requests per second swing by ±15–55% between rounds on a shared machine; an instruction count
 * does not depend on what else the machine is doing. It is not exact either: when V8's JIT tiers
 * code up differs from run to run, and the same build has counted from 613k to 634k on one row in
 * one sitting and further apart between sittings. Run it twice and trust differences larger than
 * that. It counts only the server process's own work in user space (not the kernel's, nor the
 * client's): one keep-alive connection, requests one at a time, counters zeroed after a warm-up so
 * start-up and the JIT's first tiers fall outside the count.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLI, SANDBOX, startCliUnder, stopAll } from './processes.js';
import { ROWS, type Row } from './rows.js';

const other = process.argv[2];
const WARM = Number(process.env.BENCH_WARM ?? 400);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench:instructions needs valgrind (apt-get install -y valgrind)');
  process.exit(2);
}

/** Sends one request on the shared keep-alive connection and reads the whole answer. */
function send(agent: Agent, url: string, row: Row): Promise<number> {
  return new Promise((done, fail) => {
    const outgoing = request(url, { method: row.method, headers: row.headers, agent }, (answer) => {
      answer.resume();
      answer.on('end', () => done(answer.statusCode ?? 0));
    });
    outgoing.on('error', fail);
    outgoing.end(row.body);
  });
}

/** Instructions per request of one row on one build. */
async function count(cli: string, row: Row): Promise<number> {
  const out = join(tmpdir(), `token-mock-callgrind-${process.pid}-${Date.now()}`);
  const server = await startCliUnder(['valgrind', '-q', '--tool=callgrind', `--callgrind-out-file=${out}`], cli, '--users', '100');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const listing = await new Promise<string>((done, fail) => {
      request(`${server.smile}/v1/users?size=1`, { headers: { authorization: SANDBOX }, agent }, (answer) => {
        let text = '';
        answer.on('data', (chunk) => (text += chunk));
        answer.on('end', () => done(text));
      })
        .on('error', fail)
        .end();
    });
    const userId = (JSON.parse(listing) as { data: { items: { id: string }[] } }).data.items[0]?.id as string;
    const url = `${server[row.api]}${row.path(userId)}`;
    for (let i = 0; i < WARM; i++) await send(agent, url, row);
    const pid = String(server.child.pid);
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
    for (let i = 0; i < REQUESTS; i++) {
      const status = await send(agent, url, row);
      if (status >= 300) throw new Error(`${row.name}: answered ${status}`);
    }
    execFileSync('callgrind_control', ['--dump=measured', pid], { stdio: 'ignore' });
    const dump = readFileSync(`${out}.1`, 'utf8');
    const total = Number(/^(?:summary|totals):\s+(\d+)/m.exec(dump)?.[1]);
    return total / REQUESTS;
  } finally {
    agent.destroy();
    server.child.kill('SIGKILL');
    rmSync(out, { force: true });
    rmSync(`${out}.1`, { force: true });
  }
}

const thousands = (value: number) => `${(value / 1000).toFixed(1)}k`;

try {
  const rows = ROWS.filter((row) => row.target !== undefined && row.name.includes(process.env.BENCH_ROWS ?? ''));
  console.log(`instructions per request (callgrind), ${REQUESTS} requests after ${WARM} to warm up, one keep-alive connection`);
  console.log(other ? '| row | this build | other build | this / other |\n|---|---|---|---|' : '| row | this build |\n|---|---|');
  for (const row of rows) {
    const mine = await count(CLI, row);
    if (!other) {
      console.log(`| ${row.name} | ${thousands(mine)} |`);
      continue;
    }
    const theirs = await count(resolve(other, 'dist/cli/main.js'), row);
    console.log(`| ${row.name} | ${thousands(mine)} | ${thousands(theirs)} | ${((mine / theirs) * 100).toFixed(1)}% |`);
  }
} finally {
  stopAll();
}
