/**
 * Pipelined requests of one connection, answered one at a time. Node's http server stops reading a
 * socket whose writes back up, but by then it has dispatched every request that came in the same
 * chunk; answered at once, each answer would wait in memory for a client that may never read. Here a
 * socket's next request is answered only once the previous answer has gone to the socket and the
 * socket is below its high-water mark, so at most one answer per socket waits in memory.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Whose turn it is on one socket. */
interface Turns {
  busy: boolean;
  waiting: (() => void)[];
}

const bySocket = new WeakMap<Socket, Turns>();

/**
 * Runs `answer` (which writes `response`) when it is the socket's turn: at once when nothing of this
 * socket is being answered or waiting to be written, else after the answers before it. A client that
 * closes its connection takes its waiting requests with it: they are never answered.
 * @example inTurn(incoming.socket, outgoing, () => mock.handle(request).then((wire) => writeWire(wire, outgoing)))
 */
export function inTurn(socket: Socket, response: ServerResponse, answer: () => Promise<void>): void {
  let turns = bySocket.get(socket);
  if (!turns) {
    turns = { busy: false, waiting: [] };
    bySocket.set(socket, turns);
  }
  const own = turns;
  const run = () => {
    own.busy = true;
    const next = () => {
      own.busy = false;
      if (socket.destroyed) own.waiting.length = 0;
      else own.waiting.shift()?.();
    };
    const after = () => whenWritten(socket, response, next);
    answer().then(after, after);
  };
  if (own.busy) own.waiting.push(run);
  else run();
}

/**
 * Calls `done` once the response is ended (its bytes handed to node:http) and the socket takes more,
 * or either is gone. An ended response on a socket below its high-water mark, the usual case, is done
 * at once: waiting for its 'finish' event cost listeners and a tick on every request.
 */
function whenWritten(socket: Socket, response: ServerResponse, done: () => void): void {
  const again = () => whenWritten(socket, response, done);
  if (socket.destroyed) done();
  else if (!response.writableEnded && !response.destroyed) once(response, ['finish', 'close'], again);
  else if (socket.writableNeedDrain) once(socket, ['drain', 'close'], again);
  else done();
}

/** Calls `listener` once, on the first of `events`. */
function once(emitter: Socket | ServerResponse, events: string[], listener: () => void): void {
  const handler = () => {
    for (const event of events) emitter.off(event, handler);
    listener();
  };
  for (const event of events) emitter.on(event, handler);
}
