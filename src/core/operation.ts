/** The shape of the generated operation tables (src/generated/*.operations.ts). */

/** One validation error as reported by a precompiled ajv validator. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** Set when the error is about an object key (propertyNames), not its value. */
  propertyName?: string;
}

/** A precompiled JSON Schema validator: returns true when valid, and leaves its errors on `.errors`. */
export type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** A parameter of an operation, with the primitive type its string value is coerced to. */
export interface ParameterSpec {
  name: string;
  in: string;
  required: boolean;
  type: string;
}

/** A documented response: its media type and validators (one per fidelity profile where they differ). */
export interface ResponseSpec {
  mediaType?: string;
  validate?: Validator;
  profiles?: Record<string, Validator>;
}

/** An OpenAPI operation as the router and validation see it. */
export interface OperationSpec {
  id: string;
  method: string;
  path: string;
  parameters: ParameterSpec[];
  validateParams: Validator | undefined;
  body: { required: boolean; mediaTypes: string[]; validate: Validator } | undefined;
  responses: Record<string, ResponseSpec>;
}

/** A webhook event a spec defines (its `webhooks:` section): the body the mock sends must pass `validate`. */
export interface EventSpec {
  name: string;
  validate: Validator;
}
