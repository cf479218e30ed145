/**
 * The request log of `token-mock serve`: one line on standard output per request, per request the
 * edge answered itself (a refusal, a preflight), per webhook attempt and per IM connection change,
 * so a developer sees why an app's call failed. Pretty (coloured on a terminal) or JSON, one object
 * a line. Lines never hold a secret: Basic and Bearer credentials, JWTs, and the values of query
 * parameters that name a token, key, secret or signature are masked.
 *
 * The log takes events (`LogEvent`) from anything: `attachRequestLog` subscribes it to a mock's
 * journal, deliveries and online-status changes, and the server's edge calls `edge`. A new source
 * (the IM socket's connects and kicks) writes `im` events.
 */
import { styleText } from 'node:util';
import type { EdgeEvent } from '../adapters/edge.js';
import type { DeliveryAttempt } from '../core/delivery-log.js';
import type { RecordedEntry } from '../core/journal.js';
import type { Mock } from '../mock.js';
import { logOutput } from './log-output.js';

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One line of the log. `time` is epoch ms on the mock's clock. */
export type LogEvent =
  | {
      kind: 'request';
      time: number;
      api: string;
      method: string;
      path: string;
      status: number;
      ms: number;
      operationId: string | null;
      /** The fault rule that applied. */
      fault: string | null;
      /** The first way the request (or, in strict mode, the answer) broke the spec. */
      violation: string | null;
      /** Forwarded to the real provider by `token-mock proxy`: the answer is the upstream's. */
      proxied?: boolean;
    }
  | { kind: 'refused' | 'preflight'; time: number; api: string; method: string; path: string; status: number; rule: string | null; detail: string | null }
  | {
      kind: 'webhook';
      time: number;
      api: string;
      type: string;
      url: string;
      attempt: number;
      maxAttempts: number;
      status: number | null;
      ms: number;
      /** delivered; failed with a retry scheduled; dropped after the last attempt (or when too many were pending). */
      outcome: 'delivered' | 'retry scheduled' | 'dropped';
      error: string | null;
      nextAttemptAt: string | null;
    }
  | {
      kind: 'im';
      time: number;
      /** What happened: online or offline (any connection), and on an IM socket connect, refuse, kick, close, protocol-error, idle-timeout or ignored. */
      event: string;
      /** The IM socket, counted from 1; absent for a simulated connection. */
      socket?: number;
      /** Absent for a socket that never said who it was. */
      uid?: string;
      deviceFlag?: number;
      connectionId?: number;
      reason?: number;
      detail?: string;
    };

export interface RequestLogOptions {
  format: LogFormat;
  /** Print nothing; the banner and errors are printed elsewhere. */
  quiet: boolean;
  /** Colour the pretty format (only ever on a terminal). */
  color: boolean;
  /** Where the text goes; lines are batched, so each call may hold several. */
  write: (text: string) => void;
}

/** A request log: events in, lines out. */
export interface RequestLog {
  /** Prints nothing (`--quiet`): nothing need be told to it. */
  readonly quiet: boolean;
  write(event: LogEvent): void;
  /** Writes the lines batched so far (they go out on the next turn of the event loop otherwise). */
  flush(): void;
}

