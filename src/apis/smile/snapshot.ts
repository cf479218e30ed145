/** What a Smile snapshot must hold before it replaces the users, tokens and webhooks: its schema, Smile's own shapes, and what a schema cannot say. */
import type { ErrorDetail } from '../../core/errors.js';
import { duplicateErrors, schemaErrors } from '../../core/validation.js';
import { schemas } from '../../generated/admin.operations.js';
import type { components } from '../../generated/admin.types.js';
import { schemas as smileSchemas } from '../../generated/smile.operations.js';
import type { User } from './users.js';
import type { Webhook } from './webhooks.js';

/** The Smile part of a snapshot (openapi/admin.yaml `SmileSnapshot`), whose users and webhooks are Smile's own `User` and `Webhook` once checked. */
export type SmileSnapshot = Omit<components['schemas']['SmileSnapshot'], 'users' | 'webhooks'> & { users: User[]; webhooks: Webhook[] };

const TOKEN_COLUMNS = ['userIds', 'expiries', 'flags'] as const;

/**
 * Everything wrong with a saved Smile state, as JSON Pointers into it: the schema, each user and
 * webhook against openapi/smile.yaml, unique ids, and token columns of one length.
 * @example checkSmileState({ users: [], webhooks: [], tokens: { ids: [], userIds: [], expiries: [], flags: [] }, requestIds: [1, 2, 3, 4] }) // []
 */
export function checkSmileState(state: unknown): ErrorDetail[] {
  const errors = schemaErrors(schemas.SmileSnapshot, state);
  if (errors.length > 0) return errors;
  const { users, webhooks, tokens } = state as components['schemas']['SmileSnapshot'];
  users.forEach((user, i) => {
    for (const error of schemaErrors(smileSchemas.User, user)) errors.push({ path: `/users/${i}${error.path}`, message: error.message });
  });
  webhooks.forEach((webhook, i) => {
    for (const error of schemaErrors(smileSchemas.Webhook, webhook)) errors.push({ path: `/webhooks/${i}${error.path}`, message: error.message });
  });
  if (errors.length > 0) return errors;
  errors.push(
    ...duplicateErrors(
      users,
      (user) => String(user.id),
      (i) => `/users/${i}/id`,
      'user',
    ),
  );
  errors.push(
    ...duplicateErrors(
      webhooks,
      (webhook) => String(webhook.id),
      (i) => `/webhooks/${i}/id`,
      'webhook',
    ),
  );
  // Tokens are found by their place in the columns: a column of another length would misplace them all.
  for (const column of TOKEN_COLUMNS) {
    if (tokens[column].length !== tokens.ids.length)
      errors.push({ path: `/tokens/${column}`, message: `has ${tokens[column].length} entries for ${tokens.ids.length} token ids` });
  }
  return errors;
}
