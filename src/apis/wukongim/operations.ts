/** The WuKongIM operations: token update (a master kicks its slot), device quit, online status and the route. */
import type { Clock } from '../../core/clock.js';
import type { HandlerTable } from '../../core/typed.js';
import type { operations as served } from '../../generated/wukongim.operations.js';
import type { components, operations as Operations } from '../../generated/wukongim.types.js';
import { type ConnectionRegistry, ReasonCode } from './connections.js';
import { ALL_DEVICE_FLAGS, DeviceLevel, type DeviceStore } from './devices.js';
import { badRequest, Messages } from './errors.js';
import type { FieldLengths } from './field-lengths.js';
import type { RouteAddress, WukongimProfile } from './options.js';

type UpdateTokenBody = Partial<components['schemas']['UpdateTokenRequest']>;
type DeviceQuitBody = Partial<components['schemas']['DeviceQuitRequest']>;

export interface OperationParts {
  clock: Clock;
  profile: WukongimProfile;
  /** How long a stored token authenticates, in ms; null for ever. */
  ttl: number | null;
  systemUid: string;
  devices: DeviceStore;
  connections: ConnectionRegistry;
  fieldLengths: FieldLengths;
  route: RouteAddress;
}

/**
 * Builds the handlers of the WuKongIM spec's paths; `storeToken`, the token update the service also
 * makes; and `tokenRefusal`, why `POST /user/token` would refuse a uid and token (or undefined), which
 * the service's callers check against. The spec's `webhooks:` operations are events the mock sends, not requests it serves.
 */
export function createWukongimOperations({ clock, profile, ttl, systemUid, devices, connections, fieldLengths, route }: OperationParts) {
  const storeToken = (uid: string, token: string, deviceFlag: number, deviceLevel: number) => {
    const now = clock.now();
    devices.put({ uid, deviceFlag, deviceLevel, token, updatedAt: now, expiresAt: ttl === null ? null : now + ttl });
    if (deviceLevel === DeviceLevel.master) connections.kickSlot(uid, deviceFlag, 'token-update');
  };
  const addresses = (intranet: string | undefined) =>
    // The server reads `intranet` as an integer: anything that parses to non-zero asks for the intranet address.
    Number.parseInt(intranet ?? '', 10) ? { tcp_addr: route.tcp_addr, ws_addr: '', wss_addr: '' } : { ...route };
  const ok = () => (profile === 'docs' ? { status: 'ok' as const } : { status: 200 as const });
  const tokenRefusal = (uid: string, token: string): string | undefined => {
    if (uid === '') return Messages.uidEmpty;
    if (token === '') return Messages.tokenEmpty;
    const tooLong = fieldLengths.problem({ uid, token });
    if (tooLong) return tooLong;
    if (/[@#&]/.test(uid)) return Messages.uidSpecialCharacters;
    if (uid === systemUid) return Messages.systemUid;
    return undefined;
  };

  const handlers: HandlerTable<Pick<Operations, keyof typeof served>> = {
    health: () => ({ status: 200, body: { status: 'ok' } }),

    updateToken({ body }) {
      // Go's zero values stand in for omitted fields, as the server's decoder leaves them.
      const { uid = '', token = '', device_flag = 0, device_level = DeviceLevel.slave } = body as UpdateTokenBody;
      const refusal = tokenRefusal(uid, token);
      if (refusal) return badRequest(refusal);
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
  };

  return { handlers, storeToken, tokenRefusal };
}
