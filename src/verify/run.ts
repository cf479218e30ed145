/**
 * `token-mock verify`: checks a provider (this mock, the real API, anything between) against the
 * specs. Positive cases per operation from the spec's examples and seeded samples, negative cases
 * that break one rule each, and stateful flows.
 */
import { createRandom } from '../core/random.js';
import { type Answer, answerProblems, type CheckedOperation, shownValue, valueAt } from './check.js';
import { loadContract } from './contract.js';
import { bodyMutations, parameterMutations } from './mutations.js';
import { flatten, type Schema, sample } from './schema.js';
import { sender, Unreachable } from './sender.js';
import type { Expected, FlowSteps, Send, VerifyTarget } from './target.js';
import { expectedMode, smileTarget } from './targets/smile.js';
import { wukongimTarget } from './targets/wukongim.js';

export interface VerifyOptions {
  api: 'smile' | 'wukongim';
  /** For Smile, with `/v1`, as the real hosts are. */
  baseUrl: string;
  /** Smile credentials. Default the mock's SANDBOX pair. */
  key?: string;
  secret?: string;
  /**
   * Smile: the mode every token must have. Default the mode of the real host (sandbox.smileapi.io,
   * open.smileapi.io), else of the mock's key pair (test_key SANDBOX, live_key PRODUCTION), else the
   * mode of the first token the run gets.
   */
  mode?: 'sandbox' | 'production';
  /** WuKongIM's manager token, when the provider requires one. */
  managerToken?: string;
  /** WuKongIM: `docs` (default) checks the documented contract, `server-v2` the v2 server's answers. */
  profile?: 'docs' | 'server-v2';
  /** Seeds sample data and generated names, so a run repeats. Default 1. */
  seed?: number;
  /** Real milliseconds per request. Default 10 000. */
  timeoutMs?: number;
  onProgress?(done: number, total: number, name: string): void;
}

/** `connection` is the one failure of a run that could not reach the provider. */
export type CaseKind = 'positive' | 'negative' | 'flow' | 'connection';

export interface CaseResult {
  kind: CaseKind;
  operationId: string | null;
  name: string;
  passed: boolean;
  /** What was expected, for the report's diff. */
  expected: string;
  /** What came back: status and the start of the body. */
  actual: string;
  problems: string[];
  durationMs: number;
}

export interface VerifyReport {
  api: VerifyOptions['api'];
  baseUrl: string;
  seed: number;
  profile?: string;
  /** What the run checked beyond the spec, and how it knew (the mode expected of tokens). */
  notes: string[];
  /** Set when the provider could not be reached: the run stopped there, and the cases left were not run. */
  unreachable?: string;
  results: CaseResult[];
  passed: number;
  failed: number;
  durationMs: number;
}

interface Planned {
  kind: CaseKind;
  operationId: string | null;
  name: string;
  run(send: Send): Promise<Omit<CaseResult, 'kind' | 'operationId' | 'name' | 'durationMs'>>;
}

const ANSWER_SHOWN = 300;

