/** The README's three ways to run it: each snippet is shown verbatim and still works. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');
const readme = file('README.md');

/** The README's fenced ts blocks. */
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);

describe('README snippets', () => {
  it.each([
    ['server', '200 200'],
    ['express', '200 your own routes still work'],
    ['msw-node', '201 SANDBOX'],
  ])('the %s snippet is in the README verbatim, and runs', (name, printed) => {
    const snippet = file(`examples/readme/${name}.ts`);
    expect(blocks).toContain(snippet);
    // tsx resolves `token-mock` through tsconfig paths, as the installed package would resolve.
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`../examples/readme/${name}.ts`, import.meta.url))], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(printed);
  });

  it('the first test is in the README verbatim (vitest runs the file itself, and test/tarball.test.ts against the installed package)', () => {
    expect(blocks).toContain(file('examples/readme/first.test.ts'));
  });

  it('the browser snippet is the example page’s own code, which the Chromium test runs', () => {
    const page = file('examples/browser/main.ts');
    const snippet = blocks.find((block) => block.includes('setupWorker'));
    expect(snippet).toBeDefined();
    for (const part of (snippet as string).split('\n\n')) expect(page).toContain(part.trim());
  });
});
