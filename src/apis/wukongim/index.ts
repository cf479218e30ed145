/** The mocked WuKongIM user-token API: device slots, master kicks, device quit, online status. */
import type { Api } from '../../core/api.js';
import { createBound, createLimit, type NoticeListener } from '../../core/bounds.js';
import type { Clock } from '../../core/clock.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import { parseDuration } from '../../core/duration.js';
import type { Outbox } from '../../core/outbox.js';
import type { Slice } from '../../core/page.js';
import type { RequestLike } from '../../core/request.js';
import { typedHandlers } from '../../core/typed.js';
import type { components as AdminComponents } from '../../generated/admin.types.js';
import { operations } from '../../generated/wukongim.operations.js';
import type { components, operations as Operations } from '../../generated/wukongim.types.js';
import { type ConnectInput, type Connection, ConnectionRegistry, ReasonCode } from './connections.js';
import { decodeBody } from './decoding.js';
import { ALL_DEVICE_FLAGS, DeviceLevel, type DeviceSlot, DeviceStore, type UserStatus } from './devices.js';
import { badRequest, createWukongimErrors, Messages, unauthorized } from './errors.js';
import { fieldLengthBounds } from './field-lengths.js';
import type { ImMessage } from './im/message-log.js';
import { type ImEventListener, ImServer } from './im/server.js';
import type { ImSocket, Session } from './im/session.js';
import { checkWukongimState, type WukongimSnapshot } from './snapshot.js';
import { createOnlineStatusWebhook } from './webhook.js';

/** The two fidelity profiles: the documented contract, or the v2 server's real answers. */
export const WUKONGIM_PROFILES = ['docs', 'server-v2'] as const;
export type WukongimProfile = (typeof WUKONGIM_PROFILES)[number];

/** How the WuKongIM mock behaves. */
export interface WukongimOptions {
  /** `docs` (default) answers `{"status":"ok"}`; `server-v2` answers `{"status":200}` like the real server. */
  profile?: WukongimProfile;
  /** When set, every request must carry the header `token: <managerToken>`, or gets a 401 with an empty body. */
  managerToken?: string;
  /** Token lifetime (`90s`, `5h`, ms). After it, connects fail with AuthFail. The real server has none, nor does the default. */
  tokenTtl?: string | number;
  /** The server's system account, which may not set a token. */
  systemUid?: string;
  /** Where to POST `user.onlinestatus` (the server's `webhook.httpAddr`). Default: none, events stay in-process. */
  webhookUrl?: string;
  /** Mock-clock delays before each retry (`1s`, ms). Default four of 1 s: five attempts, then the batch is dropped. */
  webhookRetryDelays?: readonly (string | number)[];
  /** The most device slots held; past it the least recently updated is forgotten (its token then fails with AuthFail). Default 100,000. */
  maxDeviceSlots?: number;
  /** The most simulated connections online at once; past it the oldest is kicked (reason 12). Default 100,000. */
  maxOnlineConnections?: number;
  /** The most ended (kicked, closed or refused) connections kept for inspection; past it the oldest is forgotten. Default 10,000. */
  maxEndedConnections?: number;
  /** The addresses `GET /route` and `POST /route/batch` answer. Default: the IM port's default, `ws://127.0.0.1:5200`. */
  route?: Partial<RouteAddress>;
  /** IM sockets open at once at most; more are closed at once. Default 10,000. */
  maxImSockets?: number;
  /** Relayed messages the log keeps (`GET /__mock/wukongim/messages`). Default 1000. */
  maxImMessages?: number;
  /** Users banned or disbanded at once at most; past it a further ban is refused (409 on the control API), and nobody's is forgotten. Default 100,000. */
  maxUserStates?: number;
  /**
   * The longest `uid` (and IM `device_id`) the mock takes, in characters: a longer one on `POST /user/token`
   * gets a 400 `{msg, status}`, and an IM CONNECT with one is refused, as no slot has it (its record keeps
   * the uid cut at the bound). Default 256, as the control API's paths take.
   */
  maxUidLength?: number;
  /** The longest token the mock takes, in characters, on `POST /user/token` and an IM CONNECT, likewise. Default 1024. */
  maxTokenLength?: number;
}

/** Where IM clients connect, as `GET /route` answers. */
export type RouteAddress = components['schemas']['RouteAddress'];

