/**
 * The jest recipe (`examples/recipes/jest/`), run by jest itself as a project would run it: Node with
 * --experimental-vm-modules, token-mock resolved by its package name to the built `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
// jest's exports map does not expose its bin; npm puts it here.
const jest = join(repo, 'node_modules/jest/bin/jest.js');

it('passes under jest with setupServer, a reset after each test and the mock clock', () => {
  const run = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', jest, '--config', 'examples/recipes/jest/jest.config.mjs', '--rootDir', 'examples/recipes/jest', '--ci'],
    { cwd: repo, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
});
