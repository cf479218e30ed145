/** Smile link tokens: signed JWTs, one use each, expiring on the mock's clock. */
import { errors, jwtVerify } from 'jose';
import { base64urlFromText } from '../../core/base64url.js';
import { type Clock, isoSeconds } from '../../core/clock.js';
import { type HmacSha256, type HmacSigner, webCryptoHmacSha256 } from '../../core/hmac.js';
import type { Random } from '../../core/random.js';
import type { components } from '../../generated/smile.types.js';
import type { Mode } from './credentials.js';
import { tokenRefused } from './errors.js';

/** A token as the API shows it. */
export type Token = components['schemas']['Token'];

const USED = 1;
const REVOKED = 2;
const PRODUCTION = 4;
const EXPIRED = 8;

/**
 * A token's JSON, written out: every field is made of characters JSON never escapes (ids, an instant,
 * the mode, base64url), and the field order is the one JSON.stringify gives the Token object.
 */
export function tokenJson(token: Token): string {
  return `{"id":"${token.id}","expiresAt":"${token.expiresAt}","mode":"${token.mode}","accessToken":"${token.accessToken}"}`;
}

/** Issued tokens, column by column, in issue order. */
export interface TokenColumns {
  ids: string[];
  userIds: string[];
  expiries: number[];
  flags: number[];
}

/** Whose a used token was, and its mode. */
export interface Consumption {
  userId: string;
  mode: Mode;
}

