/** createMock: one mock instance, with its clock, seed, journal and APIs, behind a single fetch entry. */
import { createAdmin } from './apis/admin/index.js';
import { createSmile, type SmileOptions, type SmileService } from './apis/smile/index.js';
import { createWukongim, type WukongimOptions, type WukongimService } from './apis/wukongim/index.js';
import type { ApiName } from './core/api.js';
import { type Clock, createClock } from './core/clock.js';
import { createDispatcher } from './core/dispatch.js';
import { createJournal, type Journal } from './core/journal.js';
import { createRandom, type Random } from './core/random.js';
import { toResponse } from './core/reply.js';
import type { RequestLike } from './core/request.js';

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
  /** Returns every API's state, the journal, the random sequence and the clock to the seeded start. */
  reset(): void;
  readonly options: Readonly<Required<Pick<MockOptions, 'seed' | 'strict' | 'maxBodyBytes' | 'journalSize'>>>;
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
  const wukongim = createWukongim(options.wukongim ?? {}, clock);
  const smile = createSmile(options.smile ?? {}, clock, random, settings.maxBodyBytes);
  const reset = () => {
    journal.clear();
    random.reset();
    clock.reset();
    wukongim.api.reset();
    smile.api.reset();
  };
  const admin = createAdmin({ clock, journal, wukongim: wukongim.service, smile: smile.service, reset });
  const dispatcher = createDispatcher([wukongim.api, smile.api, admin], { clock, journal, strict: settings.strict, maxBodyBytes: settings.maxBodyBytes });

  return {
    fetch: async (request, fetchOptions) => toResponse(await dispatcher.dispatch(request, fetchOptions?.api)),
    owns: (pathname) => dispatcher.owns(pathname),
    clock,
    random,
    journal,
    wukongim: wukongim.service,
    smile: smile.service,
    reset,
    options: settings,
  };
}
