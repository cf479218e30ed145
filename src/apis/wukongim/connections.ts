/** Simulated IM clients: connect with a token, get kicked by a master, close. */

import { type Bound, createBound } from '../../core/bounds.js';
import type { Clock } from '../../core/clock.js';
import { OrderedIndex } from '../../core/ordered-index.js';
import { heldArray, oldestFirst, type Slice } from '../../core/page.js';
import { Queue } from '../../core/queue.js';
import type { components } from '../../generated/admin.types.js';
import { DeviceLevel, type DeviceSlot, type DeviceStore, slotKey } from './devices.js';
import type { FieldLengths } from './field-lengths.js';

/** CONNACK and DISCONNECT reason codes of the WuKongIM protocol that the mock surfaces. */
export const ReasonCode = { success: 1, authFail: 2, connectKick: 12, ban: 19, disband: 24 } as const;

/** A connection and what became of it (the control API's `Connection`). */
export type Connection = components['schemas']['Connection'];

/** What an IM client sends in CONNECT (the control API's `ConnectRequest`); the level defaults to the slot's. */
export type ConnectInput = components['schemas']['ConnectRequest'];

/**
 * Told of the connections that came online or went offline in one operation, as `user.onlinestatus`
 * entries: `{uid}-{device_flag}-{online 0|1}-{connId}-{deviceOnlineCount}-{totalOnlineCount}`.
 */
export type OnlineStatusListener = (entries: string[]) => void;

/**
 * Why a connection ended, so that a real socket hears what the server would say: a newer connection
 * of the same device replaced it; a master connected on another device; a master token update, a
 * device quit, a ban, the control API's kick or close, the online bound; or its socket closed.
 */
export type EndCause = 'replaced' | 'master-connect' | 'token-update' | 'device-quit' | 'ban' | 'kick' | 'closed' | 'bound' | 'socket-closed';

/** Told of each connection that ends, with why. */
export type EndListener = (connection: Readonly<Connection>, cause: EndCause) => void;

/** The bounds on connections: online ones (past it the oldest is kicked), and ended ones kept for inspection. */
export interface ConnectionBounds {
  online: Bound;
  ended: Bound;
  /** How a connection's uid and device id are kept: an IM CONNECT can carry 2 MiB of them, and is refused (no slot has such a uid). */
  fields?: FieldLengths;
}

/** The connections of one mock instance, indexed by slot for O(1) kicks. */
export class ConnectionRegistry {
  private readonly all = new Map<number, Connection>();
  /** Ended (kicked, closed or refused) connection ids, oldest first: only the newest are kept, so memory stays flat under load. */
  private readonly ended = new Queue<number>();
  /** Connections in connect order; those that ended since are stale, and skipped. */
  private readonly onlineOrder = new Queue<Connection>();
  private onlineCount = 0;
  private readonly onlineBySlot = new Map<string, Set<Connection>>();
  private readonly onlineByUid = new Map<string, Set<Connection>>();
  /** Every held connection by id, so that a page seeks its cursor instead of walking the ones before it. */
  private readonly order = new OrderedIndex<Pick<Connection, 'connection_id'>, Connection>((a, b) => a.connection_id - b.connection_id);
  private changes: string[] = [];
  private nextId = 1;
  private onEnded: EndListener = () => {};

  constructor(
    private readonly devices: DeviceStore,
    private readonly clock: Clock,
    private readonly onStatusChange: OnlineStatusListener = () => {},
    private readonly bounds: ConnectionBounds = { online: createBound('wukongim-online-connections'), ended: createBound('wukongim-ended-connections') },
  ) {}

  /** Sets who hears of ended connections (the IM port, which tells their sockets). */
  setEndListener(listener: EndListener): void {
    this.onEnded = listener;
  }

  /** Plays CONNECT: authenticates the token against the slot, then applies the master/slave rules. */
  connect(input: ConnectInput): { reason_code: number; connection_id: number } {
    const slot = this.devices.get(input.uid, input.device_flag);
    const refusal = this.refusal(input, slot);
    const connection: Connection = {
      connection_id: this.nextId++,
      uid: this.bounds.fields?.kept(input.uid) ?? input.uid,
      device_flag: input.device_flag,
      device_id: this.bounds.fields?.kept(input.device_id) ?? input.device_id,
      device_level: input.device_level ?? slot?.deviceLevel ?? DeviceLevel.slave,
      state: refusal === undefined ? 'online' : 'closed',
      reason_code: refusal ?? ReasonCode.success,
      connected_at: this.clock.iso(),
      closed_at: refusal === undefined ? null : this.clock.iso(),
    };
    this.all.set(connection.connection_id, connection);
    this.order.set(connection);
    if (refusal !== undefined) {
      this.retire(connection);
      return { reason_code: refusal, connection_id: connection.connection_id };
    }

    const key = slotKey(input.uid, input.device_flag);
    const online = this.onlineBySlot.get(key) ?? new Set();
    for (const older of [...online]) {
      // The same device reconnecting replaces its old connection; a master also evicts other devices.
      if (older.device_id === input.device_id) this.end(older, 'closed', ReasonCode.success, 'replaced');
      else if (connection.device_level === DeviceLevel.master) this.end(older, 'kicked', ReasonCode.connectKick, 'master-connect');
    }
    // Room is made before the new connection comes online, as a kick would make it.
    if (this.onlineCount >= this.bounds.online.max) this.kickOldest();
    online.add(connection);
    this.onlineOrder.push(connection);
    this.onlineCount += 1;
    this.onlineBySlot.set(key, online);
    this.onlineByUid.set(input.uid, (this.onlineByUid.get(input.uid) ?? new Set()).add(connection));
    this.changed(connection, 1);
    this.flush();
    return { reason_code: ReasonCode.success, connection_id: connection.connection_id };
  }

