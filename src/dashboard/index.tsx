/**
 * `token-mock/ui`: the dashboard, mounted in a page. The mock serves it at `/__mock/ui`; a page that
 * runs the mock under MSW's setupWorker mounts it next to its app, talking to that mock directly.
 */
import { render } from 'preact';
import { Dashboard } from './app.js';
import { createClient, type Transport } from './client.js';
import css from './style.css?inline';

/** Where the dashboard finds the control API. */
export interface DashboardOptions {
  /** A mock in this page (`createMock()`): the dashboard calls its `fetch`, not the network. */
  mock?: { fetch(request: Request): Promise<Response> };
  /** The control API's base URL. Default: the page's own `/__mock`, or the mock's when `mock` is given. */
  base?: string;
}

/**
 * Renders the dashboard into `element`; returns a function that removes it.
 * @example import { mountDashboard } from 'token-mock/ui'; mountDashboard(document.body.appendChild(document.createElement('aside')), { mock });
 */
export function mountDashboard(element: Element, options: DashboardOptions = {}): () => void {
  const { mock } = options;
  const transport: Transport = mock ? (request) => mock.fetch(request) : (request) => fetch(request);
  const base = options.base ?? (mock ? 'http://token-mock.local/__mock' : defaultBase());
  const style = document.createElement('style');
  style.textContent = css;
  element.append(style);
  const root = document.createElement('div');
  element.append(root);
  // The page the mock serves passes neither option: there the dashboard is the page.
  const page = options.mock === undefined && options.base === undefined;
  render(<Dashboard client={createClient(base.replace(/\/+$/, ''), transport)} page={page} />, root);
  return () => {
    render(null, root);
    root.remove();
    style.remove();
  };
}

/** The control API the page at `…/__mock/ui` belongs to. */
function defaultBase(): string {
  const path = location.pathname.replace(/\/ui\/?$/, '');
  return `${location.origin}${path}`;
}
