/** The control API under `/__mock`: reset, clock, journal, the simulated IM client, webhooks and scenarios. */
import type { Api } from '../../core/api.js';
import { parseDuration } from '../../core/duration.js';
import { MockError } from '../../core/errors.js';
import type { JournalEntry } from '../../core/journal.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/admin.operations.js';
import type { operations as Operations } from '../../generated/admin.types.js';
import type { MockServices } from '../../services.js';
import { adminErrors, problem } from './problems.js';

/** What the control API drives: the same services the programmatic API exposes. */
export interface AdminTargets extends MockServices {
  /** When set, every call needs `Authorization: Bearer <token>`. */
  token?: string;
}

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
        smile: targets.smile.counts(),
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
      if (!connection) throw new MockError('not-found', `connection ${params.connectionId} does not exist`);
      return { status: 200, body: connection };
    },
    listDevices: ({ params }) => ({ status: 200, body: wukongim.devices({ uid: params.uid }) }),
    // A refused token raises Smile's own INVALID_TOKEN, which Smile's catalogue renders.
    consumeSmileToken: async ({ body }) => ({ status: 200, body: await targets.smile.consume(body.accessToken) }),
    setUserState({ params, body }) {
      wukongim.setUserStatus(params.uid, body.status);
      return { status: 200, body };
    },
    emitWebhook: ({ body }) => ({ status: 202, body: targets.webhooks.emit(body) }),
    listDeliveries({ params }) {
      const { limit, ...filter } = params;
      const items = targets.webhooks.deliveries(filter);
      return { status: 200, body: { stats: targets.webhooks.stats(), capacity: targets.webhooks.capacity, items: limit ? items.slice(-limit) : items } };
    },
    listWebhookEvents: () => ({ status: 200, body: targets.webhooks.events() }),
    listFaults: () => ({ status: 200, body: targets.faults.list() }),
    addFault: ({ body }) => ({ status: 201, body: targets.faults.add(body) }),
    clearFaults() {
      targets.faults.clear();
      return { status: 204, body: undefined };
    },
    removeFault({ params }) {
      if (!targets.faults.remove(params.id)) throw new MockError('not-found', `fault ${params.id} does not exist`);
      return { status: 204, body: undefined };
    },
    listScenarios: () => ({ status: 200, body: targets.scenarios.list() }),
    loadScenario: async ({ body }) => ({ status: 201, body: await targets.scenarios.load(body, { source: 'request body' }) }),
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
      const refusal = problem('unauthorized', 'the control API needs Authorization: Bearer <admin token>');
      return { ...refusal, headers: { 'www-authenticate': 'Bearer realm="token-mock control API"' } };
    },
    reset() {},
  };
}
