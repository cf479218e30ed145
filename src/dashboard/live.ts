/**
 * Live data for the views: one subscription to the stream, shared. A view names the topics it shows
 * and how to load itself; it reloads when one of them changes (and on hello, resync and reset): 150 ms
 * after the change, at most twice a second, never twice at once. Under load, then, an open dashboard
 * costs the mock two page reads a second per view, whatever the traffic.
 */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ChangeEvent, ControlClient } from './client.js';

export type Topic = ChangeEvent['topic'];
type Listener = (event: ChangeEvent) => void;

/** What every view shares: the client, the stream's listeners, and the mock's clock as last heard. */
export interface Live {
  client: ControlClient;
  subscribe(listener: Listener): () => void;
  /** The mock's clock as last heard: epoch ms, frozen, and when (performance.now) it was heard. */
  clock: { now: number; frozen: boolean; heardAt: number };
  /** Tells the page something went wrong with a control call. */
  report(error: unknown): void;
}

export const LiveContext = createContext<Live | undefined>(undefined);

/** The shared live context. */
export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('a dashboard view is rendered outside the dashboard');
  return live;
}

const ALWAYS = new Set<Topic>(['hello', 'resync', 'reset']);
/** How long after a change a view reloads, and the least time between two reloads. */
const SETTLE_MS = 150;
const MIN_GAP_MS = 500;

/**
 * Loads data and reloads it as the topics change.
 * @example const users = useLoaded(['smile'], () => client.call('GET', '/smile/users'), []);
 */
export function useLoaded<T>(topics: Topic[], load: () => Promise<T>, deps: unknown[]): { data: T | undefined; reload: () => void } {
  const live = useLive();
  const [data, setData] = useState<T | undefined>(undefined);
  const state = useRef({ busy: false, again: false, timer: undefined as ReturnType<typeof setTimeout> | undefined, load, lastAt: 0 });
  state.current.load = load;

  const reload = useCallback(() => {
    const own = state.current;
    if (own.busy) {
      own.again = true;
      return;
    }
    own.busy = true;
    own.lastAt = performance.now();
    own
      .load()
      .then(setData, live.report)
      .finally(() => {
        own.busy = false;
        if (own.again) {
          own.again = false;
          reload();
        }
      });
  }, [live]);

  // The caller names what the load depends on.
  useEffect(reload, deps);

  useEffect(() => {
    const own = state.current;
    const unsubscribe = live.subscribe((event) => {
      if (!ALWAYS.has(event.topic) && !topics.includes(event.topic)) return;
      if (own.timer !== undefined) return;
      own.timer = setTimeout(
        () => {
          own.timer = undefined;
          reload();
        },
        Math.max(SETTLE_MS, own.lastAt + MIN_GAP_MS - performance.now()),
      );
    });
    return () => {
      unsubscribe();
      if (own.timer !== undefined) clearTimeout(own.timer);
    };
  }, [live, reload, topics.join()]);

  return { data, reload };
}

/**
 * The mock's now in epoch ms, following its clock: re-rendered every second while it runs, and on
 * every clock event.
 */
export function useMockNow(): { now: number; frozen: boolean } {
  const live = useLive();
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => {
      if (!live.clock.frozen) tick((n) => n + 1);
    }, 1000);
    const unsubscribe = live.subscribe(() => tick((n) => n + 1));
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [live]);
  const { now, frozen, heardAt } = live.clock;
  return { now: frozen ? now : now + (performance.now() - heardAt), frozen };
}