  /** Kicks every online connection of a slot with reason 12, as a master token update or a device quit does. */
  kickSlot(uid: string, deviceFlag: number, cause: EndCause = 'kick'): Connection[] {
    const online = [...(this.onlineBySlot.get(slotKey(uid, deviceFlag)) ?? [])];
    for (const connection of online) this.end(connection, 'kicked', ReasonCode.connectKick, cause);
    this.flush();
    return online;
  }

  /** Kicks every online connection of a uid with reason 12, as a ban does. */
  kickUid(uid: string, cause: EndCause): Connection[] {
    const online = [...(this.onlineByUid.get(uid) ?? [])];
    for (const connection of online) this.end(connection, 'kicked', ReasonCode.connectKick, cause);
    this.flush();
    return online;
  }

  /** The connection of an id, as it stands (a copy); undefined once forgotten. */
  get(connectionId: number): Connection | undefined {
    const connection = this.all.get(connectionId);
    return connection && { ...connection };
  }

  /** The client closes its connection (through the control API, or its socket closed). Returns undefined for an unknown id. */
  close(connectionId: number, cause: EndCause = 'closed'): Connection | undefined {
    const connection = this.all.get(connectionId);
    if (connection?.state === 'online') this.end(connection, 'closed', ReasonCode.success, cause);
    this.flush();
    return connection;
  }

  /** Online connections of a uid, in connect order: from the uid's index, not a scan of every connection. */
  online(uid: string): Connection[] {
    const online = [...(this.onlineByUid.get(uid) ?? [])].map((connection) => ({ ...connection }));
    return online.sort((a, b) => a.connection_id - b.connection_id);
  }

  /** The ids of a uid's online connections, without copying them: the relay's hot path. */
  onlineIds(uid: string): number[] {
    const ids: number[] = [];
    for (const connection of this.onlineByUid.get(uid) ?? []) ids.push(connection.connection_id);
    return ids;
  }

  /** The online entries a uid's connections would report now, in connect order. */
  statusEntries(uid: string): string[] {
    return this.online(uid).map((connection) => this.entry(connection, 1));
  }

  /** How many connections are online, and how many ended ones are kept. */
  counts(): { online: number; ended: number } {
    return { online: this.onlineCount, ended: this.ended.length };
  }

  /** Connections, oldest first, optionally of one uid and in one state. */
  list(filter: { uid?: string; state?: Connection['state'] } = {}): Connection[] {
    const out: Connection[] = [];
    for (const connection of this.all.values()) {
      if (filter.uid !== undefined && connection.uid !== filter.uid) continue;
      if (filter.state !== undefined && connection.state !== filter.state) continue;
      out.push({ ...connection });
    }
    return out;
  }

  /**
   * The `limit` connections after the id `after`, oldest first. Unfiltered or online ones: a seek in
   * the id order, passing over at most the ended ones kept. Of one uid or ended: the uid's online
   * connections and the ended ones kept (at most their bound), sorted. Never a walk of everything.
   * @example registry.page({ state: 'online' }, 812, 100)
   */
  page(filter: { uid?: string; state?: Connection['state'] }, after: number | undefined, limit: number): Slice<Connection, number> {
    const { uid, state } = filter;
    if (uid !== undefined || (state !== undefined && state !== 'online')) {
      const ids: number[] = [];
      if (state === undefined || state === 'online') for (const connection of this.onlineByUid.get(uid as string) ?? []) ids.push(connection.connection_id);
      if (state !== 'online') {
        for (const id of this.ended.values()) {
          const connection = this.all.get(id);
          if (connection && (uid === undefined || connection.uid === uid) && (state === undefined || connection.state === state)) ids.push(id);
        }
      }
      // Ids sort natively in a typed array, several times faster than objects through a comparator.
      const sorted = Float64Array.from(ids).sort();
      const { items, next } = oldestFirst(heldArray(sorted), (id) => id, { from: after, limit });
      return { items: items.map((id) => ({ ...(this.all.get(id) as Connection) })), next, total: sorted.length };
    }
    // Every held connection is online or among the ended ones kept.
    const total = state === 'online' ? this.all.size - this.ended.length : this.all.size;
    const items: Connection[] = [];
    for (const connection of this.order.after(after === undefined ? undefined : { connection_id: after })) {
      if (this.all.get(connection.connection_id) !== connection) continue;
      if (state === 'online' && connection.state !== 'online') continue;
      if (items.length === limit) return { items, next: (items[items.length - 1] as Connection).connection_id, total };
      items.push({ ...connection });
    }
    return { items, next: undefined, total };
  }

