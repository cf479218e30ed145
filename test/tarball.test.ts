/**
 * What ships, as its installers meet it: the tarball `npm pack` makes, installed into a fresh project
 * outside this repository (offline, from the npm cache). Every entry point type-checks under each
 * moduleResolution users pick, the bin runs, the vitest recipe passes against the installed package,
 * and CommonJS code can require it. Needs `npm run build` first, as every test here does.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Consumer, createConsumer } from './support/consumer.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
let consumer: Consumer;

/** Code that touches every entry point and the exported wire types, as a consumer writes it. */
const ENTRIES = `
import { createMock, type MockOptions, type SmileToken, type SmileUser, type SmileWebhookEvent, type WukongimUpdateTokenRequest } from 'token-mock';
import { serve, nodeHmacSha256 } from 'token-mock/node';
import { tokenMock } from 'token-mock/express';
import { createHandlers } from 'token-mock/msw';
import { SmileLinkModal } from 'token-mock/wink';
import { verify, junitReport } from 'token-mock/verify';
import { mountDashboard } from 'token-mock/ui';

const options: MockOptions = { seed: 7, smile: { hmacSha256: nodeHmacSha256 } };
const mock = createMock(options);
export const handlers = createHandlers(mock);
export const middleware = tokenMock(mock);
export const started: Promise<{ url: string; close(): Promise<void> }> = serve(mock, { api: 'smile', port: 0 });
export const modal: typeof SmileLinkModal = SmileLinkModal;
export const report: Promise<string> = verify({ api: 'smile', baseUrl: 'http://127.0.0.1:5002/v1' }).then(junitReport);
export const request: WukongimUpdateTokenRequest = { uid: 'ana', token: 't1', device_flag: 1, device_level: 1 };
export const mode = (token: SmileToken): 'SANDBOX' | 'PRODUCTION' => token.mode;
export const unmount: () => void = mountDashboard(document.body, { mock });
export const userId = (event: SmileWebhookEvent<'USER_CREATED'>, user: SmileUser): boolean => event.data.userId === user.id;

// Each entry's types are really there: were any of them \`any\`, its expected error would not come.
// @ts-expect-error a seed is a number
createMock({ seed: '7' });
// @ts-expect-error serve takes 'wukongim' or 'smile'
serve(mock, { api: 'other' });
// @ts-expect-error no such option
tokenMock(mock, { other: true });
// @ts-expect-error no such option
createHandlers(mock, { other: true });
// @ts-expect-error the widget needs a userToken
new SmileLinkModal({});
// @ts-expect-error verify checks 'smile' or 'wukongim'
verify({ api: 'other', baseUrl: 'http://127.0.0.1:5002/v1' });
// @ts-expect-error the dashboard mounts into an element
mountDashboard('#app');
// @ts-expect-error a token's mode is SANDBOX or PRODUCTION
export const wrong: SmileToken['mode'] = 'TEST';
`;

/**
 * `npm test` runs the package's short round: its files, its entry points' types under nodenext, its
 * exports, its bin and the vitest recipe. `npm run test:package` (which CI runs too) adds the whole
 * declarations under nodenext, node16 and bundler resolution and the GitHub Actions recipe, about
 * 10 s more of a quiet core.
 */
const WHOLE = process.env.TOKEN_MOCK_PACKAGE_TESTS === 'all';

/**
 * The compiler settings of each kind of consumer project. Each checks what resolves and how it types
 * (the expected errors above fail on anything that comes out as \`any\`); the whole round also checks
 * the package's own declarations whole under nodenext (`skipLibCheck: false`, about 2 s more of a quiet core).
 */
const RESOLUTIONS = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: !WHOLE, skipDefaultLibCheck: true },
  node16: { module: 'node16', moduleResolution: 'node16', skipLibCheck: true },
  bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true },
};

const CHECKED: (keyof typeof RESOLUTIONS)[] = WHOLE ? ['nodenext', 'node16', 'bundler'] : ['nodenext'];
if (!WHOLE) console.log('tarball.test: whole declarations, node16, bundler and the GitHub Actions recipe skipped: `npm run test:package` runs them');

beforeAll(() => {
  consumer = createConsumer(['msw', 'vitest', 'typescript', '@types/node']);
  writeFileSync(join(consumer.dir, 'entries.ts'), ENTRIES);
  // The GitHub Actions recipe's suite is the project's own; `npm test` runs it.
  writeFileSync(join(consumer.dir, 'api.spec.ts'), readFileSync(join(repo, 'examples/recipes/github-actions/api.spec.ts')));
  const project = JSON.parse(readFileSync(join(consumer.dir, 'package.json'), 'utf8'));
  writeFileSync(join(consumer.dir, 'package.json'), JSON.stringify({ ...project, scripts: { test: 'vitest run api.spec.ts' } }));
}, 120_000);

afterAll(() => {
  if (consumer && !process.env.KEEP_CONSUMER) rmSync(consumer.dir, { recursive: true, force: true });
});