const ISSUER = 'token-mock';
const HEADER = base64urlFromText(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const encoder = new TextEncoder();

/**
 * The issued tokens: issues and consumes them. The signing key is derived from the seed, so the same
 * seed and clock give the same token strings.
 * @example const tokens = new TokenStore(clock, random, 5 * 3_600_000, false); await tokens.issue('tenant-…', 'SANDBOX')
 */
export class TokenStore {
  // Tokens are kept in columns indexed by issue order, not as an object each: a load test issues
  // hundreds of thousands, and objects would make every garbage collection walk them all.
  private readonly ids: string[] = [];
  private readonly userIds: string[] = [];
  private readonly expiries: number[] = [];
  private readonly flags: number[] = [];
  private readonly byUser = new Map<string, number[]>();
  private readonly key: Promise<CryptoKey>;
  private readonly sign: HmacSigner;
  /** Scrambles the slot number a token id ends with, so ids do not show a counter. */
  private readonly mask: number;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttl: number,
    private readonly revokeOnRefresh: boolean,
    hmacSha256: HmacSha256 = webCryptoHmacSha256,
  ) {
    // Imported once: importing the raw key on every signature doubled the cost of POST /tokens.
    const raw = encoder.encode(`token-mock link-token key, seed ${random.seed}`);
    this.key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    this.sign = hmacSha256(raw);
    this.mask = Math.imul(random.seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Issues a new token; with revoke-on-refresh, the user's older unused tokens stop working. */
  async issue(userId: string, mode: Mode): Promise<Token> {
    const slot = this.userIds.length;
    // The id ends with its slot (scrambled): finding a token is an array read, with no index to keep.
    const id = `tk-${this.random.hex(24)}${((slot ^ this.mask) >>> 0).toString(16).padStart(8, '0')}`;
    const now = this.clock.now();
    // Smile writes instants to the second; the token expires exactly at the instant it shows.
    const expiresAt = Math.floor((now + this.ttl) / 1000) * 1000;
    // The per-user index exists only to revoke, so it is kept only when refreshes revoke.
    if (this.revokeOnRefresh) {
      for (const older of this.byUser.get(userId) ?? []) this.flags[older] = (this.flags[older] as number) | REVOKED;
      this.byUser.set(userId, [slot]);
    }
    this.ids.push(id);
    this.userIds.push(userId);
    this.expiries.push(expiresAt);
    this.flags.push(mode === 'PRODUCTION' ? PRODUCTION : 0);
    // An HS256 JWT (RFC 7519) assembled here and verified by jose on use: signing through jose cost
    // three times the HMAC itself, which made token issuance the slowest call of the API.
    const claims = { mode, iss: ISSUER, sub: userId, jti: id, iat: Math.floor(now / 1000), exp: expiresAt / 1000 };
    const signingInput = `${HEADER}.${base64urlFromText(JSON.stringify(claims))}`;
    // A synchronous signer (node:crypto) is not awaited: a microtask per token is a visible cost.
    const signature = this.sign(signingInput);
    const accessToken = `${signingInput}.${typeof signature === 'string' ? signature : await signature}`;
    return { id, expiresAt: isoSeconds(expiresAt), mode, accessToken };
  }

  /**
   * Plays the widget opening with a token: the first use succeeds, every later one is refused with
   * a MockError of kind `token-refused` (Smile's 401 INVALID_TOKEN).
   */
  async consume(accessToken: string): Promise<Consumption> {
    let jti: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, await this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(this.clock.now()) });
      jti = payload.jti;
    } catch (error) {
      throw tokenRefused(error instanceof errors.JWTExpired ? 'expired' : 'forged');
    }
    const slot = jti === undefined ? undefined : this.slotOf(jti);
    if (slot === undefined) throw tokenRefused('unknown');
    const flags = this.flags[slot] as number;
    if (flags & REVOKED) throw tokenRefused('revoked');
    if (flags & USED) throw tokenRefused('used');
    if (flags & EXPIRED || this.clock.now() >= (this.expiries[slot] as number)) throw tokenRefused('expired');
    this.flags[slot] = flags | USED;
    return { userId: this.userIds[slot] as string, mode: flags & PRODUCTION ? 'PRODUCTION' : 'SANDBOX' };
  }

  /** How many tokens were issued since the last reset (all stay findable). */
  get size(): number {
    return this.userIds.length;
  }

  /** The slot of a token id this service issued, or undefined. */
  private slotOf(id: string): number | undefined {
    if (!/^tk-[0-9a-f]{32}$/.test(id)) return undefined;
    const slot = (Number.parseInt(id.slice(-8), 16) ^ this.mask) >>> 0;
    return this.ids[slot] === id ? slot : undefined;
  }

  /** Expires a user's usable tokens at once, as a scenario step does; returns how many there were. */
  expire(userId: string): number {
    let count = 0;
    this.forUsable(userId, (slot) => {
      this.flags[slot] = (this.flags[slot] as number) | EXPIRED;
      count += 1;
    });
    return count;
  }

  /** Plays the widget using a user's newest usable token; returns whether there was one. */
  useLatest(userId: string): boolean {
    let latest: number | undefined;
    this.forUsable(userId, (slot) => {
      latest = slot;
    });
    if (latest !== undefined) this.flags[latest] = (this.flags[latest] as number) | USED;
    return latest !== undefined;
  }

  /** Visits a user's unused, unexpired, unrevoked tokens, oldest first: a scan, as only scripted steps ask. */
  private forUsable(userId: string, visit: (slot: number) => void): void {
    const now = this.clock.now();
    for (let slot = 0; slot < this.userIds.length; slot++) {
      if (this.userIds[slot] !== userId || (this.flags[slot] as number) & (USED | REVOKED | EXPIRED)) continue;
      if (now < (this.expiries[slot] as number)) visit(slot);
    }
  }

  /** The issued tokens as plain columns, for persistence. */
  snapshot(): TokenColumns {
    return { ids: [...this.ids], userIds: [...this.userIds], expiries: [...this.expiries], flags: [...this.flags] };
  }

  /** Replaces every token with saved columns. */
  restore(columns: TokenColumns): void {
    this.clear();
    columns.ids.forEach((id, slot) => {
      this.ids.push(id);
      const userId = columns.userIds[slot] as string;
      this.userIds.push(userId);
      this.expiries.push(columns.expiries[slot] as number);
      this.flags.push(columns.flags[slot] as number);
      if (this.revokeOnRefresh) this.byUser.set(userId, [...(this.byUser.get(userId) ?? []), slot]);
    });
  }

  /** Forgets every token (reset). */
  clear(): void {
    this.ids.length = 0;
    this.userIds.length = 0;
    this.expiries.length = 0;
    this.flags.length = 0;
    this.byUser.clear();
  }
}
