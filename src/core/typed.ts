/**
 * Types that tie handlers to the generated `operations` of a spec, so that a handler whose answer
 * drifts from the spec fails the type check before any test runs.
 */
import type { Handler, HandlerInput } from './api.js';
import type { EventStream } from './event-stream.js';
import type { JsonText } from './reply.js';

type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;

/** The replies an operation may give: each documented status with its body type. */
export type ReplyFor<Op> = Op extends { responses: infer R }
  ? {
      [S in keyof R & number]:
        | { status: S; body: ContentOf<R[S]> | JsonText<ContentOf<R[S]>>; headers?: Record<string, string>; mediaType?: string }
        // A text response may instead go on as a stream (Server-Sent Events).
        | (ContentOf<R[S]> extends string ? { status: S; stream: EventStream; headers?: Record<string, string> } : never);
    }[keyof R & number]
  : never;

/** The request body type of an operation, or undefined when it takes none. */
export type BodyFor<Op> = Op extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : Op extends { requestBody?: { content: infer C } }
    ? C[keyof C] | undefined
    : undefined;

type Defined<T> = [T] extends [never] ? unknown : [T] extends [undefined] ? unknown : NonNullable<T>;

/** Query and path parameters of an operation, merged into one object as the core passes them. */
export type ParamsFor<Op> = Op extends { parameters: { query?: infer Q; path?: infer P } } ? Defined<Q> & Defined<P> : unknown;

/** A handler typed by its operation. */
export type TypedHandler<Op> = (
  input: Omit<HandlerInput, 'body' | 'params'> & { body: BodyFor<Op>; params: ParamsFor<Op> },
) => ReplyFor<Op> | Promise<ReplyFor<Op>>;

/** Handlers for some of a spec's operations, each typed by its own; an API's parts each build one. */
export type HandlerTable<Ops> = { [K in keyof Ops]: TypedHandler<Ops[K]> };

/**
 * Checks a handler table against a spec's operations, and hands it to the core untyped. The core
 * validates bodies and parameters against the same spec before a handler runs.
 * @example const handlers = typedHandlers<operations>({ health: () => ({ status: 200, body: { status: 'ok' } }) });
 */
export function typedHandlers<Ops>(handlers: HandlerTable<Ops>): Record<string, Handler> {
  return handlers as unknown as Record<string, Handler>;
}
