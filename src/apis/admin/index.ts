/** The control API under `/__mock`: reset, clock, journal, and the simulated WuKongIM IM client. */
import type { Api } from '../../core/api.js';
import type { Clock } from '../../core/clock.js';
import { parseDuration } from '../../core/duration.js';
import type { Journal } from '../../core/journal.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/admin.operations.js';
import type { operations as Operations } from '../../generated/admin.types.js';
import type { SmileService } from '../smile/index.js';
import type { WukongimService } from '../wukongim/index.js';
import { adminErrors, problem } from './problems.js';

/** What the control API drives: the same objects the programmatic API exposes. */
export interface AdminTargets {
  clock: Clock;
  journal: Journal;
  wukongim: WukongimService;
  smile: SmileService;
  reset(): void;
}

const REFUSALS = {
  forged: 'its signature does not verify',
  unknown: 'this mock never issued it',
  expired: 'it expired',
  used: 'it was already used',
  revoked: 'a newer token revoked it',
} as const;

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
      let entries = journal.entries();
      if (params.api) entries = entries.filter((entry) => entry.api === params.api);
      if (params.limit) entries = entries.slice(-params.limit);
      return { status: 200, body: { entries, total: journal.total, capacity: journal.capacity } };
    },
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
  });

  return { name: 'admin', basePath: '/__mock', operations, handlers, errors: adminErrors, reset() {} };
}
