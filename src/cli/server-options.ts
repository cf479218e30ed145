/**
 * The flags every command that listens takes, `serve` and `proxy` alike, each with its environment
 * variable: where to listen, the edge (CORS, hosts, the control API's token), the request log, the
 * journal and body caps, socket limits, and the recording (`--record`).
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { hosts, integer, isLoopback, origins, realTime, usage } from './arguments.js';
import { LOG_FORMATS, type LogFormat } from './request-log.js';

/** The most HAR entries `--record` keeps by default. */
export const RECORD_MAX_ENTRIES = 10_000;

/** What the shared flags come to once parsed. */
export interface ServerFlags {
  host: string;
  wukongimPort: number;
  smilePort: number;
  port?: number;
  corsOrigin?: string[];
  allowedHosts?: string[];
  logFormat: LogFormat;
  quiet: boolean;
  maxBody: number;
  adminMaxBody: number;
  journalSize: number;
  adminToken?: string;
  maxConnections: number;
  headersTimeout: number;
  requestTimeout: number;
  record?: string;
  recordMaxEntries: number;
  recordSecrets: boolean;
}

/**
 * Refuses, with one line and exit 2, what the shared flags cannot mean together, before anything
 * starts: an empty admin token, a reachable host without one, a request timeout under the headers
 * timeout, and a file to write (`--record`, `--junit`) where no file can be, or that is read too
 * (`--from-har`), which the recording would overwrite.
 */
export function checkServerFlags(options: ServerFlags, files: { reads?: string[]; writes?: [string, string | undefined][] } = {}): void {
  if (options.adminToken === '') usage('--admin-token must not be empty: no request could ever carry it.');
  if (!isLoopback(options.host) && options.adminToken === undefined) {
    usage(`--host ${options.host} is not a loopback address: anyone who reaches it could drive the mock, so pass --admin-token too.`);
  }
  if (options.requestTimeout < options.headersTimeout) {
    usage(`--request-timeout ${options.requestTimeout}ms is under --headers-timeout ${options.headersTimeout}ms: the whole request includes its headers.`);
  }
  const read = new Set((files.reads ?? []).map((file) => resolve(file)));
  for (const [flag, file] of [['--record', options.record] as [string, string | undefined], ...(files.writes ?? [])]) {
    if (file === undefined) continue;
    if (read.has(resolve(file))) usage(`${flag} ${file} is also given to --from-har: the recording would overwrite what it seeds from.`);
    if (isDirectory(file)) usage(`${flag} ${file} is a directory; give a file in it.`);
    if (!isDirectory(dirname(resolve(file)))) usage(`${flag} ${file}: the directory ${dirname(resolve(file))} does not exist.`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Adds the shared flags to a command, in the order `--help` lists them.
 * @example serverOptions(program.command('proxy'))
 */
export function serverOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address to bind; loopback unless told otherwise', '127.0.0.1')
    .addOption(new Option('--wukongim-port <port>', 'WuKongIM port').argParser(integer('--wukongim-port', 0, 65535)).default(5001))
    .addOption(new Option('--smile-port <port>', 'Smile port').argParser(integer('--smile-port', 0, 65535)).default(5002))
    .addOption(
      new Option('--port <port>', 'serve everything on this one port: WuKongIM at /, Smile at /v1, the control API at /__mock; 0 picks a free one')
        .argParser(integer('--port', 0, 65535))
        .conflicts(['wukongimPort', 'smilePort']),
    )
    .option(
      '--cors-origin <list>',
      'origins allowed by CORS on both APIs (instead of any for WuKongIM, loopback for Smile) and on the control API (besides loopback); * for any',
      origins,
    )
    .option('--allowed-hosts <list>', 'Host names served besides loopback names and IP addresses (.example.test for a domain; * for any)', hosts)
    .addOption(
      new Option('--log-format <format>', 'the request log on standard output: pretty (coloured on a terminal) or json, one object a line')
        .choices(LOG_FORMATS)
        .default('pretty'),
    )
    .option('--quiet', 'print only the banner and errors, no request log', false)
    .addOption(new Option('--max-body <bytes>', 'largest accepted request body').argParser(integer('--max-body', 1, 2 ** 31)).default(1024 * 1024))
    .addOption(
      new Option('--admin-max-body <bytes>', 'largest accepted request body on the control API (/__mock), whatever --max-body is')
        .argParser(integer('--admin-max-body', 1, 2 ** 31))
        .default(1024 * 1024),
    )
    .addOption(new Option('--journal-size <n>', 'requests kept in the journal').argParser(integer('--journal-size', 0, 1_000_000)).default(1000))
    .option('--admin-token <token>', 'require Authorization: Bearer <token> on the control API (/__mock); required off loopback')
    .addOption(
      new Option('--max-connections <n>', 'open TCP connections per port at most; more are closed at once')
        .argParser(integer('--max-connections', 1, 1_000_000))
        .default(1024),
    )
    .addOption(
      new Option('--headers-timeout <duration>', 'real time a client has to send its request headers; a slower one is cut off')
        .argParser(realTime('--headers-timeout', 1))
        .default(10_000, '10s'),
    )
    .addOption(
      new Option('--request-timeout <duration>', 'real time a client has to send its whole request (at least --headers-timeout)')
        .argParser(realTime('--request-timeout', 1))
        .default(30_000, '30s'),
    )
    .option('--record <file>', 'write every exchange since start to <file> as HAR 1.2: at least once a second while it changes, and at shutdown')
    .addOption(
      new Option('--record-max-entries <n>', 'the most exchanges --record keeps; the log says once when it is reached')
        .argParser(integer('--record-max-entries', 1, 1_000_000))
        .default(RECORD_MAX_ENTRIES),
    )
    .option('--record-secrets', 'keep tokens and webhook secrets in the --record file instead of REDACTED (the banner warns)', false);
}
