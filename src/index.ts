/** token-mock: a faithful, stateful, deterministic mock of the WuKongIM user-token API. */

export type { ConnectInput, Connection } from './apis/wukongim/connections.js';
export { ReasonCode } from './apis/wukongim/connections.js';
export type { WukongimOptions, WukongimProfile, WukongimService } from './apis/wukongim/index.js';
export { WUKONGIM_PROFILES } from './apis/wukongim/index.js';
export type { Clock } from './core/clock.js';
export { parseDuration } from './core/duration.js';
export type { Journal, JournalEntry } from './core/journal.js';
export type { RequestLike } from './core/request.js';
export { BodyTooLargeError } from './core/request.js';
export { createMock, type FetchOptions, type Mock, type MockOptions } from './mock.js';
