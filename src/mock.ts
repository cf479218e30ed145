/** createMock: the composition root. It builds a mock instance's parts and wires them; it holds no logic of its own. */
import type { DashboardFiles } from './apis/admin/dashboard.js';
import { ADMIN_MAX_BODY_BYTES, type AdminTargets, createAdmin } from './apis/admin/index.js';
import { createSmile, type SmileOptions } from './apis/smile/index.js';
import { imJournalEntry } from './apis/wukongim/im/journal-entry.js';
import type { ImEvent } from './apis/wukongim/im/server.js';
import { createWukongim, type WukongimOptions } from './apis/wukongim/index.js';
import type { Api, ApiName } from './core/api.js';
import type { NoticeListener } from './core/bounds.js';
import { type ChangeFeed, createChangeFeed } from './core/changes.js';
import { createClock } from './core/clock.js';
import { createDeliveryLog } from './core/delivery-log.js';
import { createDispatcher, type Dispatcher, type ErrorListener } from './core/dispatch.js';
import type { EventStreamOptions } from './core/event-stream.js';
import { knownOperations } from './core/fault-rule.js';
import { createFaults, type FaultRule, type Faults } from './core/faults.js';
import { createJournal } from './core/journal.js';
import { createOutbox } from './core/outbox.js';
import type { Part } from './core/part.js';
import { createRandom, type Random } from './core/random.js';
import { toResponse, type WireReply } from './core/reply.js';
import type { RequestLike } from './core/request.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { type HarSeedReport, type Recording, type SeedTarget, seedFromHar } from './har/seed.js';
import type { PactFile, PactRequestOptions } from './pact/index.js';
import { createPersistence, type PersistOptions } from './persistence.js';
import { createScenarios } from './scenarios/index.js';
import { checkScenario, type Scenario } from './scenarios/parse.js';
import { createScenarioRunner } from './scenarios/runner.js';
import type { MockServices } from './services.js';
import { checkClockState, checkRandomState, createSnapshots, type MockSnapshot } from './snapshot.js';
import { createWebhooks } from './webhooks.js';

