/** Snapshots of a mock's state as plain JSON: taken part by part, and restored whole after every part has checked its own. */
import { type ErrorDetail, MockError } from './core/errors.js';
import type { Part } from './core/part.js';
import { schemaErrors } from './core/validation.js';
import { schemas } from './generated/admin.operations.js';
import type { components } from './generated/admin.types.js';

/** A mock's state as plain JSON, part by part (openapi/admin.yaml `MockSnapshot`): journals and pending deliveries are not part of it. */
export type MockSnapshot = components['schemas']['MockSnapshot'];

const SNAPSHOT_FORMAT: MockSnapshot['format'] = 'token-mock/state/2';

/** How many wrong parts a refusal lists; a snapshot broken throughout would otherwise make an error as large as itself. */
const MAX_ERRORS = 100;
const MAX_IN_DETAIL = 5;

/**
 * Checks the random part's state: four 32-bit words.
 * @example checkRandomState(null) // [{ path: '', message: 'must be array' }]
 */
export const checkRandomState = (state: unknown): ErrorDetail[] => schemaErrors(schemas.RandomState, state);

/**
 * Checks the clock part's state: instants a Date can hold.
 * @example checkClockState({ now: 0, frozen: true, offset: 0 }) // []
 */
export const checkClockState = (state: unknown): ErrorDetail[] => schemaErrors(schemas.ClockSnapshot, state);

/**
 * Takes snapshots of every part that has state, and restores them all or nothing.
 * @example const { snapshot, restore } = createSnapshots(1, parts); restore(JSON.parse(saved));
 */
export function createSnapshots(seed: number, parts: readonly Part[]) {
  const kept = parts.filter((part) => part.snapshot && part.restore);
  for (const part of kept) if (!part.check) throw new Error(`the ${part.name} part restores state but cannot check it first`);

  const snapshot = (): MockSnapshot =>
    ({ format: SNAPSHOT_FORMAT, seed, state: Object.fromEntries(kept.map((part) => [part.name, part.snapshot?.()])) }) as MockSnapshot;

  /** Everything wrong with a snapshot, as JSON Pointers into it; empty when it can be restored. */
  const check = (saved: unknown): ErrorDetail[] => {
    if (!isObject(saved)) return [{ path: '', message: 'must be an object' }];
    // A snapshot of another format says nothing its parts could be checked against.
    if (saved.format !== SNAPSHOT_FORMAT) return [{ path: '/format', message: `must be ${SNAPSHOT_FORMAT}, not ${JSON.stringify(saved.format) ?? 'missing'}` }];
    const errors: ErrorDetail[] = [];
    if (saved.seed !== seed) errors.push({ path: '/seed', message: `is ${JSON.stringify(saved.seed) ?? 'missing'}, but this mock's seed is ${seed}` });
    const { state } = saved;
    if (!isObject(state)) return [...errors, { path: '/state', message: 'must be an object' }];
    for (const part of kept) {
      const at = `/state/${part.name}`;
      if (!Object.hasOwn(state, part.name)) errors.push({ path: at, message: 'is required' });
      else for (const error of part.check?.(state[part.name]) ?? []) errors.push({ path: at + error.path, message: error.message });
    }
    return errors;
  };

  return {
    snapshot,
    check,
    /** Puts a snapshot's state in place, or, when any part of it is wrong, throws a MockError of kind `invalid-snapshot` and changes nothing. */
    restore(saved: unknown): void {
      const errors = check(saved);
      if (errors.length > 0) throw refusal(errors);
      const before = snapshot();
      try {
        for (const part of kept) part.restore?.((saved as MockSnapshot).state[part.name as keyof MockSnapshot['state']]);
      } catch (error) {
        // Every part checked its state, so this is a bug; still, the mock goes back to where it was.
        for (const part of kept) part.restore?.(before.state[part.name as keyof MockSnapshot['state']]);
        throw error;
      }
    },
  };
}

/**
 * The first few wrong parts of a snapshot as one line, for messages.
 * @example listErrors([{ path: '/seed', message: 'is 9' }]) // '/seed is 9'
 */
export function listErrors(errors: readonly ErrorDetail[]): string {
  const listed = errors.slice(0, MAX_IN_DETAIL).map((error) => `${error.path || '(the snapshot)'} ${error.message}`);
  if (errors.length > MAX_IN_DETAIL) listed.push(`and ${errors.length - MAX_IN_DETAIL} more`);
  return listed.join('; ');
}

function refusal(errors: ErrorDetail[]): MockError {
  const kept = errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), { path: '', message: `and ${errors.length - MAX_ERRORS} more` }] : errors;
  return new MockError('invalid-snapshot', `the snapshot cannot be restored, so nothing was changed: ${listErrors(errors)}`, { errors: kept });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