// One after another: the suite's other worker keeps the second core busy, and each test's time is its own.
describe('the packed tarball', () => {
  it('ships the build, the specs, the docs and the examples the README links, and not the suite, benchmarks or sources', () => {
    expect(consumer.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'openapi/smile.yaml',
        'dist/index.js',
        'docs/options.md',
        'examples/recipes/README.md',
      ]),
    );
    const unexpected = consumer.files.filter(
      (file) =>
        !/^(dist\/.+\.(js|d\.ts|js\.map)|dist\/ui\/index\.html|openapi\/[\w-]+\.yaml|(docs|examples|fixtures)\/.+|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(
          file,
        ),
    );
    expect(unexpected).toEqual([]);
    expect(
      consumer.files.filter((file) => file.endsWith('.tsbuildinfo')),
      'no build caches',
    ).toEqual([]);
    // The recipes under examples/ are test files a user copies; the project's own suite and benchmarks stay home.
    expect(consumer.files.filter((file) => !file.startsWith('examples/') && /(^|\/)(test|tests|bench|__tests__)\/|\.(test|spec|bench)\./.test(file))).toEqual(
      [],
    );
  });

  it('carries the sources inside its source maps, since src/ is not shipped', () => {
    const maps = consumer.files.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(consumer.dir, 'node_modules/token-mock', map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(sourcesContent?.length, map).toBe(sources.length);
      expect(
        sourcesContent?.every((content) => typeof content === 'string' && content.length > 0),
        map,
      ).toBe(true);
    }
  });

  it.each(CHECKED)('type-checks every entry point under moduleResolution %s', async (name) => {
    const config = {
      compilerOptions: { ...RESOLUTIONS[name], target: 'es2022', lib: ['es2023', 'dom'], types: ['node'], strict: true, noEmit: true, resolveJsonModule: true },
      files: ['entries.ts'],
    };
    writeFileSync(join(consumer.dir, `tsconfig.${name}.json`), JSON.stringify(config));
    expect(await consumer.run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${name}.json`])).toBe('');
  }, 60_000);

  it('exports every entry point and the specs through its exports map, for import and for require', async () => {
    const specifiers = Object.keys(manifest.exports).map((key) => `token-mock${key.slice(1)}`);
    expect(specifiers).toContain('token-mock/openapi/*.yaml');
    const concrete = specifiers.flatMap((specifier) =>
      specifier.includes('*') ? ['smile', 'wukongim', 'admin'].map((spec) => specifier.replace('*', spec)) : [specifier],
    );
    const resolved = await consumer.run(process.execPath, [
      '--input-type=module',
      '-e',
      `for (const s of ${JSON.stringify(concrete)}) console.log(import.meta.resolve(s));`,
    ]);
    expect(resolved.trim().split('\n')).toHaveLength(concrete.length);
    expect(resolved).toContain('/node_modules/token-mock/openapi/smile.yaml');
    // ESM only: on Node 20.19 and later, require() loads it too.
    const required = await consumer.run(process.execPath, ['-e', "const { createMock } = require('token-mock'); console.log(typeof createMock);"]);
    expect(required.trim()).toBe('function');
  });

  it('runs its bin: token-mock --help', async () => {
    const help = await consumer.run(join(consumer.dir, 'node_modules/.bin/token-mock'), ['--help']);
    expect(help).toContain('Usage: token-mock');
    expect(help).toMatch(/serve.*\n.*verify/s);
  });

  it('passes the README’s first test and the vitest recipe (setupServer, a reset between tests, the mock clock) against the installed package', async () => {
    writeFileSync(join(consumer.dir, 'link-tokens.test.ts'), readFileSync(join(repo, 'examples/recipes/vitest/link-tokens.test.ts'), 'utf8'));
    writeFileSync(join(consumer.dir, 'first.test.ts'), readFileSync(join(repo, 'examples/readme/first.test.ts'), 'utf8'));
    const output = await consumer.run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'link-tokens.test.ts', 'first.test.ts']);
    expect(output).toMatch(/Test Files\s+2 passed/);
    expect(output).toMatch(/Tests\s+5 passed/);
  }, 60_000);

  it.runIf(WHOLE)(
    'runs the GitHub Actions recipe’s commands in order: a real server, a suite against it, no violations, verify with JUnit reports',
    async () => {
      const workflow = parse(readFileSync(join(repo, 'examples/recipes/github-actions/token-mock.yml'), 'utf8')) as {
        jobs: { contract: { env: Record<string, string | number>; steps: Step[] } };
      };
      const { env: jobEnv, steps } = workflow.jobs.contract;
      // Free ports in place of the job's 5001 and 5002, which another program here may hold.
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        WUKONGIM_PORT: String(await freePort()),
        SMILE_PORT: String(await freePort()),
      };
      expect(Object.keys(jobEnv)).toEqual(['WUKONGIM_PORT', 'SMILE_PORT']);

      const ran: string[] = [];
      const runStep = async (step: Step) => {
        const stepEnv = Object.fromEntries(
          Object.entries(step.env ?? {}).map(([name, value]) => [name, value.replace(/\$\{\{ env\.(\w+) \}\}/g, (_m, key: string) => env[key] ?? '')]),
        );
        await consumer.run('bash', ['-e', '-c', step.run as string], { ...env, ...stepEnv });
        ran.push(step.name ?? (step.run as string));
      };
      let failure: unknown;
      for (const step of steps) {
        // GitHub's own actions (checkout, setup-node, upload-artifact) and `npm ci`, which made this project, are the runner's part.
        if (step.uses !== undefined || step.run === 'npm ci') continue;
        if (failure !== undefined && step.if !== 'always()') continue;
        try {
          await runStep(step);
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure) throw failure;
      expect(ran).toEqual([
        'Start token-mock',
        'Run the suite against it',
        'Nothing the suite sent broke the specs',
        'Verify the mock against the specs',
        'Stop token-mock',
      ]);
      // The last step stopped the server it started.
      await expect(fetch(`http://127.0.0.1:${env.WUKONGIM_PORT}/health`)).rejects.toThrow();
      for (const report of ['smile-contract.xml', 'wukongim-contract.xml']) {
        const xml = readFileSync(join(consumer.dir, report), 'utf8');
        expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
        expect(xml).toMatch(/<testcase /);
      }
    },
    90_000,
  );
});

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
