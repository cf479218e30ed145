/**
 * The request headers that carry a client's credentials: Smile's Basic `Authorization`, WuKongIM's
 * manager `token` header, and a proxy's own. What leaves the mock for storage (the journal of a
 * proxied exchange, a recording) shows each as the literal `REDACTED`.
 */

/** What a secret becomes wherever it is redacted. */
export const REDACTED = 'REDACTED';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'token']);

/**
 * Whether a header (any case) carries credentials.
 * @example isCredentialHeader('Authorization') // true
 */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

/**
 * The headers with every credential replaced by `REDACTED`; the same object when none is there.
 * @example withoutCredentials({ authorization: 'Basic dGVzdA==', accept: '*\/*' }) // { authorization: 'REDACTED', accept: '*\/*' }
 */
export function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (!isCredentialHeader(name)) continue;
    out ??= { ...headers };
    out[name] = REDACTED;
  }
  return out ?? headers;
}
