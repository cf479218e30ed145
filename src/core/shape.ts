/** The shapes pacts are written from: the part of a JSON Schema that says what a value looks like, inlined at build time (`<api>.schemas.ts`). */

/** A schema with its `$ref`s inlined and only the keywords matching rules come from. */
export interface Shape {
  type?: string | string[];
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
  prefixItems?: Shape[];
  additionalProperties?: Shape | boolean;
  allOf?: Shape[];
  oneOf?: Shape[];
  anyOf?: Shape[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minItems?: number;
}

/** An answer's shape, and where the WuKongIM profiles narrow it, theirs. */
export interface AnswerShape {
  schema: Shape;
  profiles?: Record<string, Shape>;
}

/** Each operation of a spec, by operationId: its summary, and its answers by status. */
export type OperationShapes = Record<string, { summary: string; answers: Record<string, AnswerShape> }>;