/** What a WuKongIM mock shares with the rest of its mock instance. */
export interface WukongimContext {
  clock: Clock;
  outbox: Outbox;
  seed: number;
  /** Plain http to private addresses and named hosts is allowed for the webhook URL. */
  allowPrivateHttp?: boolean;
  /** Told when a kind of state first reaches its bound. */
  onNotice?: NoticeListener;
  /** Told of every IM socket event (connect, refusal, kick, close, protocol error). */
  onImEvent?: ImEventListener;
}

/** A device slot as the admin API shows it. */
export type DeviceView = AdminSchemas['Device'];

/** The programmatic face of the WuKongIM mock: the same functions the admin API calls. */
export interface WukongimService {
  readonly profile: WukongimProfile;
  /** How long a stored token authenticates, in ms (`tokenTtl`); null when tokens never expire. */
  readonly tokenTtl: number | null;
  /** Where `user.onlinestatus` goes (the server's `webhook.httpAddr`), if anywhere. */
  readonly webhookUrl: string | undefined;
  /** Plays an IM client's CONNECT. */
  connect(input: ConnectInput): { reason_code: number; connection_id: number };
  /** The client closes a connection; undefined for an unknown id. */
  close(connectionId: number): Connection | undefined;
  connections(filter?: { uid?: string; state?: Connection['state'] }): Connection[];
  /** A page of connections oldest first, after the connection id `from`. */
  connectionPage(filter: { uid?: string; state?: Connection['state'] }, from: number | undefined, limit: number): Slice<Connection, number>;
  devices(filter?: { uid?: string }): DeviceView[];
  /** A page of slots in the order they were first set, after the slot numbered `from` (1 for the first since the reset). */
  devicePage(filter: { uid?: string }, from: number | undefined, limit: number): Slice<DeviceView, number>;
  /** Bans, disbands or restores a user. */
  setUserStatus(uid: string, status: UserStatus): void;
  /** Device slots, online connections and ended ones kept, each with its bound and what went past it (`GET /__mock/state`). */
  counts(): WukongimCounts;
  /** Kicks every online connection of a slot with reason 12, as a master token update does. */
  kick(uid: string, deviceFlag: number): Connection[];
  /** Stores a token in a slot as `POST /user/token` does (a master kicks the slot's connections). */
  updateToken(input: { uid: string; token: string; device_flag: number; device_level?: number }): void;
  /**
   * Sends a `user.onlinestatus` batch. Without `entries`, one seeded entry per online connection of
   * `uid` (or an online entry for a made-up connection). Throws a MockError of kind `invalid-event` when an entry breaks the spec.
   */
  emitOnlineStatus(options?: { uid?: string; entries?: string[] }): WebhookEvent;
  /** The IM port: sockets from any transport, their events, and the messages relayed. */
  readonly im: ImPort;
}

/** The IM port as adapters and tools see it. */
export interface ImPort {
  /**
   * Accepts a socket: feed the session each message's bytes (`receive`) and the close (`closed`).
   * @example const session = mock.wukongim.im.open({ send: (b) => ws.send(b), close: () => ws.close() });
   */
  open(socket: ImSocket): Pick<Session, 'receive' | 'closed'>;
  /** Listens to IM events (connect, refusal, kick, close, protocol error); returns a function that stops. */
  subscribe: ImServer['subscribe'];
  /** A page of relayed messages, oldest first, after the message id `from`. */
  messagePage(filter: { uid?: string }, from: number | undefined, limit: number): Slice<ImMessage, number>;
  /** Sockets open now, and how many of them are online. */
  counts(): { sockets: number; online: number };
  /** Where clients are told to connect (`GET /route`); an adapter sets it once its port is known. */
  route: RouteAddress;
}

type AdminSchemas = AdminComponents['schemas'];

/** What the WuKongIM mock holds, as `GET /__mock/state` shows it. */
export type WukongimCounts = AdminSchemas['StateSummary']['wukongim'];

const DEFAULT_RETRY_DELAYS = ['1s', '1s', '1s', '1s'];
type UpdateTokenBody = Partial<components['schemas']['UpdateTokenRequest']>;
type DeviceQuitBody = Partial<components['schemas']['DeviceQuitRequest']>;

/**
 * Creates the WuKongIM API and its service over one clock.
 * @example const { api, service } = createWukongim({ profile: 'server-v2' }, { clock, outbox, seed: 1 });
 */
