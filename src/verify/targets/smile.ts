/** Verify's knowledge of the Smile API: Basic credentials, a user and webhooks to work on, the user flow. */
import { DEFAULT_CREDENTIALS, type Mode, SMILE_HOSTS } from '../../apis/smile/credentials.js';
import type { components } from '../../generated/smile.types.js';
import { type Answer, shownValue } from '../check.js';
import type { Contract } from '../contract.js';
import type { Schema } from '../schema.js';
import type { FlowSteps, VerifyTarget } from '../target.js';

// The flow reads only answers that passed verify's contract, so they have the spec's shapes, less what
// relaxations.ts lets a provider leave out.
type User = components['schemas']['User'];
type Token = Omit<components['schemas']['Token'], 'id'> & { id?: string };

const DAY = 86_400_000;
const basic = (key: string, secret: string) => `Basic ${btoa(`${key}:${secret}`)}`;

/** The mode every token of a run must have, and how verify knows it. */
export interface ExpectedMode {
  mode: Mode;
  /** Reads after "the mode of": `the host sandbox.smileapi.io`. */
  from: string;
}

/**
 * The mode a real Smile host serves, or undefined for any other (the mock, a proxy).
 * @example servedMode('https://open.smileapi.io/v1') // 'PRODUCTION'
 */
export function servedMode(baseUrl: string): Mode | undefined {
  return SMILE_HOSTS[new URL(baseUrl).origin];
}

/**
 * A hint for a base URL that does not end in /v1, where Smile serves its API: its paths would miss.
 * @example baseUrlHint('http://127.0.0.1:5002') // 'hint: http://127.0.0.1:5002 does not end in /v1, …'
 */
export function baseUrlHint(baseUrl: string): string | undefined {
  const trimmed = baseUrl.replace(/\/+$/, '');
  if (trimmed.endsWith('/v1')) return undefined;
  return `hint: ${baseUrl} does not end in /v1, where Smile serves its API (https://sandbox.smileapi.io/v1); if the cases fail with 404, try --base-url ${trimmed}/v1`;
}

/**
 * The mode a run's tokens must have: the one asked for, else the one the real host serves, else the
 * one of the mock's own key pair; undefined when none says (the first token then decides).
 * @example expectedMode('https://sandbox.smileapi.io/v1', { key: 'k', secret: 's' }) // { mode: 'SANDBOX', from: 'the host sandbox.smileapi.io' }
 */
export function expectedMode(baseUrl: string, credentials: { key: string; secret: string }, asked?: 'sandbox' | 'production'): ExpectedMode | undefined {
  if (asked) return { mode: asked === 'sandbox' ? 'SANDBOX' : 'PRODUCTION', from: `--mode ${asked}` };
  const served = servedMode(baseUrl);
  if (served) return { mode: served, from: `the host ${new URL(baseUrl).host}` };
  const known = DEFAULT_CREDENTIALS.find((pair) => pair.key === credentials.key && pair.secret === credentials.secret);
  if (known) return { mode: known.mode, from: `the mock's key ${known.key}` };
  return undefined;
}

/** Pages of GET /users read at most while looking for a new user. */
const PAGES_READ = 10;

/** Whether two JSON values are equal, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson((a as Schema)[key], (b as Schema)[key]));
}

/**
 * Whether GET /users lists `user`. Its document gives no order, so the list is narrowed to users
 * created from the day before (time zones) and read page by page.
 */
async function listed(steps: FlowSteps, user: User, headers: Record<string, string>): Promise<boolean> {
  const startDate = new Date(Date.parse(user.createdAt) - DAY).toISOString().slice(0, 10);
  let cursor: string | undefined;
  for (let page = 0; page < PAGES_READ; page++) {
    const query: Record<string, string> = { size: '150', startDate, ...(cursor ? { cursor } : {}) };
    const answer = (await steps.call('listUsers', { path: '/users', query, headers }, [200])) as { data: { items: User[]; nextCursor?: string } } | undefined;
    if (!answer) return true; // the failed step says why
    if (answer.data.items.some((item) => item.id === user.id)) return true;
    cursor = answer.data.nextCursor;
    if (!cursor) return false;
  }
  return false;
}

/** Where an operation's answer carries a token. */
const TOKEN_AT: Record<string, string[]> = { createUser: ['data', 'token'], createToken: ['data'] };

/**
 * The Smile target. Webhooks point at an https URL nobody answers; the mock and the real API only
 * register them.
 */
