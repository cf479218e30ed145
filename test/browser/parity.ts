/** The parity script in Chromium, through MSW's setupWorker; the test reads `window.parity`. */
import { setupWorker } from 'msw/browser';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { type Answered, PARITY_OPTIONS, runScript } from '../parity/script.js';

declare global {
  interface Window {
    parity?: Answered[];
    parityError?: string;
  }
}

try {
  const worker = setupWorker(...createHandlers(createMock(PARITY_OPTIONS)));
  await worker.start({ onUnhandledRequest: 'error', quiet: true });
  window.parity = await runScript(({ method, url, headers, body }) => fetch(url, { method, headers, body }));
} catch (error) {
  window.parityError = String(error);
}
