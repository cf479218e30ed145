/** Smile link tokens: signed JWTs, one use each, expiring on the mock's clock. */
import { errors, jwtVerify, SignJWT } from 'jose';
import { type Clock, isoSeconds } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import type { components } from '../../generated/smile.types.js';
import type { Mode } from './credentials.js';

/** A token as the API shows it. */
export type Token = components['schemas']['Token'];

interface Issued {
  userId: string;
  mode: Mode;
  expiresAt: number;
  used: boolean;
  revoked: boolean;
}

/** Why a token was refused. */
export type Refusal = 'forged' | 'unknown' | 'expired' | 'used' | 'revoked';

/** The outcome of the widget's use of a token. */
export type Consumption = { ok: true; userId: string; mode: Mode } | { ok: false; reason: Refusal };

const ISSUER = 'token-mock';

/**
 * Issues and consumes tokens. The signing key is derived from the seed, so the same seed and clock
 * give the same token strings.
 * @example const tokens = new TokenService(clock, random, 5 * 3_600_000, false); await tokens.issue('tenant-…', 'SANDBOX')
 */
export class TokenService {
  private readonly issued = new Map<string, Issued>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly key: Promise<CryptoKey>;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttl: number,
    private readonly revokeOnRefresh: boolean,
  ) {
    // Imported once: importing the raw key on every signature doubled the cost of POST /tokens.
    const raw = new TextEncoder().encode(`token-mock link-token key, seed ${random.seed}`);
    this.key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** Issues a new token; with revoke-on-refresh, the user's older unused tokens stop working. */
  async issue(userId: string, mode: Mode): Promise<Token> {
    const id = `tk-${this.random.hex(32)}`;
    const now = this.clock.now();
    // Smile writes instants to the second; the token expires exactly at the instant it shows.
    const expiresAt = Math.floor((now + this.ttl) / 1000) * 1000;
    // The per-user index exists only to revoke, so it is kept only when refreshes revoke.
    if (this.revokeOnRefresh) {
      const owned = this.byUser.get(userId) ?? new Set();
      for (const older of owned) (this.issued.get(older) as Issued).revoked = true;
      owned.clear();
      owned.add(id);
      this.byUser.set(userId, owned);
    }
    this.issued.set(id, { userId, mode, expiresAt, used: false, revoked: false });
    const accessToken = await new SignJWT({ mode })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(userId)
      .setJti(id)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(expiresAt / 1000)
      .sign(await this.key);
    return { id, expiresAt: isoSeconds(expiresAt), mode, accessToken };
  }

  /** Plays the widget opening with a token: the first use succeeds, every later one is refused. */
  async consume(accessToken: string): Promise<Consumption> {
    let jti: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, await this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(this.clock.now()) });
      jti = payload.jti;
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'forged' };
    }
    const token = jti === undefined ? undefined : this.issued.get(jti);
    if (!token) return { ok: false, reason: 'unknown' };
    if (token.revoked) return { ok: false, reason: 'revoked' };
    if (token.used) return { ok: false, reason: 'used' };
    if (this.clock.now() >= token.expiresAt) return { ok: false, reason: 'expired' };
    token.used = true;
    return { ok: true, userId: token.userId, mode: token.mode };
  }

  /** Forgets every token (reset). */
  clear(): void {
    this.issued.clear();
    this.byUser.clear();
  }
}
