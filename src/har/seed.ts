/**
 * State from recordings: each HAR entry the specs recognise is checked, its answer read for the
 * state it shows (Smile users and webhook subscriptions, WuKongIM device slots), and the result put in
 * place through the same all-or-nothing snapshot restore `--state-file` uses. An answer that breaks the
 * spec refuses the whole recording.
 */
import type { User } from '../apis/smile/users.js';
import type { Webhook } from '../apis/smile/webhooks.js';
import { ALL_DEVICE_FLAGS, DeviceLevel, slotKey } from '../apis/wukongim/devices.js';
import { REDACTED } from '../core/credentials.js';
import type { Dispatcher } from '../core/dispatch.js';
import { type ErrorDetail, isMockError } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import { describe } from '../core/validation.js';
import type { components } from '../generated/admin.types.js';
import type { MockSnapshot } from '../snapshot.js';
import { apiOrigins, originOf } from './hosts.js';
import { type RecordedExchange, readHar, refusal } from './read.js';

/** A device slot as snapshots hold it. */
type SlotState = components['schemas']['DeviceSlotState'];

/** What seeding from recordings came to (openapi/admin.yaml `HarSeedReport`). */
export type HarSeedReport = components['schemas']['HarSeedReport'];

/** A recording to seed from: its HAR document, and what messages call it (a file name). */
export interface Recording {
  label: string;
  document: unknown;
}

/** What seeding needs of a mock. */
export interface SeedTarget {
  seed: number;
  /** WuKongIM's token lifetime, so a recorded slot expires as one stored now would. */
  tokenTtl: number | null;
  /** The most Smile users the mock holds: past it a restore would forget the oldest, recorded ones among them. */
  maxUsers: number;
  inspect: Dispatcher['inspect'];
  snapshot(): MockSnapshot;
  restore(snapshot: MockSnapshot): void;
}

/** How many unreproducible answers the report lists one by one; the count covers all. */
const MAX_LISTED = 100;
/** How many hosts the report names whose entries were left out. */
const MAX_LISTED_HOSTS = 20;

/**
 * Adds what the recordings show to the mock's state (a recorded user or subscription replaces one
 * with its id), or throws a MockError of kind `invalid-har` and changes nothing.
 * @example seedFromHar(target, [{ label: 'session.har', document: JSON.parse(text) }]).users
 */
export function seedFromHar(target: SeedTarget, recordings: readonly Recording[]): HarSeedReport {
  const before = target.snapshot();
  const held = new HeldState(before, target);
  const report: HarSeedReport = {
    entries: 0,
    applied: 0,
    ignored: 0,
    ignoredHosts: [],
    users: 0,
    webhooks: 0,
    slots: 0,
    unreproducible: [],
    unreproducibleCount: 0,
    secrets: [],
  };
  const cannot = (exchange: RecordedExchange, operationId: string, reason: string) => {
    report.unreproducibleCount += 1;
    if (report.unreproducible.length < MAX_LISTED) report.unreproducible.push({ entry: exchange.where, operationId, reason });
  };

  // Every recording is read and inspected first: a host that one of them shows to be a mocked API's
  // (hosts.ts) is that API's in all of them. Entries of other hosts are left out, like those of paths no spec names.
  const read = recordings.map((recording) => {
    const exchanges = readHar(recording.document, recording.label);
    report.entries += exchanges.length;
    const inspected = exchanges.flatMap((exchange) => {
      const origin = originOf(exchange.url);
      return origin === undefined ? [] : [{ exchange, origin, ...target.inspect(exchange, exchange.api) }];
    });
    report.ignored += exchanges.length - inspected.length;
    return { label: recording.label, inspected };
  });
  const origins = apiOrigins(read.flatMap(({ inspected }) => inspected));
  const ignoredHosts = new Set<string>();
  for (const { label, inspected } of read) {
    const contradictions: ErrorDetail[] = [];
    for (const { exchange, origin, api, operation, violations } of inspected) {
      if (!origins.has(origin)) {
        report.ignored += 1;
        ignoredHosts.add(origin);
        continue;
      }
      // The control API's, a path no spec names, or an answer a mock made itself (a fault, the proxy's 502).
      if (api === 'admin' || !operation || exchange.mockMade) {
        report.ignored += 1;
        continue;
      }
      if (exchange.unreadable) {
        cannot(exchange, operation.id, exchange.unreadable);
        continue;
      }
      const status = exchange.response?.status ?? 0;
      for (const violation of violations)
        if (violation.location === 'response') contradictions.push({ path: exchange.pointer, message: `${operation.id} → ${status}: ${describe(violation)}` });
      if (contradictions.length > 0 || status < 200 || status > 299) continue;
      const outcome = held.apply(operation.id, exchange);
      if (outcome.applied) report.applied += 1;
      for (const reason of outcome.unreproducible) cannot(exchange, operation.id, reason);
    }
    if (contradictions.length > 0) throw refusal(label, 'holds answers that contradict the spec', contradictions);
  }

  const next = held.snapshot(before);
  const users = next.state.smile.users.length;
  if (users > target.maxUsers) {
    const message = `hold ${users.toLocaleString('en-US')} Smile users with those already held; the mock holds at most ${target.maxUsers.toLocaleString('en-US')} (--max-users, smile.maxUsers)`;
    throw refusal(recordings.map((recording) => recording.label).join(', '), 'make a state the mock cannot hold', [{ path: '/log/entries', message }]);
  }
  try {
    target.restore(next);
  } catch (error) {
    if (isMockError(error) && error.kind === 'invalid-snapshot')
      throw refusal(recordings.map((recording) => recording.label).join(', '), 'make a state the mock cannot hold', error.errors);
    throw error;
  }
  report.users = held.recordedUsers.size;
  report.webhooks = held.recordedWebhooks.size;
  report.slots = held.recordedSlots.size;
  report.secrets = [...held.seededSecrets].map(([webhookId, secret]) => ({ webhookId, secret }));
  report.ignoredHosts = [...ignoredHosts].slice(0, MAX_LISTED_HOSTS);
  return report;
}

