/** The Smile link-token operation: `POST /tokens` issues a one-time token for a user that exists. */
import type { RequestLike } from '../../core/request.js';
import type { HandlerTable } from '../../core/typed.js';
import type { operations as Operations } from '../../generated/smile.types.js';
import type { Mode } from './credentials.js';
import type { Envelopes } from './errors.js';
import { type TokenStore, tokenJson } from './tokens.js';
import type { UserStore } from './users.js';

export interface TokenParts {
  users: UserStore;
  tokens: TokenStore;
  envelopes: Envelopes;
  modeOf(request: RequestLike): Mode;
}

/** Builds the token handler; the token is issued in the mode of the request's key. */
export function createTokenOperations({ users, tokens, envelopes: { createdText, error }, modeOf }: TokenParts) {
  const handlers: HandlerTable<Pick<Operations, 'createToken'>> = {
    async createToken({ params, request }) {
      if (!users.get(params.userId)) return error(404, 'MISSING_RESOURCE', `User ${params.userId} does not exist`);
      const token = await tokens.issue(params.userId, modeOf(request));
      return createdText(token, tokenJson(token));
    },
  };
  return { handlers };
}
