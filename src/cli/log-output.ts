/**
 * Where the request log's text goes: standard output, without ever blocking the server on it.
 *
 * On Linux, Node writes to a pipe synchronously. A harness that starts the mock with its output on a
 * pipe and then stops reading it (reads the banner, then no more) would fill the pipe's 64 KiB and
 * freeze the whole server inside that write. So the log writes through `fs.write`, which waits on
 * libuv's thread pool instead of the event loop, one write at a time, keeping what waits behind it
 * to a bound: past it lines are dropped and counted, and the count is said once the reader is back.
 * A closed output (`token-mock serve | head`) stops the log; the mock goes on.
 */
import { write } from 'node:fs';

/** The most text kept while one write waits for a reader. */
const MAX_WAITING_CHARACTERS = 1024 * 1024;
/** How long to wait before trying again an output that said it would block (a non-blocking descriptor). */
const RETRY_MS = 50;

/** Text out to a descriptor, in the background. */
export interface LogOutput {
  write(text: string): void;
  /** Resolves once everything written so far is out, or after `ms` (a reader that never reads cannot hold an exit). */
  drain(ms: number): Promise<void>;
}

/**
 * An output for the request log that never blocks and never holds more than `maxWaiting` characters.
 * @example const out = logOutput(1); const log = createRequestLog({ format: 'json', quiet: false, color: false, write: out.write });
 */
export function logOutput(fd: number, maxWaiting = MAX_WAITING_CHARACTERS): LogOutput {
  let waiting = '';
  let idle: (() => void)[] = [];
  let writing = false;
  let dropped = 0;
  let closed = false;

  const next = () => {
    if (closed || waiting === '') {
      writing = false;
      for (const resolve of idle) resolve();
      idle = [];
      return;
    }
    writing = true;
    const text = dropped > 0 ? `${waiting}token-mock: ${dropped} log lines were dropped while standard output was not being read\n` : waiting;
    waiting = '';
    dropped = 0;
    send(Buffer.from(text));
  };
  const send = (bytes: Buffer) => {
    write(fd, bytes, (error, written) => {
      if (error?.code === 'EAGAIN') {
        setTimeout(() => send(bytes), RETRY_MS).unref();
        return;
      }
      if (error) {
        closed = true;
        waiting = '';
        next();
        return;
      }
      if (written < bytes.length) send(bytes.subarray(written));
      else next();
    });
  };

  return {
    write(text) {
      if (closed) return;
      if (waiting.length + text.length > maxWaiting) {
        dropped += countLines(text);
        return;
      }
      waiting += text;
      if (!writing) next();
    },
    drain(ms) {
      if (!writing) return Promise.resolve();
      return new Promise((resolve) => {
        idle.push(resolve);
        setTimeout(resolve, ms).unref();
      });
    },
  };
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
