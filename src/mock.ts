/** createMock: one mock instance, with its clock, seed, journal and APIs, behind a single fetch entry. */
import { createAdmin } from './apis/admin/index.js';
import { createSmile, type SmileOptions, type SmileService } from './apis/smile/index.js';
import { createWukongim, type WukongimOptions, type WukongimService } from './apis/wukongim/index.js';
import type { ApiName } from './core/api.js';
import { type Clock, createClock } from './core/clock.js';
import { createDispatcher } from './core/dispatch.js';
import { createFaults, type FaultRule, type Faults } from './core/faults.js';
import { createJournal, type Journal } from './core/journal.js';
import { createOutbox } from './core/outbox.js';
import { createRandom, type Random } from './core/random.js';
import { toResponse } from './core/reply.js';
import type { RequestLike } from './core/request.js';
import { createPersistence, createSnapshots, type MockSnapshot, type StorageLike } from './persistence.js';
import { checkScenario, parseScenario, type Scenario } from './scenarios/parse.js';
import { createScenarioRunner, type ScenarioState } from './scenarios/runner.js';
import { createWebhooks, type Webhooks } from './webhooks.js';

/** Everything a mock instance can be told. Every field is optional. */
export interface MockOptions {
  /** Feeds every id and piece of fake data. Default 1. */
  seed?: number;
  /** Starts the clock frozen at this instant, so runs repeat byte for byte. Default: the wall clock, running. */
  startTime?: string | number | Date;
  /** Validate every response against the spec too; a violation becomes a 500 that names it. Default false. */
  strict?: boolean;
  /** Bodies over this many bytes get a 413 in the API's shape. Default 1 MiB. */
  maxBodyBytes?: number;
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
   * Keeps the state (users, tokens, webhooks, device slots, connections, the clock and the random
   * sequence) in a Storage such as `localStorage`, so that a page reload finds it again. It is saved
   * after every answered request that may change it, and restored at creation.
   */
  persist?: { storage: StorageLike; key?: string };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How webhook deliveries go out. */
export interface WebhookOptions {
  /** Real milliseconds a receiver has to answer before the attempt counts as failed. Default 10 000. */
  timeout?: number;
  /** Deliveries on the wire at once. Default 32. */
  concurrency?: number;
  /** Delivery attempts the journal keeps. Default 1000. */
  journalSize?: number;
  /** The fetch deliveries use. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Limits a call to one API (and the control API), as each port of the standalone server does. */
export interface FetchOptions {
  api?: Exclude<ApiName, 'admin'>;
}

/** A running mock: feed it requests, drive its clock, inspect its state. */
export interface Mock {
  /** Answers a request. A real `Request` works; so does anything with method, url, headers.get and text. */
  fetch(request: RequestLike, options?: FetchOptions): Promise<Response>;
  /** Whether the mock serves this path; the express adapter passes other paths on. */
  owns(pathname: string): boolean;
  readonly clock: Clock;
  readonly random: Random;
  readonly journal: Journal;
  readonly wukongim: WukongimService;
  readonly smile: SmileService;
  /** Emit events, read the delivery journal, wait on deliveries. */
  readonly webhooks: Webhooks;
  readonly scenarios: Scenarios;
  /** Latency, error statuses and dropped connections, per operation or path. */
  readonly faults: Faults;
  /** The state as plain JSON (journals and pending deliveries are not part of it). */
  snapshot(): MockSnapshot;
  /** Puts a snapshot's state in place; throws a RangeError for one of another format or seed. */
  restore(snapshot: MockSnapshot): void;
  /**
   * Returns every API's state, the journals, the random sequence and the clock to the seeded start;
   * pending deliveries and loaded scenarios are dropped, and the options' faults and scenarios re-armed.
   */
  reset(): void;
  readonly options: Readonly<Required<Pick<MockOptions, 'seed' | 'strict' | 'maxBodyBytes' | 'journalSize'>>>;
}

/** Scripted steps on the mock's clock. */
export interface Scenarios {
  /**
   * Loads a scenario: YAML or JSON text, or an object. Its steps run as the clock reaches them; those
   * at offset 0 run at once. Rejects with a ScenarioError that names each problem (and its line, for text).
   */
  load(scenario: Scenario | string, options?: { source?: string }): Promise<ScenarioState>;
  list(): ScenarioState[];
}

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
    journalSize: options.journalSize ?? 1000,
  };
  const clock = createClock({ start: options.startTime });
  const random = createRandom(settings.seed);
  const journal = createJournal(settings.journalSize);
  const outbox = createOutbox({ clock, ...options.webhooks });
  const faults = createFaults(settings.seed);
  const wukongim = createWukongim(options.wukongim ?? {}, { clock, outbox, seed: settings.seed });
  const smile = createSmile(options.smile ?? {}, { clock, random, maxBodyBytes: settings.maxBodyBytes, outbox });
  const webhooks = createWebhooks(outbox, { smile: smile.service, wukongim: wukongim.service });
  const runner = createScenarioRunner({ clock, smile: smile.service, wukongim: wukongim.service, webhooks, faults });
  const startScenarios = (options.scenarios ?? []).map((scenario, i) => checkScenario(scenario, `scenarios[${i}]`));
  const scenarios: Scenarios = {
    async load(scenario, loadOptions = {}) {
      const source = loadOptions.source ?? 'scenario';
      return runner.load(typeof scenario === 'string' ? await parseScenario(scenario, source) : checkScenario(scenario, source));
    },
    list: () => runner.list(),
  };
  // What the options put in force at the start, and again after every reset.
  const arm = () => {
    faults.set(options.faults ?? []);
    for (const scenario of startScenarios) runner.load(scenario);
  };
  const reset = () => {
    runner.clear();
    journal.clear();
    outbox.clear();
    random.reset();
    clock.reset();
    wukongim.api.reset();
    smile.api.reset();
    faults.clear();
    arm();
  };
  const admin = createAdmin({
    clock,
    journal,
    wukongim: wukongim.service,
    smile: smile.service,
    webhooks,
    scenarios,
    faults,
    reset,
    token: options.adminToken,
  });
  arm();
  const { snapshot, restore } = createSnapshots({ seed: settings.seed, clock, random, apis: [wukongim.api, smile.api] });
  const persistence = options.persist && createPersistence(options.persist, snapshot, restore);
  const dispatcher = createDispatcher([wukongim.api, smile.api, admin], {
    clock,
    journal,
    strict: settings.strict,
    maxBodyBytes: settings.maxBodyBytes,
    faults,
  });

  return {
    async fetch(request, fetchOptions) {
      const wire = await dispatcher.dispatch(request, fetchOptions?.api);
      if (persistence && !SAFE_METHODS.has(request.method)) persistence.save();
      return toResponse(wire);
    },
    owns: (pathname) => dispatcher.owns(pathname),
    clock,
    random,
    journal,
    wukongim: wukongim.service,
    smile: smile.service,
    webhooks,
    scenarios,
    faults,
    snapshot,
    restore,
    reset() {
      reset();
      persistence?.save();
    },
    options: settings,
  };
}