export function smileTarget(
  { document, operations }: Contract,
  options: { baseUrl: string; credentials: { key: string; secret: string }; tag: string; mode: ExpectedMode | undefined },
): VerifyTarget {
  const { credentials, tag } = options;
  const hint = baseUrlHint(options.baseUrl);
  const headers = { authorization: basic(credentials.key, credentials.secret) };
  // Without a mode asked for, a known host or a known key, the first token sets the mode of the rest.
  let expected = options.mode;
  const webhook = (name: string) =>
    JSON.stringify({ name, url: 'https://example.com/token-mock-verify', eventTypes: ['USER_CREATED'], active: false, secret: 'verify-secret' });

  return {
    api: 'smile',
    operations,
    document,
    headers,
    badCredentials: [
      { label: 'without credentials', headers: {} },
      { label: 'with a wrong secret', headers: { authorization: basic(credentials.key, `${credentials.secret}-wrong`) } },
    ],
    async prepare(send) {
      const json = { ...headers, 'content-type': 'application/json' };
      const user = await send({ method: 'POST', path: '/users', headers: json, body: '{}' });
      const kept = await send({ method: 'POST', path: '/webhooks', headers: json, body: webhook(`verify ${tag}`) });
      const doomed = await send({ method: 'POST', path: '/webhooks', headers: json, body: webhook(`verify ${tag} (deleted)`) });
      // A failed set-up leaves a placeholder: the cases that use it then fail and show why.
      const data = (answer: Answer) => (answer.json as { data?: { id?: string; user?: { id?: string } } } | undefined)?.data;
      return {
        userId: data(user)?.user?.id ?? 'setup-failed',
        webhookId: data(kept)?.id ?? 'setup-failed',
        doomedWebhookId: data(doomed)?.id ?? 'setup-failed',
      };
    },
    pathValue(operationId, _parameter, ids) {
      if (operationId === 'deleteWebhook') return ids.doomedWebhookId as string;
      return (operationId.endsWith('Webhook') ? ids.webhookId : ids.userId) as string;
    },
    query(operationId, ids): Record<string, string> {
      if (operationId === 'createToken') return { userId: ids.userId as string };
      if (operationId === 'listUsers' || operationId === 'listWebhooks') return { size: '5' };
      return {};
    },
    body(operationId, sampled) {
      if (operationId === 'createUser') return { externalMetadata: { crmId: `verify-${tag}` } };
      if (operationId === 'createWebhook') return { ...(sampled as object), url: 'https://example.com/token-mock-verify', active: false };
      return sampled;
    },
    tolerates: () => false,
    inspect(operationId, body) {
      const at = TOKEN_AT[operationId];
      if (!at) return [];
      const token = at.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body) as Token | undefined;
      if (!token) return [];
      if (!expected) expected = { mode: token.mode, from: 'the first token of this run' };
      if (token.mode === expected.mode) return [];
      return [`body/${at.join('/')}/mode must be ${shownValue(expected.mode)}, the mode of ${expected.from}, got ${shownValue(token.mode)}`];
    },
    notes: () => [
      ...(hint ? [hint] : []),
      expected
        ? `every token must be of mode ${expected.mode}, the mode of ${expected.from}`
        : 'no token came, so no mode was checked (--mode sandbox|production says which to expect)',
    ],
    flows: [
      {
        name: 'create a user, read it, find it in the list, refresh its token',
        async run(steps: FlowSteps) {
          const json = { ...headers, 'content-type': 'application/json' };
          const created = (await steps.call('createUser', { path: '/users', headers: json, body: '{}' }, [201])) as
            | { data: { user: User; token: Token } }
            | undefined;
          if (!created) return;
          const { user, token } = created.data;
          const read = (await steps.call('getUser', { path: `/users/${user.id}`, headers }, [200])) as { data: User } | undefined;
          if (read) {
            // The fields that say who the user is; a session may move on, and key order means nothing in JSON.
            for (const field of ['id', 'createdAt', 'externalMetadata'] as const) {
              steps.expect(
                sameJson(read.data[field], user[field]),
                `GET /users/${user.id} has ${field} ${shownValue(read.data[field])} where POST /users answered ${shownValue(user[field])}`,
              );
            }
          }
          steps.expect(await listed(steps, user, headers), `the new user is not in GET /users from the day before its createdAt ${user.createdAt} on`);
          const refreshed = (await steps.call('createToken', { path: '/tokens', query: { userId: user.id }, headers }, [201])) as { data: Token } | undefined;
          if (!refreshed) return;
          const next = refreshed.data;
          // Token ids are optional: compared only where both tokens have one.
          if (next.id !== undefined && token.id !== undefined)
            steps.expect(next.id !== token.id, `the refreshed token has the id of the first one, ${shownValue(token.id)}`);
          steps.expect(next.accessToken !== token.accessToken, `the refreshed token has the accessToken of the first one, ${shownValue(token.accessToken)}`);
          steps.expect(next.mode === token.mode, `the refreshed token's mode ${next.mode} differs from the first's ${token.mode}`);
          const createdAt = Date.parse(user.createdAt);
          for (const [name, issued] of [
            ['first', token],
            ['refreshed', next],
          ] as const) {
            const lifetime = Date.parse(issued.expiresAt) - createdAt;
            steps.expect(
              lifetime > 0 && lifetime <= DAY,
              `the ${name} token's expiresAt ${issued.expiresAt} is not within a day after the user's createdAt ${user.createdAt}`,
            );
          }
          steps.expect(Date.parse(next.expiresAt) >= Date.parse(token.expiresAt), 'the refreshed token expires before the first one');
        },
      },
    ],
  };
}