/** Runs every case against the provider and reports each. Never throws for the provider's faults. */
export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const tag = random.hex(8);
  const contract = await loadContract(options.api);
  const { document } = contract;
  const credentials = { key: options.key ?? 'test_key', secret: options.secret ?? 'test_secret' };
  const target =
    options.api === 'smile'
      ? smileTarget(contract, { baseUrl: options.baseUrl, credentials, tag, mode: expectedMode(options.baseUrl, credentials, options.mode) })
      : wukongimTarget(contract, { profile: options.profile ?? 'docs', managerToken: options.managerToken, tag });
  const send = sender(options.baseUrl, options.timeoutMs ?? 10_000);
  const results: CaseResult[] = [];
  let unreachable: string | undefined;
  try {
    const planned = plan(target, document, await target.prepare(send), random);
    for (const [index, item] of planned.entries()) {
      options.onProgress?.(index, planned.length, item.name);
      const caseStarted = performance.now();
      try {
        const outcome = await item.run(send);
        results.push({ kind: item.kind, operationId: item.operationId, name: item.name, ...outcome, durationMs: Math.round(performance.now() - caseStarted) });
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        // One failure says it, rather than one per case left.
        const left = planned.length - index;
        unreachable = index === 0 ? error.message : `${error.message}, from case ${item.name} on (${left} ${left === 1 ? 'case' : 'cases'} not run)`;
        break;
      }
    }
    options.onProgress?.(planned.length, planned.length, 'done');
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    unreachable = error.message;
  }
  if (unreachable !== undefined) {
    results.push({
      kind: 'connection',
      operationId: null,
      name: 'reach the provider',
      passed: false,
      expected: `an answer from ${options.baseUrl}`,
      actual: 'no connection',
      problems: [unreachable],
      durationMs: 0,
    });
  }
  const failed = results.filter((result) => !result.passed).length;
  return {
    api: options.api,
    baseUrl: options.baseUrl,
    seed,
    profile: target.profile,
    notes: target.notes?.() ?? [],
    unreachable,
    results,
    passed: results.length - failed,
    failed,
    durationMs: Math.round(performance.now() - started),
  };
}

const shown = (answer: Answer) => `${answer.status} ${answer.text.length > ANSWER_SHOWN ? `${answer.text.slice(0, ANSWER_SHOWN)}…` : answer.text}`.trim();

/** What the spec documents, then what the target knows beyond it of a success that has the documented shape. */
function problemsOf(target: VerifyTarget, operation: CheckedOperation, statuses: number[], answer: Answer): string[] {
  const problems = answerProblems(operation, statuses, answer, target.profile);
  const success = answer.status >= 200 && answer.status < 300;
  return problems.length > 0 || !success ? problems : (target.inspect?.(operation.id, answer.json) ?? []);
}

/**
 * A case that sends one request and expects one of `statuses`, with the body the spec documents for it
 * and, where `holding` says, a known value in it.
 */
function exchange(
  target: VerifyTarget,
  kind: CaseKind,
  operationId: string,
  name: string,
  request: Parameters<Send>[0],
  statuses: number[],
  holding?: Expected,
): Planned {
  const operation = target.operations[operationId];
  const expected = `status ${statuses.join(' or ')} with the body documented for it${holding ? `, body${holding.pointer} ${shownValue(holding.value)}` : ''}`;
  return {
    kind,
    operationId,
    name,
    async run(send) {
      const answer = await send(request);
      const problems = operation ? problemsOf(target, operation, statuses, answer) : [`${operationId} is not in the spec`];
      const held = valueAt(answer.json, holding?.pointer ?? '');
      if (holding && statuses.includes(answer.status) && held !== holding.value) {
        problems.push(`body${holding.pointer} must be ${shownValue(holding.value)}, got ${shownValue(held)}`);
      }
      return { passed: problems.length === 0, problems, expected, actual: shown(answer) };
    },
  };
}

