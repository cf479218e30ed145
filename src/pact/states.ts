/**
 * Provider states: the names the pacts the mock writes give the state each interaction depends on,
 * and the mock's own handler for Pact's state-change requests (`POST /__mock/pact/provider-states`).
 * A state is made through the services' own operations, so it can hold only what the API could have
 * made; its answer carries the values the pact's `fromProviderState` generators ask for.
 */
import { basicAuthorization } from '../apis/smile/credentials.js';
import type { SmileService } from '../apis/smile/index.js';
import type { WukongimService } from '../apis/wukongim/index.js';
import { MockError } from '../core/errors.js';
import { schemaErrors } from '../core/validation.js';
import { operations as smileOperations } from '../generated/smile.operations.js';

/** Every provider state a pact of the mock's can name. The names are the interface provider handlers implement. */
export const PROVIDER_STATES = {
  /** Answers `basicCredentials`: base64 of `key:secret` of a key of `params.mode` (SANDBOX unless said). */
  smileCredentials: 'Smile credentials are valid',
  /** Creates a user with `params.externalMetadata`; answers `userId` and `basicCredentials`. */
  smileUser: 'a Smile user exists',
  /** Creates a user and a link token for it; answers `userId`, `tokenId`, `accessToken` and `basicCredentials`. */
  smileUserWithToken: 'a Smile user has a link token',
  /** As above, with the token used once, as the widget does. */
  smileUserWithUsedToken: 'a Smile user has a used link token',
  /** Answers a `userId` no user has (`params.userId` when none has it). */
  noSmileUser: 'no Smile user has the id',
  /** Registers a subscription with `params` (`name`, `url`, `eventTypes`, `active`, `includePayload`); answers `webhookId`. */
  smileWebhook: 'a Smile webhook subscription exists',
  /** Answers a `webhookId` no subscription has. */
  noSmileWebhook: 'no Smile webhook subscription has the id',
  /** Answers `managerToken`, the value of WuKongIM's `token` header (empty when the server asks for none). */
  wukongimManager: 'the WuKongIM manager token is valid',
  /** Stores a token in the slot of `params.uid` and `params.device_flag` at `params.device_level`, as `POST /user/token` does. */
  wukongimDevice: 'a WuKongIM device holds a token',
} as const;

export type ProviderStateName = (typeof PROVIDER_STATES)[keyof typeof PROVIDER_STATES];

/** Pact's state-change request. */
export interface StateChange {
  state: string;
  params?: Record<string, unknown>;
  action?: 'setup' | 'teardown';
}

/** What the handler makes states with. */
export interface StateTargets {
  smile: SmileService;
  wukongim: WukongimService;
  /** WuKongIM's manager token, when the mock asks for one. */
  managerToken?: string;
}

type Values = Record<string, string>;
type Setup = (targets: StateTargets, params: Record<string, unknown>) => Values | Promise<Values>;

const KNOWN = Object.values(PROVIDER_STATES);

/**
 * Sets a state up and answers the values its generators need; a teardown, and the empty state the
 * verifier sends for interactions without one, answer `{}`. An unknown state throws a MockError of
 * kind `invalid-pact` naming the states there are.
 * @example await setUpState(targets, { state: 'a Smile user exists', action: 'setup' }) // { userId: 'tenant-…', basicCredentials: '…' }
 */
export async function setUpState(targets: StateTargets, change: StateChange): Promise<Values> {
  if (change.state === '' || change.action === 'teardown') return {};
  const setup = SETUPS[change.state as ProviderStateName];
  if (!setup)
    throw new MockError(
      'invalid-pact',
      `unknown provider state ${JSON.stringify(change.state)}; the states are: ${KNOWN.map((name) => JSON.stringify(name)).join(', ')}`,
    );
  return setup(targets, change.params ?? {});
}

const credentials = (targets: StateTargets, params: Record<string, unknown>): Values => {
  const mode = params.mode === 'PRODUCTION' ? 'PRODUCTION' : 'SANDBOX';
  const credential = targets.smile.credentials.find((candidate) => candidate.mode === mode) ?? targets.smile.credentials[0];
  if (!credential) throw new MockError('invalid-pact', 'this mock has no Smile credentials to give');
  return { basicCredentials: basicAuthorization(credential).slice('Basic '.length) };
};

