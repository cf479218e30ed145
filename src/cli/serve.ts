/** `token-mock serve`: the standalone mock on its ports, until SIGINT or SIGTERM. */

import { readFile } from 'node:fs/promises';
import { attachIm, serve, serveIm } from '../adapters/node.js';
import { nodeAesCbc, nodeHmacSha256 } from '../adapters/node-crypto.js';
import { basicAuthorization, type Credential } from '../apis/smile/credentials.js';
import type { WukongimProfile } from '../apis/wukongim/index.js';
import { isMockError } from '../core/errors.js';
import type { FaultRule } from '../core/faults.js';
import { seedSummary } from '../har/seed.js';
import { createMock } from '../mock.js';
import { parseScenario, type Scenario } from '../scenarios/parse.js';
import { readRecordings } from './from-har.js';
import { openRecording, recordingNote } from './recording.js';
import { type LogFormat, standardRequestLog } from './request-log.js';
import { openStateFile } from './state-file.js';

/** The serve command's settings, parsed and checked. */
export interface ServeSettings {
  seed: number;
  host: string;
  wukongimPort: number;
  /** One port for everything (WuKongIM at /, Smile at /v1, the control API at /__mock), instead of the two. */
  port?: number;
  /** Origins CORS allows (instead of the APIs' defaults, and besides loopback on the control API). */
  corsOrigins?: string[];
  /** Host names served besides loopback names and IP addresses. */
  allowedHosts?: string[];
  logFormat: LogFormat;
  /** No request log: the banner and errors only. */
  quiet: boolean;
  /** The IM WebSocket port (0: a free one; none with `port`, whose server takes the upgrade), and the ws_addr `GET /route` answers instead of it. */
  wukongimWsPort: number;
  wukongimWsAddr?: string;
  profile: WukongimProfile;
  managerToken?: string;
  wukongimTokenTtl?: number;
  smilePort: number;
  users: number;
  tenantId: string;
  smileTokenTtl: number;
  mode: 'sandbox' | 'production';
  rateLimit?: number;
  revokeOnRefresh: boolean;
  strictWebhookUrls: boolean;
  startTime?: string;
  strict: boolean;
  maxBodyBytes: number;
  adminMaxBodyBytes: number;
  journalSize: number;
  wukongimWebhook?: string;
  wukongimWebhookRetryDelays: number[];
  smileWebhookRetryDelays: number[];
  webhookTimeout: number;
  webhookJournalSize: number;
  webhookMaxPending: number;
  webhookAllowPrivateHttp: boolean;
  /** Real ms pending deliveries get to finish on SIGINT or SIGTERM. */
  shutdownGrace: number;
  /** Undefined: the default bound, or the seeded count if more. */
  maxUsers?: number;
  maxTokens: number;
  smileTokenRetention: number;
  maxDeviceSlots: number;
  maxImConnections: number;
  maxEndedImConnections: number;
  maxImSockets: number;
  maxUserStates: number;
  maxUidLength: number;
  maxTokenLength: number;
  maxWebhooks: number;
  maxImMessages: number;
  systemUid?: string;
  /** Undefined: the mock's own two pairs. */
  smileCredentials?: Credential[];
  webhookConcurrency: number;
  /** Undefined: a quarter of the concurrency. */
  webhookPerReceiver?: number;
  streamMaxQueued: number;
  streamBatch: number;
  streamKeepAlive: number;
  /** Scenario files to load at start. */
  scenarios: string[];
  /** HAR recordings whose state is seeded at start and after every reset. */
  fromHar: string[];
  adminToken?: string;
  maxConnections: number;
  /** Real ms a client has to send its headers, and its whole request, on every port. */
  headersTimeout: number;
  requestTimeout: number;
  /** Fault rules from the config file. */
  faults: FaultRule[];
  /** `--record`: the HAR file, its bound, and whether secrets are kept. */
  record?: string;
  recordMaxEntries: number;
  recordSecrets: boolean;
  /** Where the state is kept between runs, and the longest a change waits to be saved there. */
  stateFile?: string;
  stateSaveInterval?: number;
}

/** Reads and checks the scenario files; a bad one ends the process with its line and reason. */
async function readScenarios(files: string[]): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const file of files) {
    try {
      scenarios.push(await parseScenario(await readFile(file, 'utf8'), file));
    } catch (error) {
      const reason = isMockError(error) ? error.message : `cannot read ${file}: ${(error as Error).message}`;
      console.error(`token-mock: ${reason}`);
      process.exit(2);
    }
  }
  return scenarios;
}

/** The exit code of a shutdown that dropped webhook deliveries (0 when none was left). */
export const EXIT_DROPPED = 3;
/** The exit code of every failure to start: bad flags, config, scenarios or state file, a port that cannot be opened. */
export const EXIT_START = 2;

