/** The control API under `/__mock`: reset, clock, journal, the simulated IM client, webhooks and scenarios. */
import type { Api } from '../../core/api.js';
import type { ChangeFeed } from '../../core/changes.js';
import { inClockRange } from '../../core/clock.js';
import { parseDuration } from '../../core/duration.js';
import { MockError } from '../../core/errors.js';
import { type EventStreamOptions, openEventStream } from '../../core/event-stream.js';
import { decodeCursor, encodeCursor, heldArray, oldestFirst } from '../../core/page.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/admin.operations.js';
import type { components, operations as Operations } from '../../generated/admin.types.js';
import { PACKAGE_VERSION } from '../../generated/version.js';
import { harDocument, harEntry } from '../../har/write.js';
import type { MockServices } from '../../services.js';
import { builtDashboard, type DashboardFiles, dashboardFile } from './dashboard.js';
import { answerPage, pageRequest, scenarioPage } from './pages.js';
import { adminErrors, problem } from './problems.js';

type Schemas = components['schemas'];

/** What the control API drives: the same services the programmatic API exposes. */
export interface AdminTargets extends MockServices {
  /** When set, every call needs `Authorization: Bearer <token>` (the dashboard's files excepted: the page asks for it). */
  token?: string;
  /** The control API's own cap on request bodies, whatever the mocked APIs' cap is. Default 1 MiB. */
  maxBodyBytes?: number;
  /** What the control API publishes its own changes to, and `GET /stream` reads. */
  changes: ChangeFeed;
  /** How each stream client is buffered. */
  stream?: EventStreamOptions;
  /** Where the dashboard's files come from. Default: the built ones (`dist/ui`). */
  dashboard?: DashboardFiles;
  /** Adds the state a HAR recording shows, all or nothing (`POST /__mock/har`). */
  seedFromHar(document: unknown): Schemas['HarSeedReport'];
  /** The secret seeded for a Smile subscription whose recorded one was redacted; undefined for any other. */
  seededSecret(webhookId: string): string | undefined;
  /** The Pact file of the journal since the last mark (`GET /__mock/pact`). */
  pact(options: { provider?: string; consumer?: string }): Promise<Schemas['PactFile']>;
  /** Marks the journal: the next pact starts after what it holds now. */
  markPact(): number;
  /** Pact's state-change request (`POST /__mock/pact/provider-states`). */
  setProviderState(change: Schemas['StateChange']): Promise<Record<string, string>>;
}

/** The control API's default cap: a scenario at its longest text, a snapshot of a busy mock, a link token. */
export const ADMIN_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Creates the control API.
 * @example const admin = createAdmin({ clock, journal, wukongim, reset });
 */