  /** Every connection and the next id, for persistence. */
  snapshot(): { connections: Connection[]; nextId: number } {
    return { connections: this.list(), nextId: this.nextId };
  }

  /** Replaces every connection with saved ones; the online indexes are rebuilt from them. */
  restore(saved: { connections: Connection[]; nextId: number }): void {
    this.clear();
    for (const connection of saved.connections) {
      const copy = { ...connection };
      this.all.set(copy.connection_id, copy);
      this.order.set(copy);
      if (copy.state !== 'online') {
        this.retire(copy);
        continue;
      }
      const key = slotKey(copy.uid, copy.device_flag);
      this.onlineBySlot.set(key, (this.onlineBySlot.get(key) ?? new Set()).add(copy));
      this.onlineByUid.set(copy.uid, (this.onlineByUid.get(copy.uid) ?? new Set()).add(copy));
      this.onlineOrder.push(copy);
      this.onlineCount += 1;
    }
    this.nextId = saved.nextId;
    // A snapshot taken under a larger bound: the oldest go, as they would have.
    while (this.onlineCount > this.bounds.online.max) this.kickOldest();
    this.flush();
  }

  clear(): void {
    this.all.clear();
    this.order.clear();
    this.onlineBySlot.clear();
    this.onlineByUid.clear();
    this.ended.clear();
    this.onlineOrder.clear();
    this.onlineCount = 0;
    this.changes = [];
    this.nextId = 1;
  }

  private refusal(input: ConnectInput, slot: DeviceSlot | undefined): number | undefined {
    const status = this.devices.status(input.uid);
    if (status === 'banned') return ReasonCode.ban;
    if (status === 'disbanded') return ReasonCode.disband;
    if (!slot || slot.token === '' || input.token === '' || slot.token !== input.token) return ReasonCode.authFail;
    if (slot.expiresAt !== null && this.clock.now() >= slot.expiresAt) return ReasonCode.authFail;
    return undefined;
  }

  private end(connection: Connection, state: 'kicked' | 'closed', reason: number, cause: EndCause): void {
    connection.state = state;
    connection.reason_code = reason;
    connection.closed_at = this.clock.iso();
    this.onlineBySlot.get(slotKey(connection.uid, connection.device_flag))?.delete(connection);
    const ofUid = this.onlineByUid.get(connection.uid);
    ofUid?.delete(connection);
    if (ofUid?.size === 0) this.onlineByUid.delete(connection.uid);
    this.onlineCount -= 1;
    this.changed(connection, 0);
    this.retire(connection);
    this.onEnded(connection, cause);
    if (this.onlineOrder.length > 2 * this.onlineCount + 1024) this.onlineOrder.keepIf((queued) => queued.state === 'online');
  }

  /** Kicks the oldest online connection to make room, as a master's kick would: reason 12, and its offline entry. */
  private kickOldest(): void {
    for (let oldest = this.onlineOrder.shift(); oldest; oldest = this.onlineOrder.shift()) {
      if (oldest.state !== 'online') continue;
      this.end(oldest, 'kicked', ReasonCode.connectKick, 'bound');
      this.bounds.online.noteEviction();
      return;
    }
  }

  /** Keeps an ended connection readable, forgetting the oldest ended one past the bound. */
  private retire(connection: Connection): void {
    this.ended.push(connection.connection_id);
    if (this.ended.length <= this.bounds.ended.max) return;
    this.forget(this.ended.shift() as number);
    this.bounds.ended.noteEviction();
  }

  /** Drops a connection from the registry and from the id order. */
  private forget(id: number): void {
    this.all.delete(id);
    this.order.delete({ connection_id: id });
  }

  /** Notes a connection's new state, with the counts as they stand after it. */
  private changed(connection: Connection, online: 0 | 1): void {
    this.changes.push(this.entry(connection, online));
  }

  /** A `user.onlinestatus` entry, with the counts as they stand now. */
  private entry(connection: Connection, online: 0 | 1): string {
    const inSlot = this.onlineBySlot.get(slotKey(connection.uid, connection.device_flag))?.size ?? 0;
    const total = this.onlineByUid.get(connection.uid)?.size ?? 0;
    return `${connection.uid}-${connection.device_flag}-${online}-${connection.connection_id}-${inSlot}-${total}`;
  }

  /** Hands one operation's changes to the listener as one batch, as the server batches its pushes. */
  private flush(): void {
    if (this.changes.length === 0) return;
    const batch = this.changes;
    this.changes = [];
    this.onStatusChange(batch);
  }
}