/** Starts the servers, prints where they listen, and stops gracefully on a signal. */
export async function runServe(settings: ServeSettings, version: string): Promise<void> {
  let mock: ReturnType<typeof createMock>;
  const stateFile = settings.stateFile === undefined ? undefined : openStateFile(settings.stateFile);
  try {
    mock = createMock({
      persist: stateFile && { store: stateFile.store, interval: settings.stateSaveInterval },
      scenarios: await readScenarios(settings.scenarios),
      fromHar: await readRecordings(settings.fromHar),
      adminToken: settings.adminToken,
      faults: settings.faults,
      webhooks: {
        timeout: settings.webhookTimeout,
        journalSize: settings.webhookJournalSize,
        maxPending: settings.webhookMaxPending,
        allowPrivateHttp: settings.webhookAllowPrivateHttp,
        concurrency: settings.webhookConcurrency,
        perReceiver: settings.webhookPerReceiver,
      },
      stream: { maxQueued: settings.streamMaxQueued, batchMs: settings.streamBatch, keepAliveMs: settings.streamKeepAlive },
      seed: settings.seed,
      startTime: settings.startTime,
      strict: settings.strict,
      maxBodyBytes: settings.maxBodyBytes,
      adminMaxBodyBytes: settings.adminMaxBodyBytes,
      journalSize: settings.journalSize,
      wukongim: {
        profile: settings.profile,
        managerToken: settings.managerToken,
        tokenTtl: settings.wukongimTokenTtl,
        webhookUrl: settings.wukongimWebhook,
        webhookRetryDelays: settings.wukongimWebhookRetryDelays,
        maxDeviceSlots: settings.maxDeviceSlots,
        maxOnlineConnections: settings.maxImConnections,
        maxEndedConnections: settings.maxEndedImConnections,
        maxImSockets: settings.maxImSockets,
        maxUserStates: settings.maxUserStates,
        maxUidLength: settings.maxUidLength,
        maxTokenLength: settings.maxTokenLength,
        maxImMessages: settings.maxImMessages,
        aesCbc: nodeAesCbc,
        systemUid: settings.systemUid,
      },
      smile: {
        users: settings.users,
        tenantId: settings.tenantId,
        tokenTtl: settings.smileTokenTtl,
        rateLimit: settings.rateLimit,
        revokeOnRefresh: settings.revokeOnRefresh,
        strictWebhookUrls: settings.strictWebhookUrls,
        webhookRetryDelays: settings.smileWebhookRetryDelays,
        hmacSha256: nodeHmacSha256,
        maxUsers: settings.maxUsers,
        maxTokens: settings.maxTokens,
        tokenRetention: settings.smileTokenRetention,
        credentials: settings.smileCredentials,
        maxWebhooks: settings.maxWebhooks,
      },
      onError: (error, where) => {
        // A state file that cannot be restored stops the start (below); a failed save is told and tried again.
        if ('persistence' in where) stateFile?.failed(error, where);
        // A failure inside the mock: the client got a 500 and the journal has the message; the stack goes here.
        else console.error(`token-mock: ${where.method} ${where.path} (${where.operationId ?? where.api}) failed inside the mock:`, error);
      },
      // A kind of state reached its bound: said once, so a long-running mock's log does not fill up.
      onNotice: (notice) => console.error(`token-mock: ${notice.message}`),
    });
  } catch (error) {
    // A setting that passed the flags' checks but not the mock's own (a fault rule that makes no sense).
    const where = isMockError(error) && error.kind === 'invalid-fault' ? `the --config file's faults${error.errors?.[0]?.path ?? ''}: ` : '';
    console.error(`token-mock: ${where}${(error as Error).message}`);
    process.exit(2);
  }
  stateFile?.exitIfRefused(settings.seed);
  const { output, log, edge } = standardRequestLog(mock, settings.logFormat, settings.quiet);
  const recording = await openRecording(mock, settings);
  const listen = async <T>(port: number, flag: string, open: () => Promise<T>): Promise<T> => {
    try {
      return await open();
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const reason =
        code === 'EADDRINUSE'
          ? `port ${port} is already in use; pick another with ${flag} <port>, or ${flag} 0 for a free one`
          : code === 'EADDRNOTAVAIL'
            ? 'the address is not on this machine'
            : (error as Error).message;
      console.error(`token-mock: cannot listen on ${settings.host}:${port}: ${reason}`);
      process.exit(EXIT_START);
    }
  };
  const http = (api: 'wukongim' | 'smile' | undefined, port: number) =>
    serve(mock, {
      api,
      port,
      host: settings.host,
      maxConnections: settings.maxConnections,
      headersTimeoutMs: settings.headersTimeout,
      requestTimeoutMs: settings.requestTimeout,
      corsOrigins: settings.corsOrigins,
      allowedHosts: settings.allowedHosts,
      onEdge: edge,
    });
  const servers: { close(): Promise<void> }[] = [];
  let wukongimUrl: string;
  let smileUrl: string;
  let imUrl: string;
  const port = settings.port;
  if (port !== undefined) {
    const one = await listen(port, '--port', () => http(undefined, port));
    // The IM socket upgrades on the same port, as the one-port mode promises.
    const im = attachIm(mock, one.server, { allowedHosts: settings.allowedHosts, onEdge: edge });
    servers.push({ close: () => im.close().then(() => one.close()) });
    wukongimUrl = one.url;
    smileUrl = one.url;
    imUrl = one.url.replace(/^http/, 'ws');
  } else {
    const wukongim = await listen(settings.wukongimPort, '--wukongim-port', () => http('wukongim', settings.wukongimPort));
    const smile = await listen(settings.smilePort, '--smile-port', () => http('smile', settings.smilePort));
    const im = await listen(settings.wukongimWsPort, '--wukongim-ws-port', () =>
      serveIm(mock, {
        port: settings.wukongimWsPort,
        host: settings.host,
        headersTimeoutMs: settings.headersTimeout,
        requestTimeoutMs: settings.requestTimeout,
        allowedHosts: settings.allowedHosts,
        onEdge: edge,
      }),
    );
    servers.push(wukongim, smile, im);
    wukongimUrl = wukongim.url;
    smileUrl = smile.url;
    imUrl = im.url;
  }
  mock.wukongim.im.route.ws_addr = settings.wukongimWsAddr ?? imUrl;
  const clockNote = settings.startTime ? `clock frozen at ${mock.clock.iso()}` : 'real clock';
  const chosen = settings.mode === 'production' ? 'PRODUCTION' : 'SANDBOX';
  const example = mock.smile.credentials.find((c) => c.mode === chosen) ?? mock.smile.credentials[0];
  const control = settings.port !== undefined ? `${wukongimUrl}/__mock` : `${wukongimUrl}/__mock  and  ${smileUrl}/__mock`;
  console.log(`token-mock ${version} (seed ${settings.seed}, profile ${settings.profile}, ${clockNote})`);
  console.log(`  WuKongIM  ${wukongimUrl}${settings.managerToken ? '  (header token: required)' : ''}`);
  console.log(`  IM        ${imUrl}  (WebSocket; GET /route answers ${mock.wukongim.im.route.ws_addr})`);
  console.log(`  Smile     ${smileUrl}/v1  (${mock.smile.userCount} users)`);
  console.log(`  control   ${control}${settings.adminToken ? '  (Authorization: Bearer <admin token>)' : ''}`);
  console.log(`  dashboard ${control.replaceAll('/__mock', '/__mock/ui')}`);
  if (settings.wukongimWebhook) console.log(`  WuKongIM webhook  ${settings.wukongimWebhook}`);
  if (stateFile) console.log(`  state     ${stateFile.describe(mock, settings.stateSaveInterval)}`);
  if (settings.record) console.log(`  recording ${recordingNote(settings)}`);
  for (const scenario of mock.scenarios.list()) console.log(`  scenario  ${scenario.name} (${scenario.steps} steps)`);
  if (mock.seeded) for (const [i, line] of seedSummary(mock.seeded).entries()) console.log(i === 0 ? `  seeded    ${line}` : `    ${line}`);
  console.log('  Smile credentials (HTTP Basic):');
  for (const credential of mock.smile.credentials) console.log(`    ${credential.key} / ${credential.secret}  ${credential.mode}`);
  if (example) console.log(`  try: curl -s -X POST ${smileUrl}/v1/users -H 'Authorization: ${basicAuthorization(example)}'`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: no more waiting.
      const { pending } = mock.webhooks.stats();
      log.flush();
      await output.drain(500);
      console.error(`token-mock: ${signal} again, exiting now${pending > 0 ? `; ${pending} webhook deliveries dropped` : ''}`);
      process.exit(pending > 0 ? EXIT_DROPPED : 0);
    }
    stopping = true;
    console.log(`token-mock: ${signal}, shutting down (webhook deliveries get up to ${settings.shutdownGrace} ms; a second signal exits at once)`);
    // Requests in flight get a moment to finish; a stuck keep-alive client cannot hold the exit.
    await Promise.race([Promise.all(servers.map((server) => server.close())), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    const left = await mock.webhooks.drain(settings.shutdownGrace);
    await mock.flush(); // --state-file: the last changes, now that no request can make more
    stateFile?.release();
    await recording?.close();
    const dropped = left.queued + left.onTheWire + left.retrying;
    log.flush();
    await output.drain(1_000);
    if (dropped === 0) process.exit(0);
    console.error(
      `token-mock: ${dropped} webhook deliveries dropped: ${left.queued} queued, ${left.onTheWire} on the wire, ${left.retrying} waiting on the mock clock for a retry`,
    );
    process.exit(EXIT_DROPPED);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
