/** The control API under `/__mock`: reset, clock, journal, the simulated IM client, webhooks and scenarios. */
import type { Api } from '../../core/api.js';
import type { Clock } from '../../core/clock.js';
import { parseDuration } from '../../core/duration.js';
import type { Faults } from '../../core/faults.js';
import type { Journal, JournalEntry } from '../../core/journal.js';
import { EventRejected } from '../../core/outbox.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/admin.operations.js';
import type { operations as Operations } from '../../generated/admin.types.js';
import type { Scenarios } from '../../mock.js';
import { ScenarioError } from '../../scenarios/parse.js';
import type { Webhooks } from '../../webhooks.js';
import type { SmileService } from '../smile/index.js';
import type { WukongimService } from '../wukongim/index.js';
import { adminErrors, problem } from './problems.js';

/** What the control API drives: the same objects the programmatic API exposes. */
export interface AdminTargets {
  clock: Clock;
  journal: Journal;
  wukongim: WukongimService;
  smile: SmileService;
  webhooks: Webhooks;
  scenarios: Scenarios;
  faults: Faults;
  reset(): void;
  /** When set, every call needs `Authorization: Bearer <token>`. */
  token?: string;
}

const REFUSALS = {
  forged: 'its signature does not verify',
  unknown: 'this mock never issued it',
  expired: 'it expired',
  used: 'it was already used',
  revoked: 'a newer token revoked it',
} as const;

/** Journal entries of one API, and only the newest `limit`. */
function narrow(entries: JournalEntry[], filter: { api?: string; limit?: number }): JournalEntry[] {
  const ofApi = filter.api ? entries.filter((entry) => entry.api === filter.api) : entries;
  return filter.limit ? ofApi.slice(-filter.limit) : ofApi;
}

/**
 * Creates the control API.
 * @example const admin = createAdmin({ clock, journal, wukongim, reset });
 */
export function createAdmin(targets: AdminTargets): Api {
  const { clock, journal, wukongim } = targets;
  const clockState = () => ({ now: clock.iso(), frozen: clock.frozen });

  const handlers = typedHandlers<Operations>({
    reset() {
      targets.reset();
      return { status: 200, body: { reset: true, now: clock.iso() } };
    },
    getClock: () => ({ status: 200, body: clockState() }),
    changeClock({ body }) {
      if (body.advance !== undefined) clock.advance(parseDuration(body.advance));
      else if (body.set !== undefined) clock.set(body.set);
      else if (body.freeze !== undefined) clock.freeze(body.freeze);
      return { status: 200, body: clockState() };
    },
    getJournal: ({ params }) => ({ status: 200, body: { entries: narrow(journal.entries(), params), total: journal.total, capacity: journal.capacity } }),
    getState: () => ({
      status: 200,
      body: {
        now: clock.iso(),
        smile: { users: targets.smile.userCount, tokens: targets.smile.tokenCount, webhooks: targets.smile.webhookCount },
        wukongim: wukongim.counts(),
        journal: { total: journal.total, capacity: journal.capacity },
        webhooks: targets.webhooks.stats(),
      },
    }),
    listViolations: ({ params }) => ({ status: 200, body: { entries: narrow(journal.violations(), params) } }),
    connectDevice: ({ body }) => ({ status: 200, body: wukongim.connect(body) }),
    listConnections: ({ params }) => ({ status: 200, body: wukongim.connections({ uid: params.uid, state: params.state }) }),
    closeConnection({ params }) {
      const connection = wukongim.close(params.connectionId);
      if (!connection) return problem(404, 'not-found', 'No such connection', `connection ${params.connectionId} does not exist`);
      return { status: 200, body: connection };
    },
    listDevices: ({ params }) => ({ status: 200, body: wukongim.devices({ uid: params.uid }) }),
    async consumeSmileToken({ body }) {
      const outcome = await targets.smile.consume(body.accessToken);
      if (outcome.ok) return { status: 200, body: { userId: outcome.userId, mode: outcome.mode } };
      return { status: 401, body: targets.smile.invalidToken(`The token you provided is invalid or has expired (${REFUSALS[outcome.reason]})`) };
    },
    setUserState({ params, body }) {
      wukongim.setUserStatus(params.uid, body.status);
      return { status: 200, body };
    },
    emitWebhook({ body }) {
      try {
        return { status: 202, body: targets.webhooks.emit(body) };
      } catch (error) {
        if (!(error instanceof EventRejected)) throw error;
        return problem(400, 'invalid-event', 'Invalid event', error.message);
      }
    },
    listDeliveries({ params }) {
      const { limit, ...filter } = params;
      const items = targets.webhooks.deliveries(filter);
      return { status: 200, body: { stats: targets.webhooks.stats(), capacity: targets.webhooks.capacity, items: limit ? items.slice(-limit) : items } };
    },
    listWebhookEvents: () => ({ status: 200, body: targets.webhooks.events() }),
    listFaults: () => ({ status: 200, body: targets.faults.list() }),
    addFault({ body }) {
      try {
        return { status: 201, body: targets.faults.add(body) };
      } catch (error) {
        return problem(400, 'invalid-fault', 'Invalid fault rule', (error as Error).message);
      }
    },
    clearFaults() {
      targets.faults.clear();
      return { status: 204, body: undefined };
    },
    removeFault({ params }) {
      if (targets.faults.remove(params.id)) return { status: 204, body: undefined };
      return problem(404, 'not-found', 'No such fault rule', `fault ${params.id} does not exist`);
    },
    listScenarios: () => ({ status: 200, body: targets.scenarios.list() }),
    async loadScenario({ body }) {
      try {
        return { status: 201, body: await targets.scenarios.load(body, { source: 'request body' }) };
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        const reply = problem(400, 'invalid-scenario', 'Invalid scenario', error.message);
        const errors = error.problems.map((p) => ({
          path: `/body${p.path}`,
          message: p.line === undefined ? p.message : `line ${p.line}, column ${p.column}: ${p.message}`,
        }));
        return { ...reply, body: { ...reply.body, errors } };
      }
    },
  });

  const expected = targets.token === undefined ? undefined : `Bearer ${targets.token}`;
  return {
    name: 'admin',
    basePath: '/__mock',
    operations,
    handlers,
    errors: adminErrors,
    guard(request) {
      if (expected === undefined || request.headers.get('authorization') === expected) return undefined;
      const refusal = problem(401, 'unauthorized', 'Unauthorized', 'the control API needs Authorization: Bearer <admin token>');
      return { ...refusal, headers: { 'www-authenticate': 'Bearer realm="token-mock control API"' } };
    },
    reset() {},
  };
}
