/** Smile's HTTP Basic credentials: each API key and secret belongs to one mode. */
import { base64FromBytes } from '../../core/base64.js';

/** SANDBOX or PRODUCTION. */
export type Mode = 'SANDBOX' | 'PRODUCTION';

/** One API key pair. */
export interface Credential {
  key: string;
  secret: string;
  mode: Mode;
}

/** The two pairs the mock ships, printed at start-up and used by the README. */
export const DEFAULT_CREDENTIALS: readonly Credential[] = [
  { key: 'test_key', secret: 'test_secret', mode: 'SANDBOX' },
  { key: 'live_key', secret: 'live_secret', mode: 'PRODUCTION' },
];

/** The `Authorization` header value for a pair. */
export function basicAuthorization(credential: Pick<Credential, 'key' | 'secret'>): string {
  // Standard base64 here, not base64url: RFC 7617.
  const bytes = new TextEncoder().encode(`${credential.key}:${credential.secret}`);
  return `Basic ${base64FromBytes(bytes)}`;
}

/**
 * Resolves Authorization headers to credentials. Every accepted header value is precomputed, so a
 * request costs one map lookup.
 * @example const check = createCredentialCheck(DEFAULT_CREDENTIALS); check('Basic dGVzdF9rZXk6dGVzdF9zZWNyZXQ=')?.mode // 'SANDBOX'
 */
export function createCredentialCheck(credentials: readonly Credential[]): (authorization: string | null) => Credential | undefined {
  const byHeader = new Map(credentials.map((credential) => [basicAuthorization(credential), credential]));
  return (authorization) => {
    if (authorization === null) return undefined;
    const exact = byHeader.get(authorization);
    if (exact) return exact;
    const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2);
    return byHeader.get(`${scheme.toLowerCase() === 'basic' ? 'Basic' : scheme} ${value}`);
  };
}

/** The real hosts and the mode each serves: there, keys of the other mode are refused. */
export const SMILE_HOSTS: Readonly<Record<string, Mode>> = {
  'https://sandbox.smileapi.io': 'SANDBOX',
  'https://open.smileapi.io': 'PRODUCTION',
};

/**
 * The mode a request's origin serves, when it is one of `hosts`; undefined elsewhere (localhost, a
 * port of the standalone server), where the credentials alone decide.
 */
export function hostModeOf(url: string, hosts: Readonly<Record<string, Mode>>): Mode | undefined {
  for (const origin in hosts) if (url.startsWith(origin) && url.charAt(origin.length) === '/') return hosts[origin];
  return undefined;
}
