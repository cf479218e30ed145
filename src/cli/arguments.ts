/** The command line's argument parsers and checks, shared by its commands: each refuses a bad value with a message naming the flag. */
import { InvalidArgumentError } from 'commander';
import type { Credential, Mode } from '../apis/smile/credentials.js';
import { toEpochMs } from '../core/clock.js';
import { MAX_CLOCK_SPAN_MS, parseDuration } from '../core/duration.js';

export const integer = (name: string, min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
  }
  return Number(value);
};
export const duration = (value: string) => {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};
/** The longest real time a timer holds: Node's setTimeout takes at most 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const spanText = (ms: number) => (ms === 0 ? '0ms' : ms < 1000 ? `${ms}ms` : `${ms / 1000}s`);

/** A duration from `min` to `max` ms, refused otherwise with the range (`maxText` says `max` as a duration). */
const bounded = (name: string, min: number, max: number, maxText: string) => (value: string) => {
  const ms = duration(value);
  if (ms < min || ms > max) throw new InvalidArgumentError(`${name} must be from ${spanText(min)} to ${maxText}.`);
  return ms;
};

/**
 * Real time, for a timer: from `min` ms to about 24 days.
 * @example realTime('--upstream-timeout', 1)('10s') // 10000
 */
export const realTime = (name: string, min = 0) => bounded(name, min, MAX_TIMER_MS, '24d');

/** A span of the mock's clock (a lifetime, a retention): from `min` ms to 100 years (36500d). */
export const clockSpan = (name: string, min = 1) => bounded(name, min, MAX_CLOCK_SPAN_MS, '36500d');

export const instant = (value: string) => {
  try {
    return new Date(toEpochMs(value)).toISOString();
  } catch {
    if (Number.isFinite(Date.parse(value))) throw new InvalidArgumentError(`"${value}" is outside the years 0000 to 9899 that the mock's clock keeps.`);
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 date-time, such as 2026-01-01T00:00:00Z.`);
  }
};

/** Mock-clock delays, comma-separated: each from 0 to 100 years. */
export const durations = (value: string) =>
  value.split(',').map((part) => {
    const ms = duration(part.trim());
    if (ms > MAX_CLOCK_SPAN_MS) throw new InvalidArgumentError(`"${part.trim()}" is longer than 36500d.`);
    return ms;
  });
export const url = (value: string) => {
  try {
    return new URL(value).href;
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL, such as http://127.0.0.1:9000/webhook.`);
  }
};
/** An http or https URL: a provider to call or forward to. */
export const httpUrl = (value: string) => {
  const href = url(value);
  if (!/^https?:/.test(href)) throw new InvalidArgumentError(`"${value}" is not an http or https URL, such as http://127.0.0.1:5001.`);
  return href;
};
export const wsUrl = (value: string) => {
  if (!/^wss?:\/\/[^\s/]+/.test(value)) throw new InvalidArgumentError(`"${value}" is not a WebSocket address, such as ws://im.example.test:5200.`);
  return value;
};
export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
];
export const origins = (value: string, previous: string[] = []) => {
  const added = list(value);
  for (const origin of added) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, '').toLowerCase()) {
      throw new InvalidArgumentError(`"${origin}" is not an origin, such as http://localhost:5173 or https://app.example.test (or * for any).`);
    }
  }
  return [...previous, ...added];
};
export const hosts = (value: string, previous: string[] = []) => {
  const added = list(value).map((host) => host.toLowerCase());
  for (const host of added) {
    if (host !== '*' && !/^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)) {
      throw new InvalidArgumentError(`"${host}" is not a host name, such as token-mock or .example.test (or * for any).`);
    }
  }
  return [...previous, ...added];
};

/**
 * `--smile-credential key:secret:MODE`, repeatable, or several in one value separated by commas (as
 * an environment variable gives them): the API key pairs the mock accepts, instead of its own two.
 */
export const credentials = (value: string, previous: Credential[] = []): Credential[] => [
  ...previous,
  ...list(value).map((pair) => {
    const match = /^([^:,\s]+):([^:,\s]+):(sandbox|production)$/i.exec(pair);
    if (!match) throw new InvalidArgumentError(`"${pair}" is not key:secret:MODE, such as ci_key:ci_secret:SANDBOX (MODE is SANDBOX or PRODUCTION).`);
    return { key: match[1] as string, secret: match[2] as string, mode: (match[3] as string).toUpperCase() as Mode };
  }),
];

export const tenantId = (value: string) => {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(value)) throw new InvalidArgumentError('--tenant-id must be 1 to 64 letters, digits or underscores.');
  return value;
};

/** Whether an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A usage error found after parsing: the message, and exit code 2. */
export function usage(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}