/** Everything a mock instance can be told. Every field is optional. */
export interface MockOptions {
  /** Feeds every id and piece of fake data. Default 1. */
  seed?: number;
  /** Starts the clock frozen at this instant, so runs repeat byte for byte. Default: the wall clock, running. */
  startTime?: string | number | Date;
  /** Validate every response against the spec too; a violation becomes a 500 that names it. Default false. */
  strict?: boolean;
  /** Bodies over this many bytes get a 413 in the API's shape. Default 1 MiB. The control API has its own cap. */
  maxBodyBytes?: number;
  /** Bodies to the control API (`/__mock`) over this many bytes get a 413 problem. Default 1 MiB, whatever `maxBodyBytes` is. */
  adminMaxBodyBytes?: number;
  /** How many requests the journal keeps. Default 1000. */
  journalSize?: number;
  wukongim?: WukongimOptions;
  smile?: SmileOptions;
  webhooks?: WebhookOptions;
  /** Fault rules in force from the start, and again after every reset. */
  faults?: FaultRule[];
  /** When set, the control API (`/__mock`) requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Scenarios loaded at the start, and again after every reset. Check text first with `parseScenario`. */
  scenarios?: Scenario[];
  /**
   * HAR 1.2 recordings (the mock's own, or any with the providers' traffic) whose answers seed the
   * state at the start, and again after every reset: Smile users and webhook subscriptions, WuKongIM
   * device slots, beside the faker-seeded users (`smile.users: 0` for none). A HAR document, or one
   * with a label for messages. One that is not HAR 1.2, or whose answers contradict the spec, makes
   * `createMock` throw a MockError of kind `invalid-har`.
   */
  fromHar?: readonly (object | Recording)[];
  /**
   * Keeps the state (users, tokens, webhooks, device slots, connections, the clock and the random
   * sequence) in a Storage such as `localStorage` (or any `store`), so that a page reload finds it
   * again. It is restored at creation, and saved at most once per `interval` (1000 ms) after requests
   * that may change it, on `flush()` and on pagehide. A saved snapshot that cannot be restored is kept
   * aside (`<key>:rejected`) and reported through `onError`, as is a save that fails.
   */
  persist?: PersistOptions;
  /**
   * Told of every failure inside the mock that is not a domain error (a bug, in a handler or in the
   * mock itself): the request still gets a 500 in its API's shape, and its journal entry says what
   * failed. Told too of every saved snapshot `persist` could not restore and every save that failed
   * (the context then has `persistence`). Default: nothing more; the CLI prints them.
   */
  onError?: ErrorListener;
  /**
   * Told of what the mock does on its own that its owner should know, with a kind and a message: for
   * now, that a kind of state (Smile users or link tokens, WuKongIM device slots, online or ended
   * connections) reached its bound and the oldest are going. Once per kind, and again after a reset.
   * Default: nothing; the CLI prints them.
   */
  onNotice?: NoticeListener;
  /** How each client of `GET /__mock/stream` is buffered: at most `maxQueued` events (256) before its backlog is dropped for a `resync`. */
  stream?: EventStreamOptions;
  /** Where `GET /__mock/ui` reads the dashboard's files. Default: the ones `npm run build` puts in `dist/ui`. */
  dashboard?: DashboardFiles;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How webhook deliveries go out. */
export interface WebhookOptions {
  /** Real milliseconds a receiver has to answer before the attempt counts as failed. Default 10 000. */
  timeout?: number;
  /** Deliveries on the wire at once. Default 32. */
  concurrency?: number;
  /** Deliveries on the wire at once to one receiver (origin), so a slow receiver cannot starve the others. Default a quarter of `concurrency`. */
  perReceiver?: number;
  /** Deliveries outstanding at most (queued, on the wire, waiting for a retry); beyond it new ones are journaled as failed. Default 10 000. */
  maxPending?: number;
  /** Delivery attempts the journal keeps. Default 1000. */
  journalSize?: number;
  /** The fetch deliveries use. Default: the global fetch. */
  fetch?: typeof fetch;
  /**
   * Also deliver over plain http to private addresses and named hosts (`http://app:3000/hooks` in
   * docker-compose). Default false: plain http only to loopback. Link-local and cloud-metadata
   * addresses are refused either way.
   */
  allowPrivateHttp?: boolean;
}

/** Limits a call to one API (and the control API), as each port of the standalone server does. */
export interface FetchOptions {
  api?: Exclude<ApiName, 'admin'>;
}

/** How an adapter asks: like `fetch`, and optionally to hear nothing back for a path the mock does not serve. */
export interface HandleOptions extends FetchOptions {
  /** Resolve with undefined for a path no API serves, instead of the API's 404, so the adapter can hand it on. */
  passUnowned?: boolean;
}

/** A running mock: feed it requests, drive its clock, inspect its state. */
export interface Mock extends MockServices {
  /** Answers a request. A real `Request` works; so does anything with method, url, headers.get and text. */
  fetch(request: RequestLike, options?: FetchOptions): Promise<Response>;
  /**
   * Answers a request as a wire reply (status, headers, body text), for adapters that write bytes
   * themselves. With `passUnowned`, a path the mock does not serve resolves with undefined.
   */
  handle(request: RequestLike, options?: FetchOptions): Promise<WireReply>;
  handle(request: RequestLike, options: HandleOptions): Promise<WireReply | undefined>;
  readonly random: Random;
  /** Latency, error statuses and dropped connections, per operation or path. */
  readonly faults: Faults;
  /** What changed, as it changes: the feed behind `GET /__mock/stream`. Code that changes the state outside the mock's services publishes here too. */
  readonly changes: ChangeFeed;
  /** The state as plain JSON (journals and pending deliveries are not part of it). */
  snapshot(): MockSnapshot;
  /** Puts a snapshot's state in place; when any part of it is wrong, throws a MockError of kind `invalid-snapshot` naming each, and changes nothing. */
  restore(snapshot: MockSnapshot): void;
  /**
   * Adds the state a HAR 1.2 recording shows (as `fromHar` does at the start), and says what it added
   * and what it could not reproduce; throws a MockError of kind `invalid-har` and changes nothing when
   * the document is not HAR 1.2 or its answers contradict the spec.
   */
  seedFromHar(document: unknown, label?: string): HarSeedReport;
  /** What `fromHar` seeded at the start or the last reset; undefined without it. */
  readonly seeded: HarSeedReport | undefined;
  /**
   * A Pact V4 file of the exchanges the app made with one API since the start or the last
   * `POST /__mock/pact/reset`, as `GET /__mock/pact` answers it. An unknown provider or an empty
   * consumer throws a MockError of kind `invalid-pact`.
   */
  pact(options: PactRequestOptions): Promise<PactFile>;
  /** Saves the persisted state now (with `persist`; otherwise there is nothing to do). Failures go to `onError`. */
  flush(): Promise<void>;
  /** Which API answers a path: the control API under `/__mock`, else the one `options.api` names, else Smile under `/v1` and WuKongIM at the root. */
  owner(path: string, options?: FetchOptions): ApiName;
  /** The specs, for exchanges the mock did not answer itself (`token-mock proxy`, recordings): which operation each is, how it breaks them, and each API's errors. */
  readonly contract: Pick<Dispatcher, 'inspect' | 'errors'>;
  readonly options: Readonly<
    Required<Pick<MockOptions, 'seed' | 'strict' | 'maxBodyBytes' | 'adminMaxBodyBytes' | 'journalSize'>> & Pick<MockOptions, 'adminToken'>
  >;
}

// One detail object each, so the stream merges repeats.
const IM_JOURNAL_DETAIL = Object.freeze({ api: 'wukongim' });
const IM_DETAIL = Object.freeze({ im: true });

/**
 * Creates a mock instance.
 * @example
 * const mock = createMock({ seed: 7, startTime: '2026-01-01T00:00:00Z' });
 * const response = await mock.fetch(new Request('http://localhost:5001/health'));
 */
export function createMock(options: MockOptions = {}): Mock {
  const settings = {
    seed: options.seed ?? 1,
    strict: options.strict ?? false,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    adminMaxBodyBytes: options.adminMaxBodyBytes ?? ADMIN_MAX_BODY_BYTES,
    journalSize: options.journalSize ?? 1000,
    adminToken: options.adminToken,
  };
  const changes = createChangeFeed();
  const clock = createClock({ start: options.startTime, onChange: () => changes.publish('clock') });
  const random = createRandom(settings.seed);
  const journal = createJournal(settings.journalSize);
  const deliveryLog = createDeliveryLog(options.webhooks?.journalSize, changes);
  const outbox = createOutbox({ clock, log: deliveryLog, ...options.webhooks });
  const allowPrivateHttp = options.webhooks?.allowPrivateHttp ?? false;
  const { onNotice } = options;
  const onImEvent = (event: ImEvent) => {
    journal.record(imJournalEntry(event));
    // Sockets change the connections and the journal outside any request: the dashboard hears of them here.
    if (changes.subscribers > 0) {
      changes.publish('journal', IM_JOURNAL_DETAIL);
      changes.publish('wukongim', IM_DETAIL);
    }
  };
  const wukongim = createWukongim(options.wukongim ?? {}, { clock, outbox, seed: settings.seed, allowPrivateHttp, onNotice, onImEvent });
  const smile = createSmile(options.smile ?? {}, { clock, random, outbox, allowPrivateHttp, onNotice });
  const faults = createFaults(settings.seed, { wukongim: knownOperations(wukongim.api), smile: knownOperations(smile.api) });
  const webhooks = createWebhooks(outbox, deliveryLog, { smile: smile.service, wukongim: wukongim.service });
  const runner = createScenarioRunner({ clock, smile: smile.service, wukongim: wukongim.service, webhooks, faults, changes });
  const startScenarios = (options.scenarios ?? []).map((scenario, i) => checkScenario(scenario, `scenarios[${i}]`));
  const recordings = (options.fromHar ?? []).map((item, i): Recording => (isRecording(item) ? item : { label: `fromHar[${i}]`, document: item }));
  let seeded: HarSeedReport | undefined;
  /** Where the next pact starts: requests the journal had recorded at the last mark. */
  let pactSince = 0;
  // Pacts load on demand: a browser bundle that never writes one carries none of it.
  const pactOf = async (pactOptions: PactRequestOptions) => {
    const { journalPact } = await import('./pact/index.js');
    return journalPact(journal.entries(), pactSince, pactOptions, { inspect: dispatcher.inspect, profile: wukongim.service.profile, version: PACKAGE_VERSION });
  };
  /** The secrets seeded for subscriptions recorded with theirs redacted, by webhook id: the control API shows them. */
  const seededSecrets = new Map<string, string>();
  const seedRecordings = (list: readonly Recording[]) => {
    const report = seedFromHar(seedTarget, list);
    for (const { webhookId, secret } of report.secrets) seededSecrets.set(webhookId, secret);
    return report;
  };

  const reset = () => {
    for (const part of parts) part.reset();
    for (const part of parts) part.arm?.();
    changes.publish('reset');
  };
  const services: MockServices = {
    clock,
    journal,
    wukongim: wukongim.service,
    smile: smile.service,
    webhooks,
    scenarios: createScenarios(runner),
    faults,
    reset,
  };
  const admin = createAdmin({
    ...services,
    token: options.adminToken,
    maxBodyBytes: settings.adminMaxBodyBytes,
    changes,
    stream: options.stream,
    dashboard: options.dashboard,
    seedFromHar: (document) => seedRecording(document),
    seededSecret: (webhookId) => seededSecrets.get(webhookId),
    // har-format's interfaces carry no index signature, which the spec's open objects have.
    pact: (pactOptions) => pactOf(pactOptions) as unknown as ReturnType<AdminTargets['pact']>,
    markPact() {
      pactSince = journal.total;
      return pactSince;
    },
    async setProviderState(change) {
      const { setUpState } = await import('./pact/states.js');
      return setUpState({ smile: smile.service, wukongim: wukongim.service, managerToken: options.wukongim?.managerToken }, change);
    },
  });

  // The one list of parts, in the order they reset and arm: state first, then what the options put in force.
  const parts: Part[] = [
    {
      name: 'journal',
      reset: () => {
        journal.clear();
        pactSince = 0;
      },
    },
    { name: 'webhooks', reset: () => outbox.clear() },
    {
      name: 'random',
      reset: () => random.reset(),
      snapshot: () => random.state(),
      check: checkRandomState,
      restore: (state) => random.restore(state as number[]),
    },
    {
      name: 'clock',
      reset: () => clock.reset(),
      snapshot: () => clock.snapshot(),
      check: checkClockState,
      restore: (state) => clock.restore(state as ReturnType<typeof clock.snapshot>),
    },
    wukongim.api,
    smile.api,
    {
      name: 'recordings',
      reset: () => seededSecrets.clear(),
      arm: () => {
        if (recordings.length > 0) seeded = seedRecordings(recordings);
      },
    },
    admin,
    { name: 'faults', reset: () => faults.clear(), arm: () => faults.set(options.faults ?? []) },
    {
      name: 'scenarios',
      reset: () => runner.clear(),
      arm: () => {
        for (const [i, scenario] of startScenarios.entries()) runner.load(scenario, `scenarios[${i}]`);
      },
    },
  ];
  const { snapshot, restore } = createSnapshots(settings.seed, parts);
  const dispatcher = createDispatcher(parts.filter(isApi), {
    clock,
    journal,
    strict: settings.strict,
    maxBodyBytes: settings.maxBodyBytes,
    faults,
    onError: options.onError,
    changes,
  });
  const seedTarget: SeedTarget = {
    seed: settings.seed,
    tokenTtl: wukongim.service.tokenTtl,
    maxUsers: smile.service.counts().users.bound,
    inspect: dispatcher.inspect,
    snapshot,
    restore,
  };
  // Armed once everything the parts use exists (recordings are read through the dispatcher's specs), and before a persisted state is restored over it.
  for (const part of parts) part.arm?.();
  const persistence = options.persist && createPersistence(options.persist, { snapshot, restore }, options.onError);
  const stateChanged = () => {
    changes.publish('reset');
    persistence?.changed();
  };

  function seedRecording(document: unknown, label = 'the recording'): HarSeedReport {
    const report = seedRecordings([{ label, document }]);
    stateChanged();
    return report;
  }

  async function handle(request: RequestLike, handleOptions?: HandleOptions): Promise<WireReply | undefined> {
    const wire = await dispatcher.dispatch(request, handleOptions);
    if (wire && persistence && !SAFE_METHODS.has(request.method)) persistence.changed();
    return wire;
  }

  return {
    ...services,
    handle: handle as Mock['handle'],
    fetch: async (request, fetchOptions) => toResponse((await handle(request, fetchOptions)) as WireReply),
    random,
    changes,
    snapshot,
    restore(saved) {
      restore(saved);
      stateChanged();
    },
    seedFromHar: seedRecording,
    get seeded() {
      return seeded;
    },
    pact: pactOf,
    reset() {
      reset();
      persistence?.changed();
    },
    flush: async () => persistence?.flush(),
    owner: (path, fetchOptions) => dispatcher.owner(path, fetchOptions?.api),
    contract: { inspect: dispatcher.inspect, errors: dispatcher.errors },
    options: settings,
  };
}

function isRecording(item: object): item is Recording {
  return 'document' in item && 'label' in item && !('log' in item);
}

function isApi(part: Part): part is Api {
  return 'operations' in part && 'handlers' in part;
}