export function createWukongim(options: WukongimOptions, context: WukongimContext): { api: Api; service: WukongimService } {
  const { clock } = context;
  const profile = options.profile ?? 'docs';
  const ttl = options.tokenTtl === undefined ? null : parseDuration(options.tokenTtl);
  const systemUid = options.systemUid ?? '____system';
  const bounds = {
    slots: createBound('wukongim-device-slots', options.maxDeviceSlots, context.onNotice),
    online: createBound('wukongim-online-connections', options.maxOnlineConnections, context.onNotice),
    ended: createBound('wukongim-ended-connections', options.maxEndedConnections, context.onNotice),
  };
  const devices = new DeviceStore(bounds.slots);
  const userStates = createLimit('wukongim-user-states', options.maxUserStates);
  const fieldLengths = fieldLengthBounds(options);
  const webhook = createOnlineStatusWebhook({
    clock,
    outbox: context.outbox,
    url: options.webhookUrl,
    allowPrivateHttp: context.allowPrivateHttp,
    retryDelays: (options.webhookRetryDelays ?? DEFAULT_RETRY_DELAYS).map(parseDuration),
    seed: context.seed,
  });
  const connections = new ConnectionRegistry(devices, clock, (entries) => webhook.send(entries), { ...bounds, fields: fieldLengths });
  const im = new ImServer(clock, connections, {
    profile,
    seed: context.seed,
    maxSockets: options.maxImSockets,
    maxMessages: options.maxImMessages,
    onEvent: context.onImEvent,
  });
  const route: RouteAddress = { tcp_addr: '127.0.0.1:5100', ws_addr: 'ws://127.0.0.1:5200', wss_addr: '', ...options.route };
  const storeToken = (uid: string, token: string, deviceFlag: number, deviceLevel: number) => {
    const now = clock.now();
    devices.put({ uid, deviceFlag, deviceLevel, token, updatedAt: now, expiresAt: ttl === null ? null : now + ttl });
    if (deviceLevel === DeviceLevel.master) connections.kickSlot(uid, deviceFlag, 'token-update');
  };
  const addresses = (intranet: string | undefined) =>
    // The server reads `intranet` as an integer: anything that parses to non-zero asks for the intranet address.
    Number.parseInt(intranet ?? '', 10) ? { tcp_addr: route.tcp_addr, ws_addr: '', wss_addr: '' } : { ...route };
  const ok = () => (profile === 'docs' ? { status: 'ok' as const } : { status: 200 as const });

  // The spec's `webhooks:` operations are events the mock sends, not requests it serves.
  const handlers = typedHandlers<Pick<Operations, keyof typeof operations>>({
    health: () => ({ status: 200, body: { status: 'ok' } }),

    updateToken({ body }) {
      // Go's zero values stand in for omitted fields, as the server's decoder leaves them.
      const { uid = '', token = '', device_flag = 0, device_level = DeviceLevel.slave } = body as UpdateTokenBody;
      if (uid === '') return badRequest(Messages.uidEmpty);
      if (token === '') return badRequest(Messages.tokenEmpty);
      const tooLong = fieldLengths.problem({ uid, token });
      if (tooLong) return badRequest(tooLong);
      if (/[@#&]/.test(uid)) return badRequest(Messages.uidSpecialCharacters);
      if (uid === systemUid) return badRequest(Messages.systemUid);
      const status = devices.status(uid);
      // The server answers a banned or disbanded uid with 200 and the reason code as `status`.
      if (status === 'banned') return { status: 200, body: { status: ReasonCode.ban } };
      if (status === 'disbanded') return { status: 200, body: { status: ReasonCode.disband } };
      storeToken(uid, token, device_flag, device_level);
      return { status: 200, body: ok() };
    },

    deviceQuit({ body }) {
      const { uid = '', device_flag = 0 } = body as DeviceQuitBody;
      // The server converts the int to its uint8 DeviceFlag, so out-of-range flags wrap.
      const flags = device_flag === -1 ? ALL_DEVICE_FLAGS : [((device_flag % 256) + 256) % 256];
      for (const flag of flags) {
        const slot = devices.get(uid, flag);
        if (!slot) continue;
        devices.put({ ...slot, token: '', deviceLevel: DeviceLevel.master, updatedAt: clock.now() });
        connections.kickSlot(uid, flag, 'device-quit');
      }
      return { status: 200, body: ok() };
    },

    onlineStatus({ body }) {
      if (body.length === 0 && profile === 'server-v2') return { status: 200, body: { status: 200 } };
      const entries = body.flatMap((uid) => connections.online(uid).map((c) => ({ uid: c.uid, device_flag: c.device_flag, online: 1 as const })));
      return { status: 200, body: entries };
    },

    route: ({ params }) => ({ status: 200, body: addresses(params.intranet) }),

    routeBatch: ({ params, body }) => ({ status: 200, body: [{ uids: body, ...addresses(params.intranet) }] }),
  });

  const api: Api = {
    name: 'wukongim',
    basePath: '',
    operations,
    handlers,
    errors: createWukongimErrors(profile),
    profile,
    ignoresContentType: true,
    redirectsTrailingSlash: true,
    guard:
      options.managerToken === undefined
        ? undefined
        : (request: RequestLike) => (request.headers.get('token') === options.managerToken ? undefined : unauthorized()),
    decodeBody: (operation, text) => decodeBody(operation.id, text),
    reset() {
      im.reset();
      devices.clear();
      connections.clear();
      webhook.reset();
      for (const bound of Object.values(bounds)) bound.reset();
    },
    snapshot: () => ({ devices: devices.snapshot(), connections: connections.snapshot() }),
    check(state) {
      const errors = checkWukongimState(state);
      if (errors.length > 0) return errors;
      const held = (state as WukongimSnapshot).devices.statuses.filter(([, status]) => status !== 'active').length;
      return userStates.restoreErrors(held, '/devices/statuses');
    },
    restore(state) {
      const saved = state as WukongimSnapshot;
      // Live sockets belong to the state being replaced.
      im.closeAll();
      devices.restore(saved.devices);
      connections.restore(saved.connections);
    },
  };

  const service: WukongimService = {
    webhookUrl: options.webhookUrl,
    profile,
    tokenTtl: ttl,
    connect: (input) => connections.connect(input),
    close: (id) => connections.close(id, 'closed'),
    connections: (filter) => connections.list(filter),
    connectionPage: (filter, from, limit) => connections.page(filter, from, limit),
    devices: (filter = {}) => devices.list(filter.uid).map(deviceView),
    devicePage(filter, from, limit) {
      const page = devices.page({ uid: filter.uid, after: from, limit });
      return { ...page, items: page.items.map(deviceView) };
    },
    setUserStatus(uid, status) {
      if (status !== 'active' && devices.status(uid) === 'active') userStates.admit(devices.statusCount);
      devices.setStatus(uid, status);
      // A banned or disbanded user's connections are kicked (their next connect is refused with 19 or 24).
      if (status !== 'active') connections.kickUid(uid, 'ban');
    },
    counts() {
      const { online, ended } = connections.counts();
      return {
        slots: bounds.slots.state(devices.size),
        online: bounds.online.state(online),
        ended: bounds.ended.state(ended),
        userStates: userStates.state(devices.statusCount),
      };
    },
    kick: (uid, deviceFlag) => connections.kickSlot(uid, deviceFlag, 'kick'),
    updateToken: (input) => storeToken(input.uid, input.token, input.device_flag, input.device_level ?? DeviceLevel.slave),
    emitOnlineStatus({ uid = 'user-1', entries } = {}) {
      const online = connections.statusEntries(uid);
      // A uid with no connection gets one online entry for a connection that never was (id 0).
      const seeded = online.length > 0 ? online : [`${uid}-1-1-0-1-1`];
      return webhook.send(entries ?? seeded);
    },
    im: {
      open: (socket) => im.open(socket),
      subscribe: (listener) => im.subscribe(listener),
      messagePage: (filter, from, limit) => im.messages.page(filter, from, limit),
      counts: () => im.counts(),
      route,
    },
  };
  return { api, service };
}

/** A slot as the control API shows it. */
function deviceView(slot: DeviceSlot): DeviceView {
  return {
    uid: slot.uid,
    device_flag: slot.deviceFlag,
    device_level: slot.deviceLevel,
    token: slot.token,
    updated_at: new Date(slot.updatedAt).toISOString(),
    expires_at: slot.expiresAt === null ? null : new Date(slot.expiresAt).toISOString(),
  };
}