const userWith = (targets: StateTargets, params: Record<string, unknown>): Values => {
  const metadata = params.externalMetadata ?? {};
  const wrong = schemaErrors(metadataCheck, { externalMetadata: metadata });
  if (wrong.length > 0) throw new MockError('invalid-pact', `params.externalMetadata ${wrong[0]?.message ?? 'is wrong'}`, { errors: wrong });
  const user = targets.smile.createUser(metadata as Record<string, string>);
  return { userId: user.id, ...credentials(targets, params) };
};

const withToken = async (targets: StateTargets, params: Record<string, unknown>, used: boolean): Promise<Values> => {
  const values = userWith(targets, params);
  const token = await targets.smile.issueToken(values.userId as string, params.mode === 'PRODUCTION' ? 'PRODUCTION' : 'SANDBOX');
  if (used) targets.smile.consumeLatestToken(values.userId as string);
  return { ...values, tokenId: token.id, accessToken: token.accessToken };
};

const metadataCheck = smileOperations.createUser.body?.validate as NonNullable<typeof smileOperations.createUser.body>['validate'];
const webhookCheck = smileOperations.createWebhook.body?.validate as NonNullable<typeof smileOperations.createWebhook.body>['validate'];

/** An id nobody holds: `wanted` when free, else it with its last characters counted up. */
function freeId(wanted: string, taken: (id: string) => boolean): string {
  let id = wanted;
  for (let n = 1; taken(id); n += 1) id = wanted.slice(0, -String(n).length) + String(n);
  return id;
}

const SETUPS: Record<ProviderStateName, Setup> = {
  [PROVIDER_STATES.smileCredentials]: credentials,
  [PROVIDER_STATES.smileUser]: userWith,
  [PROVIDER_STATES.smileUserWithToken]: (targets, params) => withToken(targets, params, false),
  [PROVIDER_STATES.smileUserWithUsedToken]: (targets, params) => withToken(targets, params, true),
  [PROVIDER_STATES.noSmileUser]: (targets, params) => ({
    userId: freeId(typeof params.userId === 'string' ? params.userId : 'tenant-00000000000000000000000000000000', (id) => targets.smile.user(id) !== undefined),
    ...credentials(targets, params),
  }),
  [PROVIDER_STATES.smileWebhook](targets, params) {
    const body = { secret: 'pact-webhook-secret', includePayload: false, ...params };
    const wrong = schemaErrors(webhookCheck, body);
    if (wrong.length > 0)
      throw new MockError('invalid-pact', `the webhook params break the spec: ${wrong.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors: wrong });
    const webhook = targets.smile.createWebhook(body as Parameters<SmileService['createWebhook']>[0]);
    return { webhookId: webhook.id, ...credentials(targets, params) };
  },
  [PROVIDER_STATES.noSmileWebhook]: (targets, params) => {
    const held = new Set(targets.smile.webhooks().map(({ webhook }) => webhook.id));
    return {
      webhookId: freeId(typeof params.webhookId === 'string' ? params.webhookId : '0'.repeat(32), (id) => held.has(id)),
      ...credentials(targets, params),
    };
  },
  [PROVIDER_STATES.wukongimManager]: (targets) => ({ managerToken: targets.managerToken ?? '' }),
  [PROVIDER_STATES.wukongimDevice](targets, params) {
    const { uid = 'pact-user', token = 'pact-device-token', device_flag = 0, device_level = 0 } = params;
    // What POST /user/token would take: its field types and ranges (Go's uint8 flag, master or slave), then its own rules.
    const refusal =
      typeof uid !== 'string' || typeof token !== 'string'
        ? 'params.uid and params.token must be strings'
        : !Number.isInteger(device_flag) || (device_flag as number) < 0 || (device_flag as number) > 255
          ? `params.device_flag must be an integer from 0 to 255, not ${JSON.stringify(device_flag)}`
          : device_level !== 0 && device_level !== 1
            ? `params.device_level must be 0 or 1, not ${JSON.stringify(device_level)}`
            : targets.wukongim.tokenRefusal(uid, token);
    if (refusal) throw new MockError('invalid-pact', `a WuKongIM device cannot hold that token: ${refusal}`);
    targets.wukongim.updateToken({ uid: uid as string, token: token as string, device_flag: device_flag as number, device_level: device_level as number });
    return { uid: uid as string, managerToken: targets.managerToken ?? '' };
  },
};
