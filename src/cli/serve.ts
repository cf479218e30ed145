/** `token-mock serve`: the standalone mock on its ports, until SIGINT or SIGTERM. */

import { readFile } from 'node:fs/promises';
import { type RunningImServer, type RunningServer, serve, serveIm } from '../adapters/node.js';
import { nodeHmacSha256 } from '../adapters/node-crypto.js';
import { basicAuthorization } from '../apis/smile/credentials.js';
import type { WukongimProfile } from '../apis/wukongim/index.js';
import { isMockError } from '../core/errors.js';
import type { FaultRule } from '../core/faults.js';
import { createMock } from '../mock.js';
import { parseScenario, type Scenario } from '../scenarios/parse.js';
import { openStateFile } from './state-file.js';

/** The serve command's settings, parsed and checked. */
export interface ServeSettings {
  seed: number;
  host: string;
  wukongimPort: number;
  /** The IM WebSocket port (0: a free one), and the ws_addr `GET /route` answers instead of it. */
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
  /** Scenario files to load at start. */
  scenarios: string[];
  adminToken?: string;
  maxConnections: number;
  /** Fault rules from the config file. */
  faults: FaultRule[];
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

/** Starts the servers, prints where they listen, and stops gracefully on a signal. */
export async function runServe(settings: ServeSettings, version: string): Promise<void> {
  let mock: ReturnType<typeof createMock>;
  const stateFile = settings.stateFile === undefined ? undefined : openStateFile(settings.stateFile);
  try {
    mock = createMock({
      persist: stateFile && { store: stateFile.store, interval: settings.stateSaveInterval },
      scenarios: await readScenarios(settings.scenarios),
      adminToken: settings.adminToken,
      faults: settings.faults,
      webhooks: {
        timeout: settings.webhookTimeout,
        journalSize: settings.webhookJournalSize,
        maxPending: settings.webhookMaxPending,
        allowPrivateHttp: settings.webhookAllowPrivateHttp,
      },
      seed: settings.seed,
      startTime: settings.startTime,
      strict: settings.strict,
      maxBodyBytes: settings.maxBodyBytes,
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
    console.error(`token-mock: ${(error as Error).message}`);
    process.exit(2);
  }
  stateFile?.exitIfRefused(settings.seed);
  const listen = async <T>(port: number, open: () => Promise<T>): Promise<T> => {
    try {
      return await open();
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const reason =
        code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : (error as Error).message;
      console.error(`token-mock: cannot listen on ${settings.host}:${port}: ${reason}`);
      process.exit(1);
    }
  };
  const wukongim: RunningServer = await listen(settings.wukongimPort, () =>
    serve(mock, { api: 'wukongim', port: settings.wukongimPort, host: settings.host, maxConnections: settings.maxConnections }),
  );
  const smile: RunningServer = await listen(settings.smilePort, () =>
    serve(mock, { api: 'smile', port: settings.smilePort, host: settings.host, maxConnections: settings.maxConnections }),
  );
  const im: RunningImServer = await listen(settings.wukongimWsPort, () => serveIm(mock, { port: settings.wukongimWsPort, host: settings.host }));
  mock.wukongim.im.route.ws_addr = settings.wukongimWsAddr ?? im.url;
  const clockNote = settings.startTime ? `clock frozen at ${mock.clock.iso()}` : 'real clock';
  const chosen = settings.mode === 'production' ? 'PRODUCTION' : 'SANDBOX';
  const example = mock.smile.credentials.find((c) => c.mode === chosen) ?? mock.smile.credentials[0];
  console.log(`token-mock ${version} (seed ${settings.seed}, profile ${settings.profile}, ${clockNote})`);
  console.log(`  WuKongIM  ${wukongim.url}${settings.managerToken ? '  (header token: required)' : ''}`);
  console.log(`  IM        ${im.url}  (WebSocket; GET /route answers ${mock.wukongim.im.route.ws_addr})`);
  console.log(`  Smile     ${smile.url}/v1  (${mock.smile.userCount} users)`);
  console.log(`  control   ${wukongim.url}/__mock  and  ${smile.url}/__mock${settings.adminToken ? '  (Authorization: Bearer <admin token>)' : ''}`);
  if (settings.wukongimWebhook) console.log(`  WuKongIM webhook  ${settings.wukongimWebhook}`);
  if (stateFile) console.log(`  state     ${stateFile.describe(mock, settings.stateSaveInterval)}`);
  for (const scenario of mock.scenarios.list()) console.log(`  scenario  ${scenario.name} (${scenario.steps} steps)`);
  console.log('  Smile credentials (HTTP Basic):');
  for (const credential of mock.smile.credentials) console.log(`    ${credential.key} / ${credential.secret}  ${credential.mode}`);
  if (example) console.log(`  try: curl -s -X POST ${smile.url}/v1/users -H 'Authorization: ${basicAuthorization(example)}'`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: no more waiting.
      const { pending } = mock.webhooks.stats();
      console.error(`token-mock: ${signal} again, exiting now${pending > 0 ? `; ${pending} webhook deliveries dropped` : ''}`);
      process.exit(pending > 0 ? EXIT_DROPPED : 0);
    }
    stopping = true;
    console.log(`token-mock: ${signal}, shutting down (webhook deliveries get up to ${settings.shutdownGrace} ms; a second signal exits at once)`);
    // Requests in flight get a moment to finish; a stuck keep-alive client cannot hold the exit.
    await Promise.race([Promise.all([wukongim.close(), smile.close(), im.close()]), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    const left = await mock.webhooks.drain(settings.shutdownGrace);
    await mock.flush(); // --state-file: the last changes, now that no request can make more
    const dropped = left.queued + left.onTheWire + left.retrying;
    if (dropped === 0) process.exit(0);
    console.error(
      `token-mock: ${dropped} webhook deliveries dropped: ${left.queued} queued, ${left.onTheWire} on the wire, ${left.retrying} waiting on the mock clock for a retry`,
    );
    process.exit(EXIT_DROPPED);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
