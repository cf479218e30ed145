/**
 * Who may drive a mock that listens on a socket. A page on any web site can send a browser to a
 * loopback port: with a simple request (a `text/plain` POST or a form, sent without a preflight), or
 * through DNS rebinding (a name of its own that resolves to 127.0.0.1, so the browser thinks it is
 * same-origin). Like the dev servers that closed these holes (Vite's allowed hosts), the rules are:
 *
 * - **host**: the `Host` must be a loopback name or an IP address (a rebound page always uses a
 *   name), or a name allowed by `allowedHosts`. On every API.
 * - **origin**: a request that says where it comes from (`Origin`) must come from a loopback origin or
 *   one of `corsOrigins`. On the control API.
 * - **client**: a client that is not on loopback reaches the control API only with the admin token.
 *
 * A control-API request that carries the admin token passes every rule: a hostile page cannot know it.
 * Runtime-neutral: the node server and the express middleware apply the same rules.
 */
import type { ApiName } from './api.js';

/** The settings the rules read. */
export interface EdgeRules {
  /** Origins allowed besides loopback ones (`*` for any); the `--cors-origin` list. */
  corsOrigins?: readonly string[];
  /** Host names allowed besides loopback names and IP addresses (`*` for any, `.example.test` for it and its subdomains); `--allowed-hosts`. */
  allowedHosts?: readonly string[];
  /** The control API's admin token, when the mock has one. */
  adminToken?: string;
}

/** What the rules read of a request. */
export interface EdgeRequest {
  api: ApiName;
  host: string | null;
  origin: string | null;
  authorization: string | null;
  /** The peer's address; undefined where the adapter cannot tell (then the client rule does not apply). */
  clientAddress: string | undefined;
}

/** Which rule refused a request, why, and which setting would let it through. */
export interface Refusal {
  rule: 'host' | 'origin' | 'client';
  detail: string;
}

/**
 * The first rule a request breaks, or undefined when it may go on.
 * @example refusal({ api: 'admin', host: 'evil.test:5001', origin: null, authorization: null, clientAddress: '127.0.0.1' }, {})?.rule // 'host'
 */
export function refusal(request: EdgeRequest, rules: EdgeRules): Refusal | undefined {
  const admin = request.api === 'admin';
  if (admin && rules.adminToken !== undefined && request.authorization === `Bearer ${rules.adminToken}`) return undefined;
  if (request.host !== null && !isAllowedHost(request.host, rules.allowedHosts)) {
    const name = hostName(request.host);
    return {
      rule: 'host',
      detail: `Host ${name} is not a loopback name or an IP address, so the request may come from a rebound page; start with --allowed-hosts ${name || '<name>'} to serve it`,
    };
  }
  if (!admin) return undefined;
  if (request.origin !== null && !isAllowedOrigin(request.origin, rules.corsOrigins)) {
    return {
      rule: 'origin',
      detail: `requests from the page at ${request.origin} may not drive the control API; start with --cors-origin ${request.origin} to allow it${rules.adminToken === undefined ? '' : ', or send the admin token'}`,
    };
  }
  if (rules.adminToken === undefined && request.clientAddress !== undefined && !isLoopbackAddress(request.clientAddress)) {
    return {
      rule: 'client',
      detail: `the control API answers clients off loopback (${request.clientAddress}) only with the admin token; start with --admin-token <token> and send Authorization: Bearer <token>`,
    };
  }
  return undefined;
}

/** The host name of a `Host` header value, without its port and brackets, lower case. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') >>> 0);
  const colon = value.indexOf(':');
  return (colon < 0 ? value : value.slice(0, colon)).replace(/\.$/, '');
}

/** Whether a `Host` header is loopback, an IP address, or allowed by name. */
export function isAllowedHost(host: string, allowed: readonly string[] = []): boolean {
  const name = hostName(host);
  if (isLoopbackName(name) || isIpAddress(name)) return true;
  return allowed.some((entry) => entry === '*' || entry === name || (entry.startsWith('.') && (name.endsWith(entry) || name === entry.slice(1))));
}

/** Whether an `Origin` header is a loopback origin or listed (`*` lists every origin). */
export function isAllowedOrigin(origin: string, listed: readonly string[] = []): boolean {
  return isLoopbackOrigin(origin) || isListedOrigin(origin, listed);
}

/** Whether an origin is in a `--cors-origin` list (compared as URLs' origins, so a trailing slash or case does not matter). */
export function isListedOrigin(origin: string, listed: readonly string[]): boolean {
  if (listed.includes('*')) return true;
  const normal = normalOrigin(origin);
  return normal !== undefined && listed.some((entry) => normalOrigin(entry) === normal);
}

/** Whether an origin's host is loopback: `http://localhost:5173`, `http://127.0.0.1:8080`, `http://[::1]`. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(hostName(url.host));
  } catch {
    return false;
  }
}

/** `localhost`, its subdomains (which resolve to loopback by RFC 6761), 127.0.0.0/8 and ::1. */
export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** A loopback IP address, as a socket reports it (IPv4-mapped IPv6 included). */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || (name.includes(':') && /^[0-9a-f:.]+$/.test(name));
}

function normalOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
