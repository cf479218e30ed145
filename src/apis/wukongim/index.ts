/** The mocked WuKongIM user-token API: device slots, master kicks, device quit, online status. */
import type { Api } from '../../core/api.js';
import { createBound, createLimit } from '../../core/bounds.js';
import { parseDuration, parseLifetime } from '../../core/duration.js';
import type { RequestLike } from '../../core/request.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/wukongim.operations.js';
import type { operations as Operations } from '../../generated/wukongim.types.js';
import { ConnectionRegistry } from './connections.js';
import { decodeBody } from './decoding.js';
import { DeviceStore } from './devices.js';
import { createWukongimErrors, unauthorized } from './errors.js';
import { fieldLengthBounds } from './field-lengths.js';
import { ImServer } from './im/server.js';
import { createWukongimOperations } from './operations.js';
import type { RouteAddress, WukongimContext, WukongimOptions } from './options.js';
import { createWukongimService, type WukongimService } from './service.js';
import { checkWukongimState, type WukongimSnapshot } from './snapshot.js';
import { createOnlineStatusWebhook } from './webhook.js';

export type { RouteAddress, WukongimContext, WukongimOptions, WukongimProfile } from './options.js';
export { WUKONGIM_PROFILES } from './options.js';
export type { DeviceView, ImPort, WukongimCounts, WukongimService } from './service.js';

const DEFAULT_RETRY_DELAYS = ['1s', '1s', '1s', '1s'];

/**
 * Creates the WuKongIM API and its service over one clock.
 * @example const { api, service } = createWukongim({ profile: 'server-v2' }, { clock, outbox, seed: 1 });
 */
export function createWukongim(options: WukongimOptions, context: WukongimContext): { api: Api; service: WukongimService } {
  const { clock } = context;
  const profile = options.profile ?? 'docs';
  const ttl = options.tokenTtl === undefined ? null : parseLifetime(options.tokenTtl, 'wukongim.tokenTtl');
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
    aesCbc: options.aesCbc,
  });
  const route: RouteAddress = { tcp_addr: '127.0.0.1:5100', ws_addr: 'ws://127.0.0.1:5200', wss_addr: '', ...options.route };
  const { handlers, storeToken, tokenRefusal } = createWukongimOperations({
    clock,
    profile,
    ttl,
    systemUid: options.systemUid ?? '____system',
    devices,
    connections,
    fieldLengths,
    route,
  });

  const api: Api = {
    name: 'wukongim',
    basePath: '',
    operations,
    handlers: typedHandlers<Pick<Operations, keyof typeof operations>>(handlers),
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
      // Applied one by one, so the last status of a uid is the one it keeps.
      const statuses = new Map((state as WukongimSnapshot).devices.statuses);
      const held = [...statuses.values()].filter((status) => status !== 'active').length;
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

  const service = createWukongimService({
    profile,
    tokenTtl: ttl,
    webhookUrl: options.webhookUrl,
    devices,
    connections,
    bounds,
    userStates,
    webhook,
    im,
    route,
    storeToken,
    tokenRefusal,
  });
  return { api, service };
}
