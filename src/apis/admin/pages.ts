/** The control API's lists, one page at a time: the answer shape they share and each list's cursor. */
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor, heldArray, isCount, oldestFirst, type Slice } from '../../core/page.js';
import type { ScenarioState } from '../../scenarios/runner.js';

/** What every list answers, besides its own extras. */
export interface PageBody<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/** The query every list takes. */
export interface PageParams {
  limit?: number;
  cursor?: string;
}

/**
 * Where a page of `list` starts and how long it is: the key the request's cursor was anchored on
 * (a MockError of kind `invalid-cursor` when this list did not issue it) and the limit.
 * @example const { from, limit } = pageRequest('journal', params);
 */
export function pageRequest(list: string, params: PageParams): { from: number | undefined; limit: number } {
  return { from: decodeCursor(list, params.cursor, isCount), limit: params.limit ?? DEFAULT_PAGE_LIMIT };
}

/**
 * The answer for one page of `list`, its next cursor anchored on the last item shown.
 * @example answerPage('journal', journal.page({ limit: 100 }))
 */
export function answerPage<T>(list: string, slice: Slice<T, number>): PageBody<T> {
  return { items: slice.items, nextCursor: slice.next === undefined ? null : encodeCursor(list, slice.next), total: slice.total };
}

/**
 * A page of the loaded scenarios, in load order after the scenario id `from`.
 * @example scenarioPage(scenarios.list(), undefined, 100)
 */
export function scenarioPage(states: ScenarioState[], from: number | undefined, limit: number): Slice<ScenarioState, number> {
  return { ...oldestFirst(heldArray(states), (state) => state.id, { from, limit }), total: states.length };
}
