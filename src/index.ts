/** token-mock: a faithful, stateful, deterministic mock of the WuKongIM user-token API and the Smile API. */

export type { SmileEventType } from './apis/smile/events.js';
export { SMILE_EVENT_TYPES } from './apis/smile/events.js';
export type { SmileCounts, SmileOptions, SmileService } from './apis/smile/index.js';
export type { ConnectInput, Connection } from './apis/wukongim/connections.js';
export { ReasonCode } from './apis/wukongim/connections.js';
export type { ImMessage } from './apis/wukongim/im/message-log.js';
export type { ImEvent, ImEventListener } from './apis/wukongim/im/server.js';
export type { ImSocket } from './apis/wukongim/im/session.js';
export type { ImPort, RouteAddress, WukongimCounts, WukongimOptions, WukongimProfile, WukongimService } from './apis/wukongim/index.js';
export { WUKONGIM_PROFILES } from './apis/wukongim/index.js';
export type { BoundedCount, BoundKind, Notice, NoticeKind, NoticeListener } from './core/bounds.js';
export type { Clock } from './core/clock.js';
export type { DeliveryAttempt, DeliveryStats, Outcome, WaitOptions, WebhookEvent } from './core/delivery-log.js';
export type { ErrorListener, FailureContext, PersistenceContext } from './core/dispatch.js';
export { parseDuration } from './core/duration.js';
export { type ErrorDetail, isMockError, MockError, type MockErrorKind } from './core/errors.js';
export type { ActiveFault, FaultRule, Faults } from './core/faults.js';
export type { Journal, JournalEntry } from './core/journal.js';
export type { WireReply } from './core/reply.js';
export type { RequestLike } from './core/request.js';
export { BodyTooLargeError } from './core/request.js';
// The wire types of the three APIs, named after each spec (SmileUser, SmileWebhookEvent<'USER_CREATED'>,
// WukongimUpdateTokenRequest, ControlClockState, …): scripts/generate.ts writes the list from openapi/.
export type * from './generated/public-types.js';
export type { HarSeedReport, Recording } from './har/seed.js';
export { createMock, type FetchOptions, type HandleOptions, type Mock, type MockOptions, type WebhookOptions } from './mock.js';
export type { PersistOptions, SnapshotStore, StorageLike } from './persistence.js';
export type { Scenarios } from './scenarios/index.js';
export { checkScenario, parseScenario, type Scenario, ScenarioError, type ScenarioProblem } from './scenarios/parse.js';
export type { ScenarioState } from './scenarios/runner.js';
export type { MockServices } from './services.js';
export type { MockSnapshot } from './snapshot.js';
export type { DeliveryFilter, EmitRequest, Webhooks } from './webhooks.js';
