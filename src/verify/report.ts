/** The verify report: readable text with a diff per failure, and JUnit XML for CI. */
import type { CaseResult, VerifyReport } from './run.js';

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');

/** One line per case, and for each failure what was expected, what came, and every problem. */
export function textReport(report: VerifyReport): string {
  const lines = [`token-mock verify ${report.api} at ${report.baseUrl} (seed ${report.seed}${report.profile ? `, profile ${report.profile}` : ''})`];
  for (const note of report.notes) lines.push(`  ${note}`);
  lines.push('');
  for (const result of report.results) {
    lines.push(`${result.passed ? 'PASS' : 'FAIL'}  ${result.kind.padEnd(8)}  ${result.name}`);
    if (result.passed) continue;
    lines.push(indent(`- ${result.expected}`, '        '));
    lines.push(indent(result.actual.replace(/^/gm, '+ '), '        '));
    for (const problem of result.problems) lines.push(`        · ${problem}`);
  }
  const cases = report.results.length === 1 ? '1 case' : `${report.results.length} cases`;
  lines.push('', `${cases}: ${report.passed} passed, ${report.failed} failed (${(report.durationMs / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}

/** Text fit for XML: markup escaped, and the control characters XML 1.0 cannot carry dropped. */
export function xml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue;
    out += char === '<' ? '&lt;' : char === '>' ? '&gt;' : char === '&' ? '&amp;' : char === '"' ? '&quot;' : char === "'" ? '&apos;' : char;
  }
  return out;
}

/** JUnit XML: one test suite per kind of case, one test case per case. */
export function junitReport(report: VerifyReport): string {
  const kinds: CaseResult['kind'][] = ['positive', 'negative', 'flow'];
  // A run that could not reach the provider has one more suite, with its one failure.
  if (report.unreachable !== undefined) kinds.push('connection');
  const suites = kinds.map((kind) => {
    const results = report.results.filter((result) => result.kind === kind);
    const failures = results.filter((result) => !result.passed).length;
    const time = results.reduce((sum, result) => sum + result.durationMs, 0) / 1000;
    const cases = results.map((result) => {
      const open = `    <testcase classname="${xml(`${report.api}.${result.operationId ?? kind}`)}" name="${xml(result.name)}" time="${result.durationMs / 1000}"`;
      if (result.passed) return `${open}/>`;
      const detail = [`- ${result.expected}`, result.actual.replace(/^/gm, '+ '), ...result.problems].join('\n');
      return `${open}>\n      <failure message="${xml(result.problems[0] ?? 'failed')}">${xml(detail)}</failure>\n    </testcase>`;
    });
    // The notes say how the run checked (the mode expected of tokens): CI shows them beside the cases.
    const properties = report.notes.map((note) => `      <property name="note" value="${xml(note)}"/>`);
    return [
      `  <testsuite name="${xml(`${report.api} ${kind}`)}" tests="${results.length}" failures="${failures}" time="${time}">`,
      ...(properties.length > 0 ? ['    <properties>', ...properties, '    </properties>'] : []),
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="token-mock verify ${xml(report.api)}" tests="${report.results.length}" failures="${report.failed}" time="${report.durationMs / 1000}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