/** What was seeded, then one line per seeded secret and per unreproducible answer, for a start-up banner. */
export function seedSummary(report: HarSeedReport): string[] {
  const lines = [
    `${plural(report.users, 'Smile user')}, ${plural(report.webhooks, 'webhook subscription')} and ${plural(report.slots, 'WuKongIM device slot')} ` +
      `from ${plural(report.entries, 'entry', 'entries')} (${report.applied} applied, ${report.ignored} neither API's)`,
  ];
  if (report.ignoredHosts.length > 0) lines.push(`left out as neither API's: ${report.ignoredHosts.join(', ')}`);
  for (const { webhookId, secret } of report.secrets) lines.push(`webhook ${webhookId}: its secret was redacted; it signs with ${secret}`);
  for (const { entry, operationId, reason } of report.unreproducible) lines.push(`not reproduced: ${entry} (${operationId}): ${reason}`);
  const unlisted = report.unreproducibleCount - report.unreproducible.length;
  if (unlisted > 0) lines.push(`and ${unlisted} more not reproduced`);
  return lines;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** The users, subscriptions and slots as the recordings leave them, over the state they started from. */
class HeldState {
  private readonly users: Map<string, User>;
  private readonly webhooks: Map<string, Webhook>;
  private readonly slots: Map<string, SlotState>;
  readonly recordedUsers = new Set<string>();
  readonly recordedWebhooks = new Set<string>();
  readonly recordedSlots = new Set<string>();
  readonly seededSecrets = new Map<string, string>();

  constructor(
    before: MockSnapshot,
    private readonly target: SeedTarget,
  ) {
    this.users = new Map(before.state.smile.users.map((user) => [String(user.id), user as User]));
    this.webhooks = new Map(before.state.smile.webhooks.map((webhook) => [String(webhook.id), webhook as Webhook]));
    this.slots = new Map(before.state.wukongim.devices.slots.map((slot) => [slotKey(slot.uid, slot.deviceFlag), slot]));
  }

  /** Reads the state an answer shows; `applied` when it showed any, and why parts of it cannot be reproduced. */
  apply(operationId: string, exchange: RecordedExchange): { applied: boolean; unreproducible: string[] } {
    const data = (jsonOf(exchange.response?.body ?? null) as { data?: unknown } | undefined)?.data as Record<string, unknown> | undefined;
    const unreproducible: string[] = [];
    switch (operationId) {
      case 'createUser':
        this.user(data?.user as User);
        unreproducible.push(linkToken(data?.token, (data?.user as User).id));
        break;
      case 'getUser':
        this.user(data as User);
        break;
      case 'listUsers':
        for (const user of (data?.items ?? []) as User[]) this.user(user);
        break;
      case 'createToken':
        unreproducible.push(linkToken(data, new URL(exchange.url).searchParams.get('userId') ?? '?'));
        break;
      case 'createWebhook':
      case 'getWebhook':
        this.webhook(data as Webhook);
        break;
      case 'listWebhooks':
        for (const webhook of (data?.items ?? []) as Webhook[]) this.webhook(webhook);
        break;
      case 'deleteWebhook':
        this.webhooks.delete(lastSegment(exchange.url));
        break;
      case 'updateToken': {
        const reason = this.updateToken(exchange);
        if (reason === null) return { applied: false, unreproducible };
        if (reason) unreproducible.push(reason);
        break;
      }
      case 'deviceQuit':
        this.deviceQuit(exchange);
        break;
      default:
        return { applied: false, unreproducible };
    }
    return { applied: true, unreproducible };
  }

  snapshot(before: MockSnapshot): MockSnapshot {
    const { smile, wukongim } = before.state;
    return {
      ...before,
      state: {
        ...before.state,
        smile: { ...smile, users: [...this.users.values()], webhooks: [...this.webhooks.values()] },
        wukongim: { ...wukongim, devices: { ...wukongim.devices, slots: [...this.slots.values()] } },
      },
    };
  }

  private user(user: User): void {
    this.users.set(user.id, user);
    this.recordedUsers.add(user.id);
  }

  private webhook(webhook: Webhook): void {
    let kept = webhook;
    if (webhook.secret === REDACTED) {
      const secret = seededSecret(this.target.seed, webhook.id);
      this.seededSecrets.set(webhook.id, secret);
      kept = { ...webhook, secret };
    }
    this.webhooks.set(webhook.id, kept);
    this.recordedWebhooks.add(webhook.id);
  }

  /** Null when the server refused the token (a banned uid answers 200 with its reason); else why the slot cannot authenticate, or ''. */
  private updateToken(exchange: RecordedExchange): string | null {
    const answer = jsonOf(exchange.response?.body ?? null) as { status?: unknown } | undefined;
    if (answer?.status !== 'ok' && answer?.status !== 200) return null;
    const body = jsonOf(exchange.body) as { uid?: unknown; token?: unknown; device_flag?: unknown; device_level?: unknown } | undefined;
    if (typeof body?.uid !== 'string' || typeof body.token !== 'string') return null;
    const deviceFlag = typeof body.device_flag === 'number' ? body.device_flag : 0;
    const deviceLevel = body.device_level === DeviceLevel.master ? DeviceLevel.master : DeviceLevel.slave;
    const redacted = body.token === REDACTED;
    const { tokenTtl } = this.target;
    const slot: SlotState = {
      uid: body.uid,
      deviceFlag,
      deviceLevel,
      // A redacted token must not authenticate: the slot is kept empty, as after /user/device_quit.
      token: redacted ? '' : body.token,
      updatedAt: exchange.time,
      expiresAt: tokenTtl === null ? null : exchange.time + tokenTtl,
    };
    const key = slotKey(slot.uid, deviceFlag);
    this.slots.set(key, slot);
    this.recordedSlots.add(key);
    return redacted ? `the token of ${slot.uid} (device_flag ${deviceFlag}) was redacted, so no client can connect with it until POST /user/token` : '';
  }

  private deviceQuit(exchange: RecordedExchange): void {
    const body = jsonOf(exchange.body) as { uid?: unknown; device_flag?: unknown } | undefined;
    if (typeof body?.uid !== 'string') return;
    const flag = typeof body.device_flag === 'number' ? body.device_flag : 0;
    for (const deviceFlag of flag === -1 ? ALL_DEVICE_FLAGS : [((flag % 256) + 256) % 256]) {
      const slot = this.slots.get(slotKey(body.uid, deviceFlag));
      if (slot) this.slots.set(slotKey(body.uid, deviceFlag), { ...slot, token: '', deviceLevel: DeviceLevel.master, updatedAt: exchange.time });
    }
  }
}

/** Why a recorded link token cannot be used against the mock. */
function linkToken(token: unknown, userId: string): string {
  const accessToken = (token as { accessToken?: unknown } | undefined)?.accessToken;
  return accessToken === REDACTED
    ? `the link token of ${userId} was redacted; POST /v1/tokens issues one the mock accepts`
    : `the link token of ${userId} was signed by whoever answered the recording; POST /v1/tokens issues one the mock accepts`;
}

/** A webhook secret from the mock's seed and the subscription's id: the same recording and seed sign alike on every run. */
function seededSecret(seed: number, id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return `whsec_${createRandom((seed ^ hash) >>> 0).hex(32)}`;
}

function lastSegment(url: string): string {
  const segment = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function jsonOf(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
