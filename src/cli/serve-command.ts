/** `token-mock serve`, the default command (and `npm start`): its flags, their checks, and the call of `runServe`. */
import { type Command, Option } from 'commander';
import { DEFAULT_FIELD_LENGTHS } from '../apis/wukongim/field-lengths.js';
import { WUKONGIM_PROFILES, type WukongimProfile } from '../apis/wukongim/index.js';
import { DEFAULT_BOUNDS, DEFAULT_LIMITS } from '../core/bounds.js';
import type { FaultRule } from '../core/faults.js';
import { clockSpan, collect, credentials, durations, instant, integer, realTime, tenantId, url, usage, wsUrl } from './arguments.js';
import { listEnvironment } from './environment.js';
import type { LogFormat } from './request-log.js';
import { checkServerFlags, serverOptions } from './server-options.js';

/**
 * Adds `serve` to `program`. `faults` answers the config file's fault rules, read before the command runs.
 * @example const serve = serveCommand(program, '0.1.0', () => []);
 */
export function serveCommand(program: Command, version: string, faults: () => FaultRule[]): Command {
  const command = serverOptions(
    program
      .command('serve', { isDefault: true })
      .description('serve the mock until SIGINT or SIGTERM; every flag is also an environment variable, TOKEN_MOCK_<FLAG_NAME>')
      .addOption(new Option('--seed <n>', 'seed of every id and piece of fake data').argParser(integer('--seed', 0, 2 ** 32 - 1)).default(1)),
  )
    .addOption(
      new Option('--wukongim-ws-port <port>', 'WuKongIM IM WebSocket port (0: a free port)').argParser(integer('--wukongim-ws-port', 0, 65535)).default(5200),
    )
    .addOption(new Option('--wukongim-ws-addr <url>', 'the ws_addr GET /route answers, for a proxy in front (default: the IM port)').argParser(wsUrl))
    .addOption(new Option('--profile <name>', 'WuKongIM fidelity profile').choices(WUKONGIM_PROFILES).default('docs'))
    .option('--manager-token <token>', 'require the header `token: <token>` on every WuKongIM request')
    .addOption(
      new Option('--wukongim-token-ttl <duration>', 'WuKongIM token lifetime, e.g. 90s, 15m, 5h (default: none)').argParser(clockSpan('--wukongim-token-ttl')),
    )
    .addOption(new Option('--start-time <iso>', 'start the clock frozen at this instant, for byte-identical runs').argParser(instant))
    .addOption(new Option('--users <n>', 'faker-seeded Smile users').argParser(integer('--users', 0, 1_000_000)).default(25))
    .option('--tenant-id <id>', 'tenant id of Smile user ids', tenantId, 'tenant')
    .addOption(
      new Option('--smile-token-ttl <duration>', 'Smile link-token lifetime, e.g. 90s, 15m, 5h')
        .argParser(clockSpan('--smile-token-ttl'))
        .default(5 * 3_600_000, '5h'),
    )
    .addOption(new Option('--mode <mode>', 'which Smile credentials the start-up example uses').choices(['sandbox', 'production']).default('sandbox'))
    .addOption(new Option('--rate-limit <n>', 'Smile requests per second per client address (default: off)').argParser(integer('--rate-limit', 1, 1_000_000)))
    .option('--smile-revoke-on-refresh', "a new Smile token revokes the user's older unused ones", false)
    .option('--strict-webhook-urls', 'accept only https webhook URLs, as the real Smile API does', false)
    .option('--strict', 'validate every response against the spec too', false)
    .addOption(new Option('--wukongim-webhook <url>', 'POST user.onlinestatus to <url>?event=user.onlinestatus').argParser(url))
    .addOption(
      new Option('--wukongim-webhook-retry-delays <list>', 'mock-clock delays between the 5 attempts of a WuKongIM webhook')
        .argParser(durations)
        .default([1000, 1000, 1000, 1000], '1s,1s,1s,1s'),
    )
    .addOption(
      new Option('--smile-webhook-retry-delays <list>', 'mock-clock delays before the 2nd and 3rd Smile delivery attempts')
        .argParser(durations)
        .default([30_000, 60_000], '30s,60s'),
    )
    .addOption(
      new Option('--webhook-timeout <duration>', 'real time a webhook receiver has to answer')
        .argParser(realTime('--webhook-timeout', 1))
        .default(10_000, '10s'),
    )
    .addOption(
      new Option('--webhook-journal-size <n>', 'delivery attempts kept in the journal')
        .argParser(integer('--webhook-journal-size', 0, 1_000_000))
        .default(1000),
    )
    .addOption(
      new Option('--webhook-max-pending <n>', 'deliveries outstanding at most; beyond it new ones are journaled as failed')
        .argParser(integer('--webhook-max-pending', 1, 10_000_000))
        .default(10_000),
    )
    .option('--webhook-allow-private-http', 'also deliver over plain http to private addresses and named hosts (docker-compose services)', false)
    .addOption(
      new Option('--shutdown-grace <duration>', 'real time pending webhook deliveries get on SIGINT or SIGTERM')
        .argParser(realTime('--shutdown-grace'))
        .default(5_000, '5s'),
    )
    .addOption(
      new Option('--max-users <n>', `most Smile users held; past it the oldest go (default: ${DEFAULT_BOUNDS['smile-users']}, or --users if more)`).argParser(
        integer('--max-users', 1, 10_000_000),
      ),
    )
    .addOption(
      new Option('--max-tokens <n>', 'most Smile link tokens held; past it the oldest go')
        .argParser(integer('--max-tokens', 1, 100_000_000))
        .default(DEFAULT_BOUNDS['smile-tokens']),
    )
    .addOption(
      new Option('--smile-token-retention <duration>', 'how long a used, revoked or expired link token is kept on the mock clock')
        .argParser(clockSpan('--smile-token-retention', 0))
        .default(3_600_000, '1h'),
    )
    .addOption(
      new Option('--max-device-slots <n>', 'most WuKongIM device slots held; past it the least recently updated goes')
        .argParser(integer('--max-device-slots', 1, 100_000_000))
        .default(DEFAULT_BOUNDS['wukongim-device-slots']),
    )
    .addOption(
      new Option('--max-im-connections <n>', 'most simulated IM connections online; past it the oldest is kicked')
        .argParser(integer('--max-im-connections', 1, 100_000_000))
        .default(DEFAULT_BOUNDS['wukongim-online-connections']),
    )
    .addOption(
      new Option('--max-ended-im-connections <n>', 'most ended IM connections kept for inspection')
        .argParser(integer('--max-ended-im-connections', 1, 100_000_000))
        .default(DEFAULT_BOUNDS['wukongim-ended-connections']),
    )
    .addOption(
      new Option('--max-im-sockets <n>', 'IM WebSocket connections open at once at most; more are closed at once')
        .argParser(integer('--max-im-sockets', 1, 1_000_000))
        .default(10_000),
    )
    .addOption(
      new Option('--max-im-messages <n>', 'relayed IM messages kept for GET /__mock/wukongim/messages')
        .argParser(integer('--max-im-messages', 0, 1_000_000))
        .default(1000),
    )
    .addOption(
      new Option('--max-user-states <n>', 'most WuKongIM users banned or disbanded at once; past it a further ban is refused')
        .argParser(integer('--max-user-states', 1, 100_000_000))
        .default(DEFAULT_LIMITS['wukongim-user-states']),
    )
    .addOption(
      new Option('--max-uid-length <n>', 'longest WuKongIM uid (and IM device id) taken, in characters; a longer one gets a 400')
        .argParser(integer('--max-uid-length', 1, 1_000_000))
        .default(DEFAULT_FIELD_LENGTHS.uid),
    )
    .addOption(
      new Option('--max-token-length <n>', 'longest WuKongIM token taken, in characters; a longer one gets a 400')
        .argParser(integer('--max-token-length', 1, 1_000_000))
        .default(DEFAULT_FIELD_LENGTHS.token),
    )
    .addOption(
      new Option('--max-webhooks <n>', 'most Smile webhook subscriptions held; past it a new one gets a 400')
        .argParser(integer('--max-webhooks', 1, 1_000_000))
        .default(DEFAULT_LIMITS['smile-webhooks']),
    )
    .option('--system-uid <uid>', "the WuKongIM server's system account, which may not set a token (default: none)")
    .option(
      '--smile-credential <key:secret:MODE>',
      'a Smile API key pair the mock accepts, instead of test_key:test_secret:SANDBOX and live_key:live_secret:PRODUCTION (repeatable, or comma-separated)',
      credentials,
    )
    .addOption(
      new Option('--webhook-concurrency <n>', 'webhook deliveries on the wire at once').argParser(integer('--webhook-concurrency', 1, 10_000)).default(32),
    )
    .addOption(
      new Option(
        '--webhook-per-receiver <n>',
        'webhook deliveries on the wire at once to one receiver (default: a quarter of --webhook-concurrency)',
      ).argParser(integer('--webhook-per-receiver', 1, 10_000)),
    )
    .addOption(
      new Option('--stream-max-queued <n>', 'events queued for a slow /__mock/stream client before its backlog is dropped for a resync')
        .argParser(integer('--stream-max-queued', 1, 1_000_000))
        .default(256),
    )
    .addOption(
      new Option('--stream-batch <duration>', 'real time between two batches of /__mock/stream events at least')
        .argParser(realTime('--stream-batch'))
        .default(50, '50ms'),
    )
    .addOption(
      new Option('--stream-keep-alive <duration>', 'real time of silence before /__mock/stream sends a comment to keep the connection open')
        .argParser(realTime('--stream-keep-alive', 1000))
        .default(15_000, '15s'),
    )
    .option('--scenario <file>', 'load a YAML or JSON scenario at start (repeatable)', collect)
    .option(
      '--from-har <file>',
      'seed users, webhook subscriptions and device slots from a HAR 1.2 recording, at start and after every reset (repeatable; at most 64 MiB each)',
      collect,
    )
    .option('--state-file <file>', 'keep the state in <file>: restored at start, saved after changes and on shutdown')
    .addOption(
      new Option(
        '--state-save-interval <duration>',
        'with --state-file: the longest a change waits to be saved; a kill -9 loses at most this (default: 1s)',
      ).argParser(realTime('--state-save-interval')),
    )
    .option('--config <file>', 'a YAML or JSON file of these settings (keys are the flag names) and `faults`; flags given here win')
    .action(async (options) => {
      checkServerFlags(options, { reads: options.fromHar });
      if (options.stateSaveInterval !== undefined && options.stateFile === undefined) usage('--state-save-interval needs --state-file.');
      if (options.maxUsers !== undefined && options.maxUsers < options.users) {
        usage(`--max-users ${options.maxUsers} is below --users ${options.users}: the seeded users would not fit. Raise --max-users, or leave it out.`);
      }
      // Each command loads what it runs only when it runs: --help and a refused flag load neither.
      const { runServe } = await import('./serve.js');
      await runServe(
        {
          seed: options.seed,
          host: options.host,
          wukongimPort: options.wukongimPort,
          port: options.port,
          corsOrigins: options.corsOrigin,
          allowedHosts: options.allowedHosts,
          logFormat: options.logFormat as LogFormat,
          quiet: options.quiet,
          wukongimWsPort: options.wukongimWsPort,
          wukongimWsAddr: options.wukongimWsAddr,
          profile: options.profile as WukongimProfile,
          managerToken: options.managerToken,
          wukongimTokenTtl: options.wukongimTokenTtl,
          smilePort: options.smilePort,
          users: options.users,
          tenantId: options.tenantId,
          smileTokenTtl: options.smileTokenTtl,
          mode: options.mode,
          rateLimit: options.rateLimit,
          revokeOnRefresh: options.smileRevokeOnRefresh,
          strictWebhookUrls: options.strictWebhookUrls,
          startTime: options.startTime,
          strict: options.strict,
          maxBodyBytes: options.maxBody,
          adminMaxBodyBytes: options.adminMaxBody,
          journalSize: options.journalSize,
          wukongimWebhook: options.wukongimWebhook,
          wukongimWebhookRetryDelays: options.wukongimWebhookRetryDelays,
          smileWebhookRetryDelays: options.smileWebhookRetryDelays,
          webhookTimeout: options.webhookTimeout,
          webhookJournalSize: options.webhookJournalSize,
          webhookMaxPending: options.webhookMaxPending,
          webhookAllowPrivateHttp: options.webhookAllowPrivateHttp,
          shutdownGrace: options.shutdownGrace,
          maxUsers: options.maxUsers,
          maxTokens: options.maxTokens,
          smileTokenRetention: options.smileTokenRetention,
          maxDeviceSlots: options.maxDeviceSlots,
          maxImConnections: options.maxImConnections,
          maxEndedImConnections: options.maxEndedImConnections,
          maxImSockets: options.maxImSockets,
          maxUserStates: options.maxUserStates,
          maxUidLength: options.maxUidLength,
          maxTokenLength: options.maxTokenLength,
          maxWebhooks: options.maxWebhooks,
          maxImMessages: options.maxImMessages,
          systemUid: options.systemUid,
          smileCredentials: options.smileCredential,
          webhookConcurrency: options.webhookConcurrency,
          webhookPerReceiver: options.webhookPerReceiver,
          streamMaxQueued: options.streamMaxQueued,
          streamBatch: options.streamBatch,
          streamKeepAlive: options.streamKeepAlive,
          scenarios: options.scenario ?? [],
          fromHar: options.fromHar ?? [],
          adminToken: options.adminToken,
          maxConnections: options.maxConnections,
          headersTimeout: options.headersTimeout,
          requestTimeout: options.requestTimeout,
          faults: faults(),
          stateFile: options.stateFile,
          stateSaveInterval: options.stateSaveInterval,
          record: options.record,
          recordMaxEntries: options.recordMaxEntries,
          recordSecrets: options.recordSecrets,
        },
        version,
      );
    });

  listEnvironment(command);
  return command;
}
