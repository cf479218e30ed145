/**
 * What the proxy saw, per operation: how many exchanges, and the distinct ways each broke the spec.
 * It decides `--fail-on-violation` and writes `--junit`, one test case per operation. Bounded: at
 * most MAX_OPERATIONS operations (the specs name far fewer; unmatched paths count under their API)
 * and MAX_VIOLATIONS distinct violations each.
 */
import type { ApiName } from '../core/api.js';
import type { ReportedViolation } from '../core/violation-list.js';
import { xml } from '../verify/report.js';

const MAX_OPERATIONS = 256;
const MAX_VIOLATIONS = 50;

interface Seen {
  api: ApiName;
  operation: string;
  exchanges: number;
  failures: number;
  violations: Map<string, number>;
  timeMs: number;
}

/** The tally of a proxy run. */
export interface ProxyReport {
  /** Counts an exchange: its API, its operation (null: no operation matched its path), and its violations. */
  add(api: ApiName, operationId: string | null, violations: readonly ReportedViolation[], durationMs: number): void;
  /** Violations seen in all, repeats included. */
  readonly violations: number;
  readonly exchanges: number;
  /** JUnit XML: a suite per API, a case per operation, a failure listing each distinct violation with its count. */
  junit(): string;
}

/**
 * Creates an empty tally.
 * @example const report = createProxyReport(); report.add('smile', 'createUser', [], 3.2); report.junit()
 */
export function createProxyReport(): ProxyReport {
  const seen = new Map<string, Seen>();
  let violations = 0;
  let exchanges = 0;
  return {
    add(api, operationId, found, durationMs) {
      exchanges += 1;
      violations += found.length;
      const operation = operationId ?? '(no operation)';
      const key = `${api} ${operation}`;
      let entry = seen.get(key);
      if (!entry) {
        if (seen.size >= MAX_OPERATIONS) return;
        entry = { api, operation, exchanges: 0, failures: 0, violations: new Map(), timeMs: 0 };
        seen.set(key, entry);
      }
      entry.exchanges += 1;
      entry.timeMs += durationMs;
      if (found.length > 0) entry.failures += 1;
      for (const violation of found) {
        const text = `${violation.in}${violation.path}: ${violation.message}`;
        if (entry.violations.has(text) || entry.violations.size < MAX_VIOLATIONS) entry.violations.set(text, (entry.violations.get(text) ?? 0) + 1);
      }
    },
    get violations() {
      return violations;
    },
    get exchanges() {
      return exchanges;
    },
    junit() {
      const apis = [...new Set([...seen.values()].map((entry) => entry.api))];
      const suites = apis.map((api) => {
        const entries = [...seen.values()].filter((entry) => entry.api === api);
        const failures = entries.filter((entry) => entry.violations.size > 0).length;
        const cases = entries.map((entry) => {
          const open = `    <testcase classname="${xml(`proxy.${api}`)}" name="${xml(entry.operation)}" time="${(entry.timeMs / 1000).toFixed(3)}"`;
          if (entry.violations.size === 0) return `${open}/>`;
          const lines = [...entry.violations].map(([text, count]) => `${text} (${count}×)`);
          const message = `${entry.failures} of ${entry.exchanges} exchanges broke the spec: ${lines[0]}`;
          return `${open}>\n      <failure message="${xml(message)}">${xml(lines.join('\n'))}</failure>\n    </testcase>`;
        });
        return [`  <testsuite name="${xml(`proxy ${api}`)}" tests="${entries.length}" failures="${failures}">`, ...cases, '  </testsuite>'].join('\n');
      });
      const failed = [...seen.values()].filter((entry) => entry.violations.size > 0).length;
      return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="token-mock proxy" tests="${seen.size}" failures="${failed}">`,
        ...suites,
        '</testsuites>',
        '',
      ].join('\n');
    },
  };
}
