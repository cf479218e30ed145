/**
 * The app's entry. In development it runs token-mock in the page, behind MSW's service worker
 * (`npx msw init public/` puts mockServiceWorker.js there). When `VITE_SMILE_URL` is set, the app
 * talks to that Smile instead: a standalone `token-mock serve`, or the real sandbox.
 */
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const smileUrl = import.meta.env.VITE_SMILE_URL ?? 'https://sandbox.smileapi.io/v1';

if (import.meta.env.VITE_SMILE_URL === undefined) {
  // Loaded only here, so a build that talks to a real Smile carries no mock.
  const [{ setupWorker }, { createMock }, { createHandlers }] = await Promise.all([import('msw/browser'), import('token-mock'), import('token-mock/msw')]);
  const mock = createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z' });
  await setupWorker(...createHandlers(mock)).start({ onUnhandledRequest: 'bypass', quiet: true });
}

createRoot(document.getElementById('root') as HTMLElement).render(<App smileUrl={smileUrl} />);
