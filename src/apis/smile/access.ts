/** Who may call the Smile API: the rate limit per client address, Basic auth, and the mode a host serves. */
import type { Clock } from '../../core/clock.js';
import type { Reply } from '../../core/reply.js';
import type { RequestLike } from '../../core/request.js';
import { type Credential, createCredentialCheck, hostModeOf, type Mode } from './credentials.js';
import type { Envelopes } from './errors.js';
import { createRateLimit } from './rate-limit.js';

export interface AccessSettings {
  credentials: readonly Credential[];
  hosts: Readonly<Record<string, Mode>>;
  /** Requests per second per client address; undefined for no limit. */
  rateLimit: number | undefined;
  clock: Clock;
  envelopes: Envelopes;
}

export interface Access {
  /** The refusal a request gets before any handler runs (429 or 401), or undefined when it may go on. */
  guard(request: RequestLike): Reply | undefined;
  /** The mode of a request the guard let through: its key's. */
  modeOf(request: RequestLike): Mode;
}

/**
 * Builds the checks every Smile request passes, in the real API's order: the rate limit, the
 * credentials, then the host's mode.
 */
export function createAccess({ credentials, hosts, rateLimit, clock, envelopes: { error } }: AccessSettings): Access {
  const credentialFor = createCredentialCheck(credentials);
  const waitFor = rateLimit === undefined ? undefined : createRateLimit(rateLimit, clock);
  return {
    guard(request) {
      const wait = waitFor?.(request.clientAddress ?? 'unknown') ?? 0;
      if (wait > 0) {
        const refusal = error(
          429,
          'REQUEST_LIMIT_EXCEEDED',
          `Too many requests: the limit is ${rateLimit} per second per client address; retry after ${wait} s`,
        );
        return { ...refusal, headers: { 'retry-after': String(wait) } };
      }
      const authorization = request.headers.get('authorization');
      if (authorization === null) return error(401, 'INVALID_CREDENTIALS', 'Missing credentials: send Authorization: Basic base64(<API key>:<API secret>)');
      const credential = credentialFor(authorization);
      if (!credential) return error(401, 'INVALID_CREDENTIALS', 'The API key or secret is invalid');
      const hostMode = hostModeOf(request.url, hosts);
      if (hostMode && hostMode !== credential.mode)
        return error(401, 'INVALID_CREDENTIALS', `The API key is a ${credential.mode} key; this host serves ${hostMode}`);
      return undefined;
    },
    modeOf: (request) => (credentialFor(request.headers.get('authorization')) as Credential).mode,
  };
}
