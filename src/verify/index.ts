/** `token-mock/verify`: the contract checks of `token-mock verify`, for use from code (Node). */
export type { Answer } from './check.js';
export { junitReport, textReport } from './report.js';
export { type CaseKind, type CaseResult, type VerifyOptions, type VerifyReport, verify } from './run.js';
