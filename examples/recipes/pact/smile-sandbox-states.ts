/**
 * Provider states for verifying token-mock's Smile pacts against the real Smile sandbox: the same
 * state names the pact carries, each made through the sandbox's own API with your keys, answering
 * the values the pact's generators need. Spread it into the Verifier's options: it gives the
 * `stateHandlers`, and an `afterEach` that deletes the webhook subscriptions a verification made.
 *
 * A used link token cannot be made this way (only the Wink Widget uses one), so interactions that
 * need "a Smile user has a used link token" belong in tests against token-mock itself.
 */
type Params = Record<string, unknown> | undefined;
/** A state handler as Pact's Verifier takes it: the state's params in, the values for the generators out. */
type StateFunction = (params?: unknown) => Promise<Record<string, string>>;

export interface SandboxOptions {
  /** The Smile API with its /v1: https://sandbox.smileapi.io/v1. */
  baseUrl: string;
  key: string;
  secret: string;
}

/** 32 lowercase hex digits nobody has handed out. */
const freshHex = () => crypto.randomUUID().replaceAll('-', '');

export function smileSandboxStates({ baseUrl, key, secret }: SandboxOptions): {
  stateHandlers: Record<string, StateFunction>;
  afterEach: () => Promise<void>;
} {
  const basicCredentials = btoa(`${key}:${secret}`);
  const smile = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Basic ${basicCredentials}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    // biome-ignore lint/suspicious/noExplicitAny: the sandbox's answers, read as its docs describe them
    return (await response.json()) as { data: Record<string, any> };
  };
  const createUser = async (params: Params) => {
    const { data } = await smile('POST', '/users', { externalMetadata: params?.externalMetadata ?? {} });
    return { userId: data.user.id, tokenId: data.token.id, accessToken: data.token.accessToken, basicCredentials };
  };
  const webhooks: string[] = [];

  return {
    stateHandlers: {
      'Smile credentials are valid': async () => ({ basicCredentials }),
      'a Smile user exists': async (params) => createUser(params as Params),
      // Creating a user issues its first link token.
      'a Smile user has a link token': async (params) => createUser(params as Params),
      'no Smile user has the id': async () => ({ userId: `pact-${freshHex()}`, basicCredentials }),
      'a Smile webhook subscription exists': async (params) => {
        const { data } = await smile('POST', '/webhooks', { secret: `pact-${freshHex()}`, includePayload: false, ...(params as object) });
        webhooks.push(data.id);
        return { webhookId: data.id, basicCredentials };
      },
      'no Smile webhook subscription has the id': async () => ({ webhookId: freshHex(), basicCredentials }),
    },
    // The sandbox keeps what a verification makes; a subscription left behind would deliver to the pact's URL.
    afterEach: async () => {
      for (const id of webhooks.splice(0)) await smile('DELETE', `/webhooks/${id}`);
    },
  };
}
