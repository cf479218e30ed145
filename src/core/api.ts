/** The contract between the core and one mocked API (WuKongIM, Smile, the admin API). */
import type { ApiName } from './api-name.js';
import type { MockError } from './errors.js';
import type { OperationSpec } from './operation.js';
import type { Part } from './part.js';
import type { Reply } from './reply.js';
import type { RequestLike } from './request.js';
import type { Violation } from './validation.js';

export type { ApiName } from './api-name.js';

/** What a handler receives: the validated body and parameters, and the raw request. */
export interface HandlerInput {
  body: unknown;
  params: Record<string, unknown>;
  request: RequestLike;
  url: URL;
}

/** A handler: a function of the request and the API's state. */
export type Handler = (input: HandlerInput) => Reply | Promise<Reply>;

/** Why a body could not be read as JSON. */
export interface MalformedBody {
  text: string;
  /** The parser's own message. */
  reason: string;
}

/**
 * One API's error catalogue: every error the core itself produces, in the API's own error shape.
 * Handlers use the same catalogue for their domain errors.
 */
export interface ErrorCatalogue {
  notFound(method: string, path: string): Reply;
  methodNotAllowed(method: string, path: string, allowed: string[]): Reply;
  /** The request broke the spec; returns undefined where the API, like its real server, tolerates it. */
  invalidRequest(violations: Violation[], operation: OperationSpec, body: unknown): Reply | undefined;
  malformedBody(problem: MalformedBody, operation: OperationSpec): Reply;
  /** The request is malformed at the HTTP level (an adapter says why). */
  badRequest(detail: string): Reply;
  /** Only asked of APIs that check the content type. */
  unsupportedMediaType(contentType: string, operation: OperationSpec): Reply;
  payloadTooLarge(limit: number): Reply;
  /** The mock's own answer broke the spec (strict mode), or a handler threw. */
  internalError(detail: string): Reply;
  /** An injected fault's answer: this status, with the body the real API sends for it. */
  injected(status: number): Reply;
  /** A domain error a service threw, in the API's own shape. */
  fromError(error: MockError): Reply;
}

/** One mocked API, as the core dispatches to it; a part of its mock, reset and snapshotted with the rest. */
export interface Api extends Part {
  readonly name: ApiName;
  /** The path prefix it serves under: '' for WuKongIM, '/v1' for Smile, '/__mock' for the admin API. */
  readonly basePath: string;
  readonly operations: Record<string, OperationSpec>;
  readonly handlers: Record<string, Handler>;
  readonly errors: ErrorCatalogue;
  /** The response profile whose schemas strict mode checks against, where responses differ by profile. */
  readonly profile?: string;
  /** Its own cap on request bodies, in bytes (the control API's); the mock's `maxBodyBytes` otherwise. */
  readonly maxBodyBytes?: number;
  /** Read JSON whatever the declared content type, as servers built on Go's gin do. */
  readonly ignoresContentType?: boolean;
  /** Redirect a known path asked for with a trailing slash to the path without it, as gin does. */
  readonly redirectsTrailingSlash?: boolean;
  /** Runs before routing (authentication, rate limits); answers instead of the handler when it returns a reply. */
  guard?(request: RequestLike): Reply | undefined;
  /**
   * Reads a JSON body as the real server's decoder does (Go's, for WuKongIM); JSON.parse otherwise.
   * Gives the value the handler sees, or the decoder's message and, for a field it refused, where.
   */
  decodeBody?(operation: OperationSpec, text: string): { value: unknown } | { problem: string; pointer?: string };
}
