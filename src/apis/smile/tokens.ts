/** Smile link tokens: signed JWTs, one use each, expiring on the mock's clock. */
import { errors, jwtVerify } from 'jose';
import { base64urlFromText } from '../../core/base64.js';
import { type Bound, createBound } from '../../core/bounds.js';
import { type Clock, isoSeconds } from '../../core/clock.js';
import { type HmacSha256, type HmacSigner, webCryptoHmacSha256 } from '../../core/hmac.js';
import type { Random } from '../../core/random.js';
import type { components } from '../../generated/admin.types.js';
import type { components as SmileComponents } from '../../generated/smile.types.js';
import type { Mode } from './credentials.js';
import { tokenRefused } from './errors.js';
import { EXPIRED, PRODUCTION, REVOKED, type TokenColumns, TokenLedger, USED } from './token-ledger.js';

/** A token as the API shows it. */
export type Token = SmileComponents['schemas']['Token'];

/** A held token and its state, as the control API shows a user's tokens. */
export type LinkToken = components['schemas']['LinkToken'];

/** The held tokens as the control API counts them. */
export type TokenCount = components['schemas']['TokenCount'];

/** How a token store behaves. */
export interface TokenSettings {
  /** Lifetime, in ms. */
  ttl: number;
  /** Whether a new token revokes the user's older unused ones. */
  revokeOnRefresh: boolean;
  /** How long a used, revoked or expired token is kept, in ms of the mock's clock. Default 1 hour. */
  retention?: number;
  /** The most tokens held. Default 250,000. */
  bound?: Bound;
  hmacSha256?: HmacSha256;
}

const HOUR = 3_600_000;

/**
 * A token's JSON, written out: every field is made of characters JSON never escapes (ids, an instant,
 * the mode, base64url), and the field order is the one JSON.stringify gives the Token object.
 */
