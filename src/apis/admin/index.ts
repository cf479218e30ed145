/** The control API under `/__mock`: reset, clock, journal, the simulated IM client, webhooks and scenarios. */
import type { Api } from '../../core/api.js';
import { parseDuration } from '../../core/duration.js';
import { MockError } from '../../core/errors.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/admin.operations.js';
import type { operations as Operations } from '../../generated/admin.types.js';
import type { MockServices } from '../../services.js';
import { answerPage, pageRequest, scenarioPage } from './pages.js';
import { adminErrors, problem } from './problems.js';

/** What the control API drives: the same services the programmatic API exposes. */
export interface AdminTargets extends MockServices {
  /** When set, every call needs `Authorization: Bearer <token>`. */
  token?: string;
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
    getJournal({ params }) {
      const page = journal.page({ api: params.api, ...pageRequest('journal', params) });
      return { status: 200, body: { ...answerPage('journal', page), capacity: journal.capacity, recorded: journal.total } };
    },
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
    listViolations: ({ params }) => ({
      status: 200,
      body: answerPage('violations', journal.page({ api: params.api, violations: true, ...pageRequest('violations', params) })),
    }),
    connectDevice: ({ body }) => ({ status: 200, body: wukongim.connect(body) }),
    listConnections({ params }) {
      const { from, limit } = pageRequest('connections', params);
      return { status: 200, body: answerPage('connections', wukongim.connectionPage({ uid: params.uid, state: params.state }, from, limit)) };
    },
    closeConnection({ params }) {
      const connection = wukongim.close(params.connectionId);
      if (!connection) throw new MockError('not-found', `connection ${params.connectionId} does not exist`);
      return { status: 200, body: connection };
    },
    listMessages({ params }) {
      const { from, limit } = pageRequest('messages', params);
      return { status: 200, body: answerPage('messages', wukongim.im.messagePage({ uid: params.uid }, from, limit)) };
    },
    listDevices({ params }) {
      const { from, limit } = pageRequest('devices', params);
      return { status: 200, body: answerPage('devices', wukongim.devicePage({ uid: params.uid }, from, limit)) };
    },
    // A refused token raises Smile's own INVALID_TOKEN, which Smile's catalogue renders.
    consumeSmileToken: async ({ body }) => ({ status: 200, body: await targets.smile.consume(body.accessToken) }),
    setUserState({ params, body }) {
      wukongim.setUserStatus(params.uid, body.status);
      return { status: 200, body };
    },
    emitWebhook: ({ body }) => ({ status: 202, body: targets.webhooks.emit(body) }),
    listDeliveries({ params }) {
      const { limit: _limit, cursor: _cursor, ...filter } = params;
      const { from, limit } = pageRequest('deliveries', params);
      const page = answerPage('deliveries', targets.webhooks.deliveryPage(filter, from, limit));
      return { status: 200, body: { ...page, stats: targets.webhooks.stats(), capacity: targets.webhooks.capacity } };
    },
    listWebhookEvents({ params }) {
      const { from, limit } = pageRequest('events', params);
      return { status: 200, body: answerPage('events', targets.webhooks.eventPage(from, limit)) };
    },
    listFaults({ params }) {
      const { from, limit } = pageRequest('faults', params);
      return { status: 200, body: answerPage('faults', targets.faults.page(from, limit)) };
    },
    addFault: ({ body }) => ({ status: 201, body: targets.faults.add(body) }),
    clearFaults() {
      targets.faults.clear();
      return { status: 204, body: undefined };
    },
    removeFault({ params }) {
      if (!targets.faults.remove(params.id)) throw new MockError('not-found', `fault ${params.id} does not exist`);
      return { status: 204, body: undefined };
    },
    listScenarios({ params }) {
      const { from, limit } = pageRequest('scenarios', params);
      return { status: 200, body: answerPage('scenarios', scenarioPage(targets.scenarios.list(), from, limit)) };
    },
    loadScenario: async ({ body }) => ({ status: 201, body: await targets.scenarios.load(body, { source: 'request body' }) }),
  });

  if (targets.token === '') throw new RangeError('the admin token must not be empty: no request could ever carry it');
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
