/**
 * The longest uid (and IM device id) and token the mock takes. The server has no such bound, but a
 * mock that kept whatever came would hold 100 GB for 100,000 slots of 1 MB uids: past the bound
 * `POST /user/token` gets a 400 `{msg, status}` and nothing is stored.
 */
import { checkBound } from '../../core/bounds.js';

export const DEFAULT_FIELD_LENGTHS = { uid: 256, token: 1024 } as const;

export interface FieldLengths {
  /** Why these fields cannot be taken (the first one too long), or undefined when they can. */
  problem(fields: { uid?: string; token?: string }): string | undefined;
  /** A uid or device id as a record keeps it: cut at the bound, with an ellipsis, when longer. */
  kept(value: string): string;
}

/**
 * Checks the bounds (whole numbers of at least 1, or a RangeError) and makes the checks.
 * @example fieldLengthBounds({ maxUidLength: 8 }).problem({ uid: 'a-very-long-uid' }) // 'uid is longer than 8 characters, …'
 */
export function fieldLengthBounds(options: { maxUidLength?: number; maxTokenLength?: number }): FieldLengths {
  const uid = options.maxUidLength ?? DEFAULT_FIELD_LENGTHS.uid;
  const token = options.maxTokenLength ?? DEFAULT_FIELD_LENGTHS.token;
  checkBound('wukongim.maxUidLength', uid);
  checkBound('wukongim.maxTokenLength', token);
  const tooLong = (field: string, bound: number, flag: string, option: string) =>
    `${field} is longer than ${bound} characters, the most the mock takes (${flag}, ${option})`;
  return {
    problem(fields) {
      if (fields.uid !== undefined && fields.uid.length > uid) return tooLong('uid', uid, '--max-uid-length', 'wukongim.maxUidLength');
      if (fields.token !== undefined && fields.token.length > token) return tooLong('token', token, '--max-token-length', 'wukongim.maxTokenLength');
      return undefined;
    },
    kept: (value) => (value.length > uid ? `${value.slice(0, uid)}…` : value),
  };
}
