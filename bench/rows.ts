/** The HTTP rows every benchmark measures: the standalone server's hot paths, with 100 and 100,000 users. */
import { SANDBOX } from './processes.js';

/**
 * The throughput each targeted row must reach, as a share of the bare node:http baseline measured
 * by the same client, and the p99 it may not pass at 20 connections. wrk, a C client, leaves the
 * server more of the machine than autocannon does, so its ratio shows more of the server's cost.
 */
export const TARGETS = {
  autocannon: { ratio: 0.6, p99Ms: 10 },
  wrk: { ratio: 0.8, p99Ms: 5 },
} as const;

export interface Row {
  name: string;
  /** 100 users, 100,000 users, or 100 users under the server-v2 WuKongIM profile. */
  server: 'small' | 'large' | 'v2';
  method: 'GET' | 'POST';
  /** The path, given the id of one seeded Smile user. */
  path: (userId: string) => string;
  api: 'wukongim' | 'smile';
  body?: string;
  headers: Record<string, string>;
  /** Rows with the throughput targets; the others are there for the 100 → 100,000 comparison. */
  targeted?: true;
}

const UPDATE_TOKEN: Row = {
  name: 'POST /user/token',
  server: 'small',
  api: 'wukongim',
  method: 'POST',
  path: () => '/user/token',
  body: JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 }),
  headers: { 'content-type': 'application/json' },
  targeted: true,
};

export const ROWS: Row[] = [
  UPDATE_TOKEN,
  { ...UPDATE_TOKEN, name: 'POST /user/token, server-v2', server: 'v2' },
  {
    name: 'GET /v1/users/{id}',
    server: 'small',
    api: 'smile',
    method: 'GET',
    path: (id) => `/v1/users/${id}`,
    headers: { authorization: SANDBOX },
    targeted: true,
  },
  {
    name: 'GET /v1/users?size=10',
    server: 'small',
    api: 'smile',
    method: 'GET',
    path: () => '/v1/users?size=10',
    headers: { authorization: SANDBOX },
    targeted: true,
  },
  // Token issuance after the reads: issued tokens stay in memory, up to the bound.
  {
    name: 'POST /v1/tokens',
    server: 'small',
    api: 'smile',
    method: 'POST',
    path: (id) => `/v1/tokens?userId=${id}`,
    headers: { authorization: SANDBOX },
    targeted: true,
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
