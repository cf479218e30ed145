/** The settings of a Smile mock, and what it shares with the rest of its mock instance. */
import type { NoticeListener } from '../../core/bounds.js';
import type { Clock } from '../../core/clock.js';
import type { HmacSha256 } from '../../core/hmac.js';
import type { Outbox } from '../../core/outbox.js';
import type { Random } from '../../core/random.js';
import type { Credential, Mode } from './credentials.js';

/** How the Smile mock behaves. */
export interface SmileOptions {
  /** How many faker-seeded users exist at the start. Default 25. */
  users?: number;
  /** The `<tenantId>` of user ids. Default `tenant`. */
  tenantId?: string;
  /** Link-token lifetime (`90s`, `15m`, `5h`, ms). Default 5 hours, as documented. */
  tokenTtl?: string | number;
  /** API key pairs. Default test_key/test_secret (SANDBOX) and live_key/live_secret (PRODUCTION). */
  credentials?: readonly Credential[];
  /**
   * Whether issuing a token revokes the user's older unused ones. Default false: the docs say tokens
   * are one-time and short-lived, and nothing about a refresh invalidating earlier tokens.
   */
  revokeOnRefresh?: boolean;
  /**
   * Requests per second per client address; over it, 429 REQUEST_LIMIT_EXCEEDED with `Retry-After`.
   * A second ends on the mock's clock or in real time, whichever is first. Default off.
   */
  rateLimit?: number;
  /** Accept only https webhook URLs, as the real API does. Default false: http on loopback is accepted too. */
  strictWebhookUrls?: boolean;
  /** Mock-clock delays before the second and third delivery attempts (`30s`, ms). Default 30 s and 60 s. */
  webhookRetryDelays?: readonly (string | number)[];
  /**
   * Origins that serve one mode, as the real hosts do (default sandbox.smileapi.io SANDBOX and
   * open.smileapi.io PRODUCTION): requests there with the other mode's keys get 401. Elsewhere the
   * credentials alone decide the mode.
   */
  hosts?: Readonly<Record<string, Mode>>;
  /** The HMAC-SHA256 link tokens are signed with. Default WebCrypto; in Node, `nodeHmacSha256` from `token-mock/node` is faster. */
  hmacSha256?: HmacSha256;
  /**
   * The most users held; past it the oldest (by creation time) are forgotten. Default 25,000, or
   * `users` when more are seeded; a bound below `users` is refused with a RangeError.
   */
  maxUsers?: number;
  /** The most link tokens held; past it the oldest are forgotten, and get 401 INVALID_TOKEN. Default 250,000. */
  maxTokens?: number;
  /** The most webhook subscriptions held; at the bound a new one gets 400 INVALID_PARAMETERS (none is forgotten). Default 1000. */
  maxWebhooks?: number;
  /**
   * How long a used, revoked or expired link token is kept, on the mock's clock (`90s`, `1h`, ms);
   * then it is forgotten (and still gets 401 INVALID_TOKEN). Default 1 hour.
   */
  tokenRetention?: string | number;
}

/** What a Smile mock shares with the rest of its mock instance. */
export interface SmileContext {
  clock: Clock;
  random: Random;
  outbox: Outbox;
  /** Plain http to private addresses and named hosts is allowed for webhook URLs. */
  allowPrivateHttp?: boolean;
  /** Told when a kind of state first reaches its bound. */
  onNotice?: NoticeListener;
}
