/** A page that runs the mock under MSW's setupWorker with the dashboard mounted beside the app (`token-mock/ui`). */
import { setupWorker } from 'msw/browser';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { mountDashboard } from 'token-mock/ui';

declare global {
  interface Window {
    dashboardReady?: boolean;
  }
}

const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
const worker = setupWorker(...createHandlers(mock));
await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
mountDashboard(document.getElementById('dashboard') as HTMLElement, { mock });
// The app's own call goes to the real host's URL; MSW answers it from the mock.
document.getElementById('login')?.addEventListener('click', () => {
  void fetch('http://localhost:5001/user/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: 'ada', token: 'from-the-app', device_flag: 1, device_level: 1 }),
  });
});
window.dashboardReady = true;
