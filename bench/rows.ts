/** The HTTP rows every benchmark measures: the standalone server's hot paths, with 100 and 100,000 users. */
import { SANDBOX } from './processes.js';

/** The throughput each targeted row must reach, as a share of the bare node:http baseline. */
export const TARGET = 0.6;

export interface Row {
  name: string;
  server: 'small' | 'large';
  method: 'GET' | 'POST';
  /** The path, given the id of one seeded Smile user. */
  path: (userId: string) => string;
  api: 'wukongim' | 'smile';
  body?: string;
  headers: Record<string, string>;
  /** Rows with a throughput target; the others are there for the 100 → 100,000 comparison. */
  target?: number;
}

export const ROWS: Row[] = [
  {
    name: 'POST /user/token',
    server: 'small',
    api: 'wukongim',
    method: 'POST',
    path: () => '/user/token',
    body: JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 }),
    headers: { 'content-type': 'application/json' },
    target: TARGET,
  },
  {
    name: 'GET /v1/users/{id}',
    server: 'small',
    api: 'smile',
    method: 'GET',
    path: (id) => `/v1/users/${id}`,
    headers: { authorization: SANDBOX },
    target: TARGET,
  },
  {
    name: 'GET /v1/users?size=10',
    server: 'small',
    api: 'smile',
    method: 'GET',
    path: () => '/v1/users?size=10',
    headers: { authorization: SANDBOX },
    target: TARGET,
  },
  // Token issuance after the reads: issued tokens stay in memory, up to the bound.
  {
    name: 'POST /v1/tokens',
    server: 'small',
    api: 'smile',
    method: 'POST',
    path: (id) => `/v1/tokens?userId=${id}`,
    headers: { authorization: SANDBOX },
    target: TARGET,
  },
  {
    name: 'GET /v1/users/{id}, 100k users',
    server: 'large',
    api: 'smile',
    method: 'GET',
    path: (id) => `/v1/users/${id}`,
    headers: { authorization: SANDBOX },
  },
  {
    name: 'GET /v1/users?size=10, 100k users',
    server: 'large',
    api: 'smile',
    method: 'GET',
    path: () => '/v1/users?size=10',
    headers: { authorization: SANDBOX },
  },
];