/**
 * Creates a log. Lines are gathered and written once per turn of the event loop: one write for many
 * requests under load, instead of a system call each.
 * @example const log = createRequestLog({ format: 'json', quiet: false, color: false, write: (text) => process.stdout.write(text) });
 */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    options.write(text);
  };
  const line = options.format === 'json' ? jsonLine : (event: LogEvent) => prettyLine(event, options.color);
  return {
    quiet: options.quiet,
    write(event) {
      if (options.quiet) return;
      pending.push(redact(line(event)));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/**
 * Subscribes a log to a mock: its journal (every request it answered), its deliveries, its IM
 * sockets and its online-status changes. Returns the listener for the server's edge, and the way to stop.
 * @example const { edge } = attachRequestLog(mock, log); await serve(mock, { onEdge: edge });
 */
export function attachRequestLog(mock: Mock, log: RequestLog): { edge: (event: EdgeEvent) => void; stop: () => void } {
  // A quiet log listens to nothing: no request pays for lines nobody prints.
  if (log.quiet) return { edge: () => {}, stop: () => {} };
  const stops = [
    // IM socket events are journaled too (method WS); they get their own lines below.
    mock.journal.onRecord((entry) => {
      if (entry.method !== 'WS') log.write(requestEvent(entry));
    }),
    mock.wukongim.im.subscribe((event) =>
      log.write({
        kind: 'im',
        time: event.time,
        event: event.type,
        socket: event.socket,
        uid: event.uid,
        deviceFlag: event.deviceFlag,
        connectionId: event.connectionId,
        reason: event.reasonCode,
        detail: event.detail || undefined,
      }),
    ),
    mock.webhooks.onAttempt((attempt) => log.write(webhookEvent(attempt))),
    mock.webhooks.on('user.onlinestatus', (event) => {
      for (const entry of Array.isArray(event.body) ? event.body : []) {
        const im = onlineStatusEvent(String(entry), mock.clock.now());
        if (im) log.write(im);
      }
    }),
  ];
  return {
    edge: (event) => log.write({ ...event, time: mock.clock.now(), rule: event.rule ?? null, detail: event.detail ?? null }),
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

/**
 * The log a command that listens prints: on standard output (coloured on a terminal unless NO_COLOR),
 * subscribed to the mock. Returns the output to drain at shutdown, the log to flush, and the edge listener.
 * @example const { output, log, edge } = standardRequestLog(mock, 'pretty', false);
 */
export function standardRequestLog(mock: Mock, format: LogFormat, quiet: boolean) {
  const output = logOutput(1);
  const log = createRequestLog({ format, quiet, color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined, write: output.write });
  return { output, log, edge: attachRequestLog(mock, log).edge };
}

function requestEvent(entry: RecordedEntry): LogEvent {
  const first = entry.violations[0];
  return {
    kind: 'request',
    time: entry.time,
    api: entry.api,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    ms: Math.round(entry.durationMs * 10) / 10,
    operationId: entry.operationId,
    fault: entry.fault,
    violation: first ? `${first.in}${first.path}: ${first.message}` : null,
    ...(entry.proxied ? { proxied: true } : {}),
  };
}

function webhookEvent(attempt: DeliveryAttempt): LogEvent {
  return {
    kind: 'webhook',
    time: Date.parse(attempt.time),
    api: attempt.api,
    type: attempt.type,
    url: attempt.url,
    attempt: attempt.attempt,
    maxAttempts: attempt.maxAttempts,
    status: attempt.status,
    ms: Math.round(attempt.latencyMs * 10) / 10,
    outcome: attempt.outcome === 'delivered' ? 'delivered' : attempt.outcome === 'retrying' ? 'retry scheduled' : 'dropped',
    error: attempt.error,
    nextAttemptAt: attempt.nextAttemptAt,
  };
}

/** A `user.onlinestatus` entry, `{uid}-{device_flag}-{0|1}-{connId}-{inSlot}-{total}` (a uid may hold dashes), as an event. */
function onlineStatusEvent(entry: string, time: number): LogEvent | undefined {
  const parts = entry.split('-');
  if (parts.length < 6) return undefined;
  const [flag, online, id] = parts.slice(-5).map(Number) as [number, number, number];
  return { kind: 'im', time, event: online === 1 ? 'online' : 'offline', uid: parts.slice(0, -5).join('-'), deviceFlag: flag, connectionId: id };
}

function jsonLine(event: LogEvent): string {
  const { time, ...rest } = event;
  return JSON.stringify({ time: isoTime(time), ...rest });
}

let lastTime = Number.NaN;
let lastIso = '';
/** An instant as ISO 8601, made once for the lines of one millisecond: under load most lines share one. */
function isoTime(time: number): string {
  if (time !== lastTime) {
    lastTime = time;
    lastIso = new Date(time).toISOString();
  }
  return lastIso;
}

type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

function prettyLine(event: LogEvent, color: boolean): string {
  const paint: Paint = color ? styleText : (_format, text) => text;
  const time = paint('dim', isoTime(event.time));
  const statusText = (status: number | null) => {
    if (status === null || status === 0) return paint('red', String(status ?? '---'));
    return paint(status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green', String(status));
  };
  switch (event.kind) {
    case 'request': {
      let text = `${time} ${event.api.padEnd(8)} ${event.method} ${event.path} ${statusText(event.status)} ${event.ms}ms ${event.operationId ?? '-'}`;
      if (event.proxied) text += ` ${paint('cyan', 'proxied')}`;
      if (event.fault) text += ` ${paint('magenta', `fault=${event.fault}`)}`;
      if (event.violation) text += ` ${paint('yellow', `violation: ${event.violation}`)}`;
      return text;
    }
    case 'refused':
      return `${time} ${event.api.padEnd(8)} ${event.method} ${event.path} ${statusText(event.status)} ${paint('red', `refused (${event.rule})`)}: ${event.detail}`;
    case 'preflight':
      return `${time} ${event.api.padEnd(8)} ${event.method} ${event.path} ${statusText(event.status)} preflight${event.rule ? ` ${paint('yellow', event.detail ?? '')}` : ''}`;
    case 'webhook': {
      const outcome = event.outcome === 'delivered' ? paint('green', 'delivered') : paint(event.outcome === 'dropped' ? 'red' : 'yellow', event.outcome);
      const retry = event.nextAttemptAt ? ` at ${event.nextAttemptAt}` : '';
      const error = event.error ? ` (${event.error})` : '';
      return `${time} webhook  ${event.type} → ${event.url} ${statusText(event.status)} ${event.ms}ms attempt ${event.attempt}/${event.maxAttempts} ${outcome}${retry}${error}`;
    }
    case 'im': {
      const socket = event.socket === undefined ? '' : `socket ${event.socket} `;
      const who = event.uid === undefined ? '' : `${event.uid}/${event.deviceFlag} `;
      const connection = event.connectionId === undefined ? '' : `connection ${event.connectionId} `;
      const reason = event.reason === undefined ? '' : ` (reason ${event.reason})`;
      return `${time} im       ${socket}${who}${connection}${event.event}${reason}${event.detail ? ` ${event.detail}` : ''}`;
    }
  }
}

/**
 * What each mask below needs somewhere in a line, in one test: a scheme word and its space, user info,
 * a JWT's `eyJ`, a query parameter named for a secret. A query alone is not enough: the Smile rows'
 * `?userId=` and `?size=` would pay for four replaces each (1.3 µs a line against 0.1).
 */
const MAY_HOLD_SECRETS = /\b(?:basic|bearer)\s|\/\/[^/@\s]+@|eyJ|[?&][^=&\s]*(?:token|secret|passw|key|sign|auth|credential)/i;

/** Query parameters whose values are secrets by their name. */
const SECRET_PARAMETER = /([?&][^=&\s]*(?:token|secret|password|passwd|key|sign|signature|auth|credential)[^=&\s]*=)[^&\s"]*/gi;

/**
 * Masks what must never reach a log: credentials after Basic or Bearer, user info in URLs, JWTs
 * (kept to their first characters, so two can still be told apart), and secret query values.
 * @example redact('GET /x?token=abc') // 'GET /x?token=…'
 */
export function redact(line: string): string {
  // Most lines hold none of what a mask needs, and one test is cheaper than four replaces (about
  // 1.4 µs a request under wrk, npm run bench:stages).
  if (!MAY_HOLD_SECRETS.test(line)) return line;
  return line
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 …')
    .replace(/(\/\/)[^/@\s]+@/g, '$1…@')
    .replace(/eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g, (jwt) => `${jwt.slice(0, 8)}…`)
    .replace(SECRET_PARAMETER, '$1…');
}
