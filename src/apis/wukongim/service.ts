/** The programmatic face of the WuKongIM mock, over the same stores the handlers use. */
import type { Bound, Limit } from '../../core/bounds.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import type { Slice } from '../../core/page.js';
import type { components as AdminComponents } from '../../generated/admin.types.js';
import type { ConnectInput, Connection, ConnectionRegistry } from './connections.js';
import { DeviceLevel, type DeviceSlot, type DeviceStore, type UserStatus } from './devices.js';
import type { ImMessage } from './im/message-log.js';
import type { ImServer } from './im/server.js';
import type { ImSocket, Session } from './im/session.js';
import type { RouteAddress, WukongimProfile } from './options.js';
import type { OnlineStatusWebhook } from './webhook.js';

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
  /** Why `POST /user/token` would refuse this uid and token (its `msg`), or undefined when it takes them. */
  tokenRefusal(uid: string, token: string): string | undefined;
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

/** What the service is built over. */
export interface ServiceParts {
  profile: WukongimProfile;
  tokenTtl: number | null;
  webhookUrl: string | undefined;
  devices: DeviceStore;
  connections: ConnectionRegistry;
  bounds: { slots: Bound; online: Bound; ended: Bound };
  userStates: Limit;
  webhook: OnlineStatusWebhook;
  im: ImServer;
  route: RouteAddress;
  storeToken(uid: string, token: string, deviceFlag: number, deviceLevel: number): void;
  tokenRefusal(uid: string, token: string): string | undefined;
}

/** Builds the service the control API, scenarios and tests call. */
export function createWukongimService(parts: ServiceParts): WukongimService {
  const { devices, connections, bounds, userStates, webhook, im, route, storeToken, tokenRefusal } = parts;
  return {
    webhookUrl: parts.webhookUrl,
    profile: parts.profile,
    tokenTtl: parts.tokenTtl,
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
    tokenRefusal,
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
