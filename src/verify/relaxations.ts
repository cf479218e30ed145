/**
 * Where the mock's spec (openapi/*.yaml) promises more than the provider's own document, and verify
 * therefore checks less. The mock keeps these promises, and its own tests pin them; a real provider
 * owes only what its document says, so verify must not fail it for them.
 *
 * Smile's document is SmileAPI/smile-openapi `openapi-v1.yaml` (1.14.0). WuKongIM's `openapi.json`
 * (v2 branch) documents no error and few required fields; verify's WuKongIM contract is the published
 * docs (profile `docs`) and the v2 server's own behaviour (profile `server-v2`), relaxed where the
 * `openapi.json` allows more than both.
 */

/** One change to the spec before verify compiles it. Exactly one of the changes is given. */
export interface Relaxation {
  /** A JSON Pointer into the spec document. */
  at: string;
  /** Keywords (or keys) to remove there. */
  drop?: string[];
  /** Properties that stop being required there. */
  optional?: string[];
  /** Null is allowed there too. */
  nullable?: true;
  /** What stands there instead. */
  set?: Record<string, unknown>;
  /** What the provider's own document says. */
  why: string;
}

const SMILE: readonly Relaxation[] = [
  {
    at: '/components/schemas/Token/properties/id',
    drop: ['pattern'],
    why: 'Token.id is a plain string there; `tk-<32 hex>` is the mock’s own form',
  },
  {
    at: '/components/schemas/Token',
    optional: ['id'],
    why: 'Token requires only expiresAt, mode and accessToken there',
  },
  {
    at: '/components/schemas/User/properties/id',
    drop: ['pattern'],
    why: 'User.id is a plain string there (its own User example has no tenant prefix); `<tenantId>-<32 hex>` is the mock’s form',
  },
  {
    at: '/components/schemas/Webhook/properties/id',
    drop: ['pattern'],
    why: 'Webhook.id is a plain string there; 32 lowercase hex digits is the mock’s form',
  },
  {
    at: '/components/schemas/Webhook',
    optional: ['secret', 'includePayload'],
    why: 'Webhook requires id, createdAt, name, url, eventTypes, active and updatedAt there, not secret or includePayload',
  },
  {
    at: '/components/schemas/UserSession/properties/channelId',
    nullable: true,
    why: 'its own examples of users show a Default-channel session with channelId null',
  },
  {
    at: '/components/schemas/ExternalMetadata/propertyNames',
    drop: ['not', 'minLength'],
    why: 'it limits metadata to 5 ASCII pairs, keys up to 50 and values up to 500 characters; refusing empty keys and __proto__, constructor and prototype is the mock’s own',
  },
  {
    at: '/components/responses/Empty/content/application~1json/schema',
    drop: ['additionalProperties'],
    why: 'resetting a session answers its CommonResponse and deleting a webhook its WebhookDeleteResponse: neither has `data`, as the mock sends them, but neither forbids more',
  },
  {
    at: '/components/schemas/WebhookPostRequest/properties/eventTypes',
    drop: ['minItems', 'uniqueItems'],
    why: 'eventTypes is a plain array there, so an empty list need not be refused',
  },
  {
    at: '/components/parameters/cursor/schema',
    drop: ['minLength', 'maxLength'],
    why: 'cursor is a plain string there, so an empty or long one need not be refused',
  },
  {
    at: '/paths/~1users~1{id}~1resetSession/post/responses',
    drop: ['404'],
    why: 'it documents only 200 for resetting a session, so an unknown user need not get 404',
  },
];

const WUKONGIM: readonly Relaxation[] = [
  {
    at: '/components/schemas/OnlineStatusEntry/properties/online',
    set: { type: 'integer', enum: [0, 1] },
    why: 'its OnlineStatusResponse has online 0 or 1; that the v2 server lists online connections only, each with 1, is its code, not its document',
  },
];

/** The relaxations of each API, applied to its spec before verify compiles it. */
export const RELAXATIONS: Readonly<Record<'smile' | 'wukongim', readonly Relaxation[]>> = { smile: SMILE, wukongim: WUKONGIM };
