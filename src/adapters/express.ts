/** Express middleware: mounts the mock in an existing express app and passes on what it does not own. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchOptions, Mock } from '../mock.js';
import { createEdge, type EdgeOptions } from './edge.js';
import { IncomingRequest, writeFailure, writeWire } from './node-bridge.js';

type Next = (error?: unknown) => void;

/** What an earlier body parser left on the request, as text; undefined when the body is still unread. */
function prereadBody(request: IncomingMessage & { body?: unknown }): string | undefined {
  if (!request.readableEnded || request.body === undefined) return undefined;
  const { body } = request;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/**
 * Creates the middleware. Mount it before any body parser, so that the mock sees bodies byte for
 * byte; after express.json() it still works, from the parsed body.
 *
 * The control API (`/__mock`) keeps the standalone server's rules (`edge.ts`): a page of a foreign
 * origin, a rebound `Host`, and a client off loopback without the admin token are refused with a
 * 403. The APIs' routes and CORS are the app's own.
 * @example app.use(tokenMock(createMock())); // or app.use('/wukongim', tokenMock(mock, { api: 'wukongim' }))
 */
export function tokenMock(mock: Mock, options: FetchOptions & EdgeOptions = {}) {
  const scope: FetchOptions = { api: options.api };
  const decide = createEdge(mock, scope, options, false);
  return (request: IncomingMessage & { body?: unknown }, response: ServerResponse, next: Next): void => {
    if (mock.owner(request.url ?? '/', scope) === 'admin') {
      const decision = decide(request);
      if (decision.answer) {
        writeWire(decision.answer, response, request);
        return;
      }
    }
    const incoming = new IncomingRequest(request, mock.options.maxBodyBytes, request.url, prereadBody(request));
    // The mock routes the request once: a path it does not serve comes back undefined, unread, for the app.
    // A reply Node refuses to write (writeWire throws) is a failure too: it gets the 500, never a hung request.
    mock
      .handle(incoming, { ...scope, passUnowned: true })
      .then((wire) => (wire ? writeWire(wire, response, request) : next()))
      .catch(() => writeFailure(response));
  };
}
