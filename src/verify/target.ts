/** What verify needs to know of one API beyond its spec: credentials, ids to use, flows, tolerances. */
import type { Answer } from './check.js';
import type { ContractOperation } from './contract.js';
import type { Schema } from './schema.js';

/** Sends one request to the provider; `path` is relative to the base URL. */
export type Send = (request: {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<Answer>;

/** The helpers a flow gets: one call checked against the spec, and one assertion. */
export interface FlowSteps {
  /** Calls an operation and checks the answer; returns its parsed body (undefined when it failed). */
  call(operationId: string, request: Omit<Parameters<Send>[0], 'method'>, statuses: number[]): Promise<unknown>;
  expect(condition: boolean, problem: string): void;
}

/** A value an answer's body must hold at a JSON Pointer: `{ pointer: '/msg', value: 'uid不能为空！' }`. */
export interface Expected {
  pointer: string;
  value: unknown;
}

export interface Flow {
  name: string;
  run(steps: FlowSteps): Promise<void>;
}

export interface VerifyTarget {
  api: 'smile' | 'wukongim';
  /** The operations under verify's contract (the spec, relaxed where only the mock promises more). */
  operations: Record<string, ContractOperation>;
  document: Schema;
  /** The response profile whose schemas apply, where responses differ by profile. */
  profile?: string;
  /** Headers every good request carries (credentials). */
  headers: Record<string, string>;
  /** Requests with missing or wrong credentials, each expected to be refused with 401. */
  badCredentials: { label: string; headers: Record<string, string> }[];
  /** Creates what positive cases need (a user, webhooks) and returns their ids. */
  prepare(send: Send): Promise<Record<string, string>>;
  /** The value of a path parameter for a positive case. */
  pathValue(operationId: string, parameter: string, ids: Record<string, string>): string;
  /** Query parameters for a positive case. */
  query(operationId: string, ids: Record<string, string>): Record<string, string>;
  /** A positive body, given a sample drawn from the schema. */
  body(operationId: string, sampled: unknown): unknown;
  /** Whether the provider may accept a body that breaks `keyword` at `pointer` (a tolerant profile). */
  tolerates(operationId: string, keyword: string, pointer: string): boolean;
  /** What the refusal of a body that breaks `keyword` at `pointer` must say, where the provider's own text is known. */
  refusal?(operationId: string, keyword: string, pointer: string): Expected | undefined;
  /** Bodies the provider refuses by rules a schema does not hold, each with what its refusal must say. */
  negatives?: { operationId: string; label: string; body: unknown; refusal?: Expected }[];
  /** Problems of a success that passed its schema, beyond what a schema can say (a token of the wrong mode). */
  inspect?(operationId: string, body: unknown): string[];
  /** What the report says up front about how this run checks. */
  notes?(): string[];
  flows: Flow[];
}