export function createAdmin(targets: AdminTargets): Api {
  const { clock, journal, wukongim, changes } = targets;
  const smile = targets.smile;
  const files = targets.dashboard ?? builtDashboard;
  const knownUser = (id: string) => {
    const user = smile.user(id);
    if (!user) throw new MockError('not-found', `Smile user ${id} does not exist`);
    return user;
  };
  const clockState = () => ({ now: clock.iso(), frozen: clock.frozen });

  const handlers = typedHandlers<Operations>({
    reset() {
      targets.reset();
      return { status: 200, body: { reset: true, now: clock.iso() } };
    },
    getClock: () => ({ status: 200, body: clockState() }),
    changeClock({ body }) {
      if (body.freeze !== undefined) clock.freeze(body.freeze);
      else {
        // The body holds one change (its schema): an advance or an instant, checked against the clock's years first.
        const target = body.advance !== undefined ? clock.now() + parseDuration(body.advance) : Date.parse(body.set as string);
        if (!inClockRange(target)) {
          const message = 'would take the clock outside the years 0000 to 9899, which it keeps so that every date the APIs write stays RFC 3339';
          const path = body.advance !== undefined ? '/body/advance' : '/body/set';
          return { ...problem('invalidRequest', `${path.slice(1)} ${message}`, [{ path, message }]), status: 400 as const };
        }
        clock.set(target);
      }
      return { status: 200, body: clockState() };
    },
    getJournal({ params }) {
      const page = journal.page({ api: params.api, operation: params.operation, status: params.status, ...pageRequest('journal', params) });
      return { status: 200, body: { ...answerPage('journal', page), capacity: journal.capacity, recorded: journal.total } };
    },
    getHar: () => {
      const entries = journal.entries().flatMap((entry) => harEntry(entry, { cut: true }) ?? []);
      // har-format's interfaces carry no index signature, which the spec's open entry objects have.
      return { status: 200, body: harDocument(entries, PACKAGE_VERSION) as unknown as Schemas['HarDocument'] };
    },
    seedFromHar: ({ body }) => ({ status: 200, body: targets.seedFromHar(body) }),
    getPact: async ({ params }) => ({ status: 200, body: await targets.pact(params) }),
    resetPact: () => ({ status: 200, body: { since: targets.markPact() } }),
    async setProviderState({ body }) {
      const values = await targets.setProviderState(body);
      if (body.state !== '' && body.action !== 'teardown') changes.publish('reset');
      return { status: 200, body: values };
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
      body: answerPage(
        'violations',
        journal.page({ api: params.api, operation: params.operation, status: params.status, violations: true, ...pageRequest('violations', params) }),
      ),
    }),
    connectDevice({ body }) {
      const result = wukongim.connect(body);
      changes.publish('wukongim', { operationId: 'connectDevice', uid: body.uid });
      return { status: 200, body: result };
    },
    streamChanges: () => ({
      status: 200,
      stream: openEventStream(changes, clock, targets.stream),
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    }),
    getDashboard: () => dashboardFile(files, 'index.html'),
    getDashboardFile: ({ params }) => dashboardFile(files, params.file),
    listSmileUsers({ params }) {
      const before = decodeCursor('smile-users', params.cursor, isUserPosition);
      const page = smile.userPage(before, params.limit ?? 100);
      const nextCursor = page.next ? encodeCursor('smile-users', page.next) : null;
      return { status: 200, body: { items: page.items, nextCursor, total: page.total } };
    },
    createSmileUser({ body }) {
      const user = smile.createUser(body?.externalMetadata);
      changes.publish('smile', { operationId: 'createSmileUser', userId: user.id });
      return { status: 201, body: user };
    },
    getSmileUser: ({ params }) => ({ status: 200, body: { user: knownUser(params.id), tokens: smile.tokensOf(params.id) } }),
    async issueSmileToken({ params, body }) {
      knownUser(params.id);
      const token = await smile.issueToken(params.id, body?.mode ?? 'SANDBOX');
      changes.publish('smile', { operationId: 'issueSmileToken', userId: params.id });
      return { status: 201, body: token };
    },
    useLatestSmileToken({ params }) {
      knownUser(params.id);
      const used = smile.consumeLatestToken(params.id);
      changes.publish('smile', { operationId: 'useLatestSmileToken', userId: params.id });
      return { status: 200, body: { used } };
    },
    setSlotToken({ body }) {
      // What POST /user/token would refuse, this refuses too (with its reason), so the two set slots alike.
      const refusal = wukongim.tokenRefusal(body.uid, body.token);
      if (refusal)
        return {
          ...problem('invalidRequest', `POST /user/token would refuse it: ${refusal}`, [{ path: '/body/uid', message: refusal }]),
          status: 400 as const,
        };
      wukongim.updateToken(body);
      changes.publish('wukongim', { operationId: 'setSlotToken', uid: body.uid });
      return { status: 200, body };
    },
    kickSlot({ body }) {
      const kicked = wukongim.kick(body.uid, body.device_flag);
      changes.publish('wukongim', { operationId: 'kickSlot', uid: body.uid });
      return { status: 200, body: { kicked } };
    },
    listConnections({ params }) {
      const { from, limit } = pageRequest('connections', params);
      return { status: 200, body: answerPage('connections', wukongim.connectionPage({ uid: params.uid, state: params.state }, from, limit)) };
    },
    closeConnection({ params }) {
      const connection = wukongim.close(params.connectionId);
      if (!connection) throw new MockError('not-found', `connection ${params.connectionId} does not exist`);
      changes.publish('wukongim', { operationId: 'closeConnection', uid: connection.uid });
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
    async consumeSmileToken({ body }) {
      const result = await smile.consume(body.accessToken);
      changes.publish('smile', { operationId: 'consumeSmileToken', userId: result.userId });
      return { status: 200, body: result };
    },
    setUserState({ params, body }) {
      wukongim.setUserStatus(params.uid, body.status);
      changes.publish('wukongim', { operationId: 'setUserState', uid: params.uid });
      return { status: 200, body };
    },
    emitWebhook: ({ body }) => ({ status: 202, body: targets.webhooks.emit(body) }),
    listDeliveries({ params }) {
      const { limit: _limit, cursor: _cursor, ...filter } = params;
      const { from, limit } = pageRequest('deliveries', params);
      const page = answerPage('deliveries', targets.webhooks.deliveryPage(filter, from, limit));
      return { status: 200, body: { ...page, stats: targets.webhooks.stats(), capacity: targets.webhooks.capacity } };
    },
    listSubscriptions({ params }) {
      const { from, limit } = pageRequest('subscriptions', params);
      // Each subscription keeps its number: WuKongIM's one address 0, Smile's their own numbers, never
      // reused, so a page anchored on a deleted subscription goes on after it.
      const numbered: { position: number; item: Schemas['Subscription'] }[] = [];
      if (wukongim.webhookUrl !== undefined) {
        numbered.push({
          position: 0,
          item: {
            api: 'wukongim',
            id: 'webhook.httpAddr',
            name: 'user.onlinestatus',
            url: wukongim.webhookUrl,
            eventTypes: ['user.onlinestatus'],
            active: true,
          },
        });
      }
      for (const { seq, webhook } of smile.webhooks()) {
        const { id, name, url, eventTypes, active } = webhook;
        const seeded = targets.seededSecret(id);
        // A seeded secret is shown only while the subscription still signs with it.
        const secret = seeded !== undefined && seeded === webhook.secret ? { secret: seeded } : {};
        numbered.push({ position: seq, item: { api: 'smile', id, name, url, eventTypes: [...eventTypes], active, ...secret } });
      }
      const slice = oldestFirst(heldArray(numbered), (entry) => entry.position, { from, limit });
      const page = answerPage('subscriptions', { items: slice.items.map((entry) => entry.item), next: slice.next, total: numbered.length });
      return { status: 200, body: page };
    },
    listWebhookEvents({ params }) {
      const { from, limit } = pageRequest('events', params);
      return { status: 200, body: answerPage('events', targets.webhooks.eventPage(from, limit)) };
    },
    listFaults({ params }) {
      const { from, limit } = pageRequest('faults', params);
      return { status: 200, body: answerPage('faults', targets.faults.page(from, limit)) };
    },
    addFault({ body }) {
      const fault = targets.faults.add(body);
      changes.publish('faults', { operationId: 'addFault', id: fault.id });
      return { status: 201, body: fault };
    },
    clearFaults() {
      targets.faults.clear();
      changes.publish('faults', { operationId: 'clearFaults' });
      return { status: 204, body: undefined };
    },
    removeFault({ params }) {
      if (!targets.faults.remove(params.id)) throw new MockError('not-found', `fault ${params.id} does not exist`);
      changes.publish('faults', { operationId: 'removeFault', id: params.id });
      return { status: 204, body: undefined };
    },
    listScenarios({ params }) {
      const { from, limit } = pageRequest('scenarios', params);
      return { status: 200, body: answerPage('scenarios', scenarioPage(targets.scenarios.list(), from, limit)) };
    },
    async loadScenario({ body }) {
      const state = await targets.scenarios.load(body, { source: 'request body' });
      changes.publish('scenarios', { operationId: 'loadScenario', scenario: state.id });
      return { status: 201, body: state };
    },
  });

  if (targets.token === '') throw new RangeError('the admin token must not be empty: no request could ever carry it');
  const expected = targets.token === undefined ? undefined : `Bearer ${targets.token}`;
  return {
    name: 'admin',
    basePath: '/__mock',
    maxBodyBytes: targets.maxBodyBytes ?? ADMIN_MAX_BODY_BYTES,
    operations,
    handlers,
    errors: adminErrors,
    guard(request) {
      if (expected === undefined || request.headers.get('authorization') === expected || isDashboardFile(request.url)) return undefined;
      const refusal = problem('unauthorized', 'the control API needs Authorization: Bearer <admin token>');
      return { ...refusal, headers: { 'www-authenticate': 'Bearer realm="token-mock control API"' } };
    },
    reset() {},
  };
}

/** Whether a URL asks for the dashboard's page or files, which load without the admin token (the page then asks for it). */
function isDashboardFile(url: string): boolean {
  const { pathname } = new URL(url);
  return pathname === '/__mock/ui' || pathname.startsWith('/__mock/ui/');
}

function isUserPosition(value: unknown): value is { at: number; seq: number } {
  const position = value as { at?: unknown; seq?: unknown } | null;
  return typeof position === 'object' && position !== null && Number.isFinite(position.at) && Number.isSafeInteger(position.seq);
}