/** Every case for a target, in order: positives, then negatives, then flows. */
function plan(target: VerifyTarget, document: Schema, ids: Record<string, string>, random: ReturnType<typeof createRandom>): Planned[] {
  const positives: Planned[] = [];
  const negatives: Planned[] = [];
  const paths = document.paths as Record<string, Record<string, Schema>>;
  for (const operation of Object.values(target.operations)) {
    const spec = paths[operation.path]?.[operation.method.toLowerCase()] as Schema;
    const documented = Object.keys(operation.responses).map(Number);
    const successes = documented.filter((status) => status >= 200 && status < 300);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(target.pathValue(operation.id, name, ids)));
    const query = target.query(operation.id, ids);
    const bodySchema = ((spec.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined)?.['application/json']?.schema as
      | Schema
      | undefined;
    const body = bodySchema ? target.body(operation.id, sample(document, bodySchema, random)) : undefined;
    const headers = body === undefined ? target.headers : { ...target.headers, 'content-type': 'application/json' };
    const request = { method: operation.method, path, query, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const title = `${operation.id}: ${operation.method} ${operation.path}`;
    positives.push(exchange(target, 'positive', operation.id, title, request, successes));

    const refusal = (status: number, name: string, changed: Partial<Parameters<Send>[0]>, holding?: Expected) => {
      if (documented.includes(status))
        negatives.push(exchange(target, 'negative', operation.id, `${operation.id}: ${name}`, { ...request, ...changed }, [status], holding));
    };
    if (bodySchema && body !== undefined) {
      for (const mutation of bodyMutations(document, bodySchema, body)) {
        if (!target.tolerates(operation.id, mutation.keyword, mutation.pointer))
          refusal(
            400,
            `body${mutation.label.startsWith('/') ? '' : ' '}${mutation.label}`,
            { body: JSON.stringify(mutation.value) },
            target.refusal?.(operation.id, mutation.keyword, mutation.pointer),
          );
      }
      for (const negative of target.negatives ?? []) {
        if (negative.operationId === operation.id) refusal(400, negative.label, { body: JSON.stringify(negative.body) }, negative.refusal);
      }
      refusal(400, 'body is malformed JSON', { body: '{"unterminated": ' });
    }
    // The path item's parameters apply to each of its operations, which may override them (OpenAPI 3.1, Path Item Object).
    const declared = [...((paths[operation.path]?.parameters as Schema[] | undefined) ?? []), ...((spec.parameters as Schema[] | undefined) ?? [])];
    const parameters = new Map(declared.map((parameter) => flatten(document, parameter)).map((resolved) => [`${resolved.in} ${resolved.name}`, resolved]));
    for (const resolved of parameters.values()) {
      const { name, in: place, required } = resolved as { name: string; in: string; required?: boolean };
      if (place === 'query') {
        if (required) {
          const { [name]: _, ...rest } = query;
          refusal(400, `query ${name} is missing`, { query: rest });
        }
        for (const mutation of parameterMutations(document, resolved.schema as Schema)) {
          refusal(400, `query ${name} ${mutation.label}`, { query: { ...query, [name]: mutation.value } });
        }
      }
      // An id nobody issued: query ids (createToken's userId) and path ids alike.
      if ((place === 'path' || (place === 'query' && /id$/i.test(name))) && documented.includes(404)) {
        const unknown = `verify-unknown-${random.hex(16)}`;
        const changed = place === 'path' ? { path: operation.path.replace(`{${name}}`, unknown) } : { query: { ...query, [name]: unknown } };
        refusal(404, `${place} ${name} is an id that does not exist`, changed);
      }
    }
    for (const credentials of target.badCredentials) {
      refusal(401, `a request ${credentials.label}`, {
        headers: body === undefined ? credentials.headers : { ...credentials.headers, 'content-type': 'application/json' },
      });
    }
  }
  const flows = target.flows.map((flow): Planned => ({ kind: 'flow', operationId: null, name: flow.name, run: (send) => runFlow(target, flow.run, send) }));
  return [...positives, ...negatives, ...flows];
}

async function runFlow(target: VerifyTarget, run: (steps: FlowSteps) => Promise<void>, send: Send) {
  const problems: string[] = [];
  const answers: string[] = [];
  const steps: FlowSteps = {
    async call(operationId, request, statuses) {
      const operation = target.operations[operationId];
      if (!operation) throw new Error(`${operationId} is not in the spec`);
      const answer = await send({ ...request, method: operation.method });
      answers.push(`${operation.method} ${request.path} → ${shown(answer)}`);
      const found = problemsOf(target, operation, statuses, answer);
      problems.push(...found.map((problem) => `${operationId}: ${problem}`));
      return found.length === 0 ? answer.json : undefined;
    },
    expect(condition, problem) {
      if (!condition) problems.push(problem);
    },
  };
  await run(steps);
  return {
    passed: problems.length === 0,
    problems,
    expected: 'every step answers as documented, and the state it shows is consistent',
    actual: answers.join('\n'),
  };
}