export function tokenJson(token: Token): string {
  return `{"id":"${token.id}","expiresAt":"${token.expiresAt}","mode":"${token.mode}","accessToken":"${token.accessToken}"}`;
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
 * seed and clock give the same token strings. Tokens are held in a bounded ledger that forgets them
 * once they have been unusable for the retention period.
 * @example const tokens = new TokenStore(clock, random, { ttl: 5 * 3_600_000, revokeOnRefresh: false }); await tokens.issue('tenant-…', 'SANDBOX')
 */
export class TokenStore {
  private readonly ledger: TokenLedger;
  private readonly bound: Bound;
  private readonly ttl: number;
  private readonly revokeOnRefresh: boolean;
  private readonly key: Promise<CryptoKey>;
  private readonly sign: HmacSigner;
  /** Scrambles the slot number a token id ends with, so ids do not show a counter. */
  private readonly mask: number;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    settings: TokenSettings,
  ) {
    this.ttl = settings.ttl;
    this.revokeOnRefresh = settings.revokeOnRefresh;
    this.bound = settings.bound ?? createBound('smile-tokens');
    this.ledger = new TokenLedger(this.bound, settings.retention ?? HOUR, settings.revokeOnRefresh);
    const hmacSha256 = settings.hmacSha256 ?? webCryptoHmacSha256;
    // Imported once: importing the raw key on every signature doubled the cost of POST /tokens.
    const raw = encoder.encode(`token-mock link-token key, seed ${random.seed}`);
    this.key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    this.sign = hmacSha256(raw);
    this.mask = Math.imul(random.seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Issues a new token; with revoke-on-refresh, the user's older unused tokens stop working. */
  async issue(userId: string, mode: Mode): Promise<Token> {
    const now = this.clock.now();
    this.ledger.sweep(now);
    const slot = this.ledger.nextSlot;
    // The id ends with its slot (its low 32 bits, scrambled): finding a token is an array read, with no index to keep.
    const id = `tk-${this.random.hex(24)}${((slot ^ this.mask) >>> 0).toString(16).padStart(8, '0')}`;
    // Smile writes instants to the second; the token expires exactly at the instant it shows.
    const expiresAt = Math.floor((now + this.ttl) / 1000) * 1000;
    if (this.revokeOnRefresh) this.ledger.revokeLatest(userId, now);
    this.ledger.add(id, userId, expiresAt, mode === 'PRODUCTION' ? PRODUCTION : 0);
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
   * a MockError of kind `token-refused` (Smile's 401 INVALID_TOKEN), and so is a forgotten one.
   */
  async consume(accessToken: string): Promise<Consumption> {
    let jti: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, await this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(this.clock.now()) });
      jti = payload.jti;
    } catch (error) {
      throw tokenRefused(error instanceof errors.JWTExpired ? 'expired' : 'forged');
    }
    const now = this.clock.now();
    this.ledger.sweep(now);
    const found = jti === undefined ? undefined : this.find(jti);
    // It verifies with this mock's key, so this mock issued it; it is gone because it was spent long
    // enough ago, or pushed out by newer tokens.
    if (found === 'forgotten') throw tokenRefused('forgotten');
    if (found === undefined) throw tokenRefused('unknown');
    const flags = this.ledger.flagsOf(found);
    if (flags & REVOKED) throw tokenRefused('revoked');
    if (flags & USED) throw tokenRefused('used');
    if (flags & EXPIRED || now >= this.ledger.untilOf(found)) throw tokenRefused('expired');
    this.ledger.spend(found, USED, now);
    return { userId: this.ledger.userIdOf(found), mode: flags & PRODUCTION ? 'PRODUCTION' : 'SANDBOX' };
  }

  /** How many tokens are held: the newest, up to the bound, less those forgotten after the retention period. */
  get size(): number {
    this.ledger.sweep(this.clock.now());
    return this.ledger.held;
  }

  /** The held tokens, their bound, and what was evicted and forgotten since the last reset. */
  counts(): TokenCount {
    const { count, bound, evicted } = this.bound.state(this.size);
    return { count, bound, evicted, forgotten: this.ledger.forgotten, retentionMs: this.ledger.retention };
  }

  /** The slot of a token id this service issued, that it was forgotten, or undefined. */
  private find(id: string): ReturnType<TokenLedger['find']> {
    if (!/^tk-[0-9a-f]{32}$/.test(id)) return undefined;
    return this.ledger.find(id, (Number.parseInt(id.slice(-8), 16) ^ this.mask) >>> 0);
  }

  /** Expires a user's usable tokens at once, as a scenario step does; returns how many there were. */
  expire(userId: string): number {
    const now = this.clock.now();
    this.ledger.sweep(now);
    let count = 0;
    this.ledger.forEachUsable(userId, now, (slot) => {
      this.ledger.spend(slot, EXPIRED, now);
      count += 1;
    });
    return count;
  }

  /** Plays the widget using a user's newest usable token; returns whether there was one. */
  useLatest(userId: string): boolean {
    const now = this.clock.now();
    this.ledger.sweep(now);
    let latest: number | undefined;
    this.ledger.forEachUsable(userId, now, (slot) => {
      latest = slot;
    });
    if (latest !== undefined) this.ledger.spend(latest, USED, now);
    return latest !== undefined;
  }

  /** A user's tokens still held, oldest first, each with its state on the mock's clock. */
  ofUser(userId: string): LinkToken[] {
    const now = this.clock.now();
    this.ledger.sweep(now);
    const tokens: LinkToken[] = [];
    this.ledger.forEachOf(userId, (slot, id) => {
      const flags = this.ledger.flagsOf(slot);
      const until = this.ledger.untilOf(slot);
      const state = flags & USED ? 'used' : flags & REVOKED ? 'revoked' : flags & EXPIRED || now >= until ? 'expired' : 'valid';
      tokens.push({ id, state, mode: flags & PRODUCTION ? 'PRODUCTION' : 'SANDBOX', expiresAt: isoSeconds(until) });
    });
    return tokens;
  }

  /** The held tokens as plain columns, for persistence. */
  snapshot(): TokenColumns {
    return this.ledger.snapshot();
  }

  /** Replaces every token with saved columns. */
  restore(columns: TokenColumns): void {
    this.ledger.restore(columns);
  }

  /** Forgets every token (reset), and the evictions. */
  clear(): void {
    this.ledger.clear();
    this.bound.reset();
  }
}
