/** Scenarios: steps at offsets on the mock's clock, loaded from files, the control API and code. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMock, parseScenario, ScenarioError } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmileServer, startSmile } from './support/smile.js';

const fixtures = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

let smile: SmileServer | undefined;
afterEach(async () => {
  await smile?.close();
  smile = undefined;
});

const loadYaml = (server: SmileServer, text: string) =>
  server.call('POST', '/__mock/scenarios', { body: text, auth: null, headers: { 'content-type': 'application/yaml' } });

describe('scenarios through the control API', () => {
  it('runs due steps at load, then each step as the clock reaches it, at its own instant', async () => {
    smile = await startSmile();
    const loaded = await loadYaml(smile, fixture('token-expiry.yaml'));
    expect(loaded.status).toBe(201);
    expect(loaded.body).toMatchObject({ name: 'token expiry walk-through', steps: 9, done: 1, nextAt: '2026-01-01T00:02:00.000Z', failures: [] });
    const ana = loaded.body.aliases.ana as string;
    expect((await smile.call('GET', `/v1/users/${ana}`)).body.data.externalMetadata).toEqual({ crmId: 'crm-0001' });

    const heard: { type: string; createdAt: string }[] = [];
    smile.mock.webhooks.on('*', (event) => heard.push({ type: event.type, createdAt: event.createdAt }));
    await smile.call('POST', '/__mock/clock', { body: { advance: '10m' }, auth: null });
    expect(heard).toEqual([
      { type: 'ACCOUNT_CREATED', createdAt: '2026-01-01T00:02:00Z' },
      { type: 'ACCOUNT_CONNECTED', createdAt: '2026-01-01T00:05:00Z' },
      { type: 'EMPLOYMENTS_ADDED', createdAt: '2026-01-01T00:06:00Z' },
      { type: 'USER_SESSION_COMPLETED', createdAt: '2026-01-01T00:10:00Z' },
    ]);
    expect(smile.mock.clock.iso()).toBe('2026-01-01T00:10:00.000Z');
    const states = (await smile.call('GET', '/__mock/scenarios', { auth: null })).body.items;
    expect(states[0]).toMatchObject({ done: 5, nextAt: '2026-01-01T00:30:00.000Z' });

    await smile.call('POST', '/__mock/clock', { body: { advance: '2h' }, auth: null });
    const done = (await smile.call('GET', '/__mock/scenarios', { auth: null })).body.items[0];
    expect(done).toMatchObject({ done: 9, nextAt: null, failures: [] });
    expect(heard.at(-1)).toEqual({ type: 'USER_SESSION_RESET', createdAt: '2026-01-01T01:00:00Z' });
  });

  it('consumes and expires tokens on the steps that say so', async () => {
    smile = await startSmile();
    await smile.call('POST', '/v1/webhooks', {
      auth: undefined,
      body: { name: 'x', url: 'https://example.test/h', eventTypes: ['USER_CREATED'], active: false, secret: 's' },
    });
    const user = (await smile.call('POST', '/v1/users')).body.data;
    const later = await smile.call('POST', `/v1/tokens?userId=${user.user.id}`);
    const scenario = {
      steps: [
        { at: '1m', consumeToken: { userId: user.user.id } },
        { at: '2m', expireTokens: { userId: user.user.id } },
      ],
    };
    expect((await smile.call('POST', '/__mock/scenarios', { body: scenario, auth: null })).status).toBe(201);
    smile.mock.clock.advance(60_000);
    // The newest usable token is the one the step used; the first is still good until the expiry step.
    expect((await smile.consume(later.body.data.accessToken)).body.message).toContain('already used');
    smile.mock.clock.advance(60_000);
    expect((await smile.consume(user.token.accessToken)).body.message).toContain('expired');
  });

  it('records a step that cannot do what it says, and goes on', async () => {
    smile = await startSmile();
    const scenario = {
      steps: [
        { at: 0, resetSession: { userId: 'tenant-nobody' } },
        { at: 0, emit: { api: 'smile', type: 'INVITE_LINKED' } },
      ],
    };
    const loaded = await smile.call('POST', '/__mock/scenarios', { body: scenario, auth: null });
    expect(loaded.body).toMatchObject({ done: 2, failures: [{ step: 0, at: '2026-01-01T00:00:00.000Z', error: 'user tenant-nobody does not exist' }] });
    expect(smile.mock.webhooks.events().map((event) => event.type)).toEqual(['INVITE_LINKED']);
  });

  it('refuses a bad YAML scenario with the line and the reason', async () => {
    smile = await startSmile();
    const text = ['name: broken', 'steps:', '  - at: 1m', '    emit: { api: smile, type: USER_CREATED }', '  - at: soon', '    kick: { uid: ana }', ''].join(
      '\n',
    );
    const refused = await loadYaml(smile, text);
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('urn:token-mock:problem:invalid-scenario');
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/body/steps/1/at', message: 'line 5, column 9: must be an offset such as 90s, 15m, 5h or 1h30m, or milliseconds' },
        { path: '/body/steps/1/kick', message: 'line 6, column 11: needs `device_flag`' },
      ]),
    );
  });

  it('refuses YAML that does not parse, and an alias no earlier step saves', async () => {
    smile = await startSmile();
    const unparsable = await loadYaml(smile, 'steps:\n  - at: 1m\n    emit: { api: smile\n');
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.errors[0].message).toMatch(/^line \d+, column \d+: /);
    const early = await loadYaml(smile, 'steps:\n  - at: 1m\n    resetSession: { userId: $ana }\n  - at: 2m\n    createUser: { as: ana }\n');
    expect(early.body.errors).toEqual([
      { path: '/body/steps/0/resetSession/userId', message: 'line 3, column 29: uses $ana, which no earlier step saves with `as: ana`' },
    ]);
  });

  it.each([
    ['an alias that names no anchor', 'steps:\n  - at: 1m\n    kick: *nowhere\n', /alias|nowhere/i],
    ['more aliases than the limit', `a: &x { uid: a, device_flag: 1 }\nsteps:\n${'  - at: 1m\n    kick: *x\n'.repeat(101)}`, /alias/i],
    ['flow collections nested 3,000 deep', `steps: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, /nests deeper than 64 levels/],
    ['block collections nested 1,000 deep', `${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`, /nests deeper than 64 levels/],
    ['more text than is read', `steps:\n${'  - at: 1m\n    kick: { uid: ana, device_flag: 1 }\n'.repeat(15_000)}`, /at most 524288 are read/],
  ])('refuses %s with a 400 that says why, quickly', async (_name, text, reason) => {
    smile = await startSmile();
    const started = performance.now();
    const refused = await loadYaml(smile, text);
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('urn:token-mock:problem:invalid-scenario');
    expect(refused.body.detail).toMatch(reason);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses JSON event data nested 3,000 deep without recursing through it', async () => {
    smile = await startSmile();
    let data: unknown = 1;
    for (let i = 0; i < 3000; i++) data = { a: data };
    const refused = await smile.call('POST', '/__mock/scenarios', {
      body: { steps: [{ at: '1m', emit: { api: 'smile', type: 'USER_CREATED', data } }] },
      auth: null,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toEqual({ path: expect.stringMatching(/^\/body\/steps\/0\/emit\/data(\/a)+$/), message: 'nests deeper than 64 levels' });
    expect((await smile.call('GET', '/__mock/scenarios', { auth: null })).body.items).toEqual([]);
  });

  it('refuses a step with two actions, or none', async () => {
    smile = await startSmile();
    const refused = await smile.call('POST', '/__mock/scenarios', {
      body: { steps: [{ at: '1m', kick: { uid: 'a', device_flag: 1 }, close: { connection: 1 } }] },
      auth: null,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toEqual({ path: '/body/steps/0', message: expect.stringContaining('must NOT have more than 2 properties') });
  });
});

describe('scenarios in code', () => {
  it('every example in fixtures/scenarios parses and runs without a failure', async () => {
    const files = readdirSync(fixtures);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
      const state = await mock.scenarios.load(fixture(file), { source: file });
      mock.clock.advance(24 * 3_600_000);
      expect(state, file).toMatchObject({ done: state.steps, failures: [] });
    }
  });

  it('plays the IM example: the second master phone kicks the first', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const state = await mock.scenarios.load(fixture('im-kick.yaml'));
    mock.clock.advance(10 * 60_000);
    const byId = new Map(mock.wukongim.connections().map((c) => [c.connection_id, c]));
    expect(byId.get(state.aliases.firstPhone as number)).toMatchObject({ state: 'kicked', reason_code: 12 });
    expect(byId.get(state.aliases.secondPhone as number)).toMatchObject({ state: 'online' });
    expect(byId.get(state.aliases.browser as number)).toMatchObject({ state: 'online' });
  });

  it('parseScenario throws a ScenarioError naming the source, line and column', async () => {
    const error = await parseScenario('steps:\n  - at: 1m\n    emit: { api: teams, type: X }\n', 'demo.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toContain('demo.yaml:3:');
    expect((error as Error).message).toContain('/steps/0/emit/api must be one of smile, wukongim');
  });

  it('scenarios given at creation run again after a reset', () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z', scenarios: [{ steps: [{ at: '1m', emit: { api: 'smile', type: 'LINK_ADDED' } }] }] });
    mock.clock.advance(60_000);
    expect(mock.webhooks.stats().events).toBe(1);
    mock.reset();
    expect(mock.webhooks.stats().events).toBe(0);
    mock.clock.advance(60_000);
    expect(mock.webhooks.stats().events).toBe(1);
  });

  it('a bad scenario given at creation is refused at once', () => {
    expect(() => createMock({ scenarios: [{ steps: [] } as never] })).toThrow(ScenarioError);
  });
});

describe('token-mock serve --scenario', () => {
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

  it('exits 2 with the file, line and reason for a bad scenario file', () => {
    const file = join(tmpdir(), `token-mock-bad-${process.pid}.yaml`);
    writeFileSync(file, 'steps:\n  - at: 1m\n    createUser: { as: 9lives }\n');
    const result = spawnSync(process.execPath, [cli, 'serve', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0', '--scenario', file], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}:3:`);
    expect(result.stderr).toContain('/steps/0/createUser/as must be a name of letters, digits and _, not starting with a digit');
  });
});
