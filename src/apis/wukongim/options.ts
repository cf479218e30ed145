/** The settings of a WuKongIM mock, its two profiles, and what it shares with the rest of its mock instance. */
import type { NoticeListener } from '../../core/bounds.js';
import type { Clock } from '../../core/clock.js';
import type { Outbox } from '../../core/outbox.js';
import type { components } from '../../generated/wukongim.types.js';
import type { AesCbc } from './im/handshake.js';
import type { ImEventListener } from './im/server.js';

/** The two fidelity profiles: the documented contract, or the v2 server's real answers. */
export const WUKONGIM_PROFILES = ['docs', 'server-v2'] as const;
export type WukongimProfile = (typeof WUKONGIM_PROFILES)[number];

/** How the WuKongIM mock behaves. */
export interface WukongimOptions {
  /** `docs` (default) answers `{"status":"ok"}`; `server-v2` answers `{"status":200}` like the real server. */
  profile?: WukongimProfile;
  /** When set, every request must carry the header `token: <managerToken>`, or gets a 401 with an empty body. */
  managerToken?: string;
  /** Token lifetime (`90s`, `5h`, ms). After it, connects fail with AuthFail. The real server has none, nor does the default. */
  tokenTtl?: string | number;
  /** The server's system account, which may not set a token. */
  systemUid?: string;
  /** Where to POST `user.onlinestatus` (the server's `webhook.httpAddr`). Default: none, events stay in-process. */
  webhookUrl?: string;
  /** Mock-clock delays before each retry (`1s`, ms). Default four of 1 s: five attempts, then the batch is dropped. */
  webhookRetryDelays?: readonly (string | number)[];
  /** The most device slots held; past it the least recently updated is forgotten (its token then fails with AuthFail). Default 100,000. */
  maxDeviceSlots?: number;
  /** The most simulated connections online at once; past it the oldest is kicked (reason 12). Default 100,000. */
  maxOnlineConnections?: number;
  /** The most ended (kicked, closed or refused) connections kept for inspection; past it the oldest is forgotten. Default 10,000. */
  maxEndedConnections?: number;
  /** The addresses `GET /route` and `POST /route/batch` answer. Default: the IM port's default, `ws://127.0.0.1:5200`. */
  route?: Partial<RouteAddress>;
  /** IM sockets open at once at most; more are closed at once. Default 10,000. */
  maxImSockets?: number;
  /** Relayed messages the log keeps (`GET /__mock/wukongim/messages`). Default 1000. */
  maxImMessages?: number;
  /** The AES-CBC of IM messages. Default WebCrypto; in Node, `nodeAesCbc` from `token-mock/node` is about seven times faster. */
  aesCbc?: AesCbc;
  /** Users banned or disbanded at once at most; past it a further ban is refused (409 on the control API), and nobody's is forgotten. Default 100,000. */
  maxUserStates?: number;
  /**
   * The longest `uid` (and IM `device_id`) the mock takes, in characters: a longer one on `POST /user/token`
   * gets a 400 `{msg, status}`, and an IM CONNECT with one is refused, as no slot has it (its record keeps
   * the uid cut at the bound). Default 256, as the control API's paths take.
   */
  maxUidLength?: number;
  /** The longest token the mock takes, in characters, on `POST /user/token` and an IM CONNECT, likewise. Default 1024. */
  maxTokenLength?: number;
}

/** Where IM clients connect, as `GET /route` answers. */
export type RouteAddress = components['schemas']['RouteAddress'];

/** What a WuKongIM mock shares with the rest of its mock instance. */
export interface WukongimContext {
  clock: Clock;
  outbox: Outbox;
  seed: number;
  /** Plain http to private addresses and named hosts is allowed for the webhook URL. */
  allowPrivateHttp?: boolean;
  /** Told when a kind of state first reaches its bound. */
  onNotice?: NoticeListener;
  /** Told of every IM socket event (connect, refusal, kick, close, protocol error). */
  onImEvent?: ImEventListener;
}
