/** The Smile user operations: create (with its first link token), list by creation date, read, payload and session reset. */
import { type Clock, isoSeconds } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import type { RequestLike } from '../../core/request.js';
import type { HandlerTable } from '../../core/typed.js';
import type { operations as Operations } from '../../generated/smile.types.js';
import type { Mode } from './credentials.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Envelopes } from './errors.js';
import type { SmileEvents } from './events.js';
import type { TokenStore } from './tokens.js';
import { createPageCache, sessionPayload, type User, type UserStore } from './users.js';

type UserOperations = Pick<Operations, 'createUser' | 'listUsers' | 'getUser' | 'getUserSessionPayload' | 'resetUserSession'>;

export interface UserParts {
  clock: Clock;
  random: Random;
  tenantId: string;
  users: UserStore;
  tokens: TokenStore;
  events: SmileEvents;
  envelopes: Envelopes;
  modeOf(request: RequestLike): Mode;
}

const DAY = 86_400_000;

/**
 * Builds the user handlers, and the two changes the service also makes: creating a user and
 * resetting a session, each with its webhook event.
 */
export function createUserOperations({ clock, random, tenantId, users, tokens, events, envelopes, modeOf }: UserParts) {
  const { ok, okText, done, created, error } = envelopes;
  const missing = (id: string) => error(404, 'MISSING_RESOURCE', `User ${id} does not exist`);
  // Pages asked for again (a front end polling the first page, say) are served from their text until
  // any user changes.
  const pages = createPageCache<{ data: { nextCursor?: string; items: User[] }; text: string }>(() => users.version);

  const createUser = (externalMetadata: Record<string, string> = {}): User => {
    const user: User = { id: `${tenantId}-${random.hex(32)}`, externalMetadata, createdAt: isoSeconds(clock.now()), providers: [] };
    users.add(user);
    events.emit('USER_CREATED', user);
    return user;
  };

  const resetSession = (id: string): User | undefined => {
    const user = users.update(id, (changed) => {
      changed.session = { userId: changed.id, channel: 'Default', status: 'IN_PROGRESS' };
    });
    if (user) events.emit('USER_SESSION_RESET', user);
    return user;
  };

  const handlers: HandlerTable<UserOperations> = {
    async createUser({ body, request }) {
      const user = createUser(body?.externalMetadata);
      return created({ user, token: await tokens.issue(user.id, modeOf(request)) });
    },

    listUsers({ params }) {
      let { startDate, endDate } = params;
      let before: { at: number; seq: number } | undefined;
      if (params.cursor !== undefined) {
        const state = decodeCursor(params.cursor);
        if (!state || typeof state.at !== 'number' || typeof state.seq !== 'number')
          return error(400, 'INVALID_PARAMETERS', 'query/cursor is not a cursor this API issued');
        before = { at: state.at, seq: state.seq };
        startDate = typeof state.startDate === 'string' ? state.startDate : undefined;
        endDate = typeof state.endDate === 'string' ? state.endDate : undefined;
      }
      const from = startDate === undefined ? undefined : Date.parse(`${startDate}T00:00:00Z`);
      const to = endDate === undefined ? undefined : Date.parse(`${endDate}T00:00:00Z`) + DAY - 1;
      if (from !== undefined && to !== undefined && from > to) return error(400, 'INVALID_PARAMETERS', 'query/startDate must not be after endDate');
      const size = params.size ?? 10;
      const key = `${size}|${from}|${to}|${before?.at}|${before?.seq}|${startDate}|${endDate}`;
      const cached = pages.get(key);
      if (cached) return okText(cached.data, cached.text);
      const page = users.page({ size, from, to, before });
      const nextCursor = page.next && encodeCursor({ ...page.next, startDate, endDate });
      const items = `[${page.texts.join(',')}]`;
      // The cursor is base64url, so it needs no escaping inside the JSON text.
      const built = nextCursor
        ? { data: { nextCursor, items: page.items }, text: `{"nextCursor":"${nextCursor}","items":${items}}` }
        : { data: { items: page.items }, text: `{"items":${items}}` };
      pages.set(key, built);
      return okText(built.data, built.text);
    },

    getUser({ params }) {
      const found = users.getWithText(params.id);
      return found ? okText(found.user, found.text) : missing(params.id);
    },

    getUserSessionPayload({ params }) {
      const user = users.get(params.id);
      return user ? ok(sessionPayload(user.session)) : missing(params.id);
    },

    resetUserSession({ params }) {
      return resetSession(params.id) ? done() : missing(params.id);
    },
  };

  return { handlers, createUser, resetSession };
}
