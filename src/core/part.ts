/**
 * One part of a mock instance: the clock, the random sequence, a journal, an API. The mock keeps one
 * list of its parts, and that list alone drives reset, snapshots and arming.
 */

import type { ErrorDetail } from './errors.js';

/** What each part of a mock can be asked. */
export interface Part {
  /** Names the part's state in a snapshot. */
  readonly name: string;
  /** Back to the seeded start. */
  reset(): void;
  /** Puts in force what the options ask for at the start, and again after every reset (faults, scenarios). */
  arm?(): void;
  /** The part's state as plain JSON, for snapshots; and back. */
  snapshot?(): unknown;
  /** Puts a state in place; it is only ever given one that `check` found nothing wrong with. */
  restore?(state: unknown): void;
  /**
   * Everything wrong with a state before anything is replaced, as JSON Pointers into the state; empty
   * when `restore` can take it. Required with `restore`: a snapshot is restored whole or not at all.
   */
  check?(state: unknown): ErrorDetail[];
}
