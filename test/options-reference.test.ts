/**
 * docs/options.md is generated from the CLI and the option types, and pairs each flag with its option.
 * That it is current is `npm run check:options`, one of the checks `npm test` runs before the suite.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { wiring } from '../scripts/options-reference.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('the options reference', () => {
  it('lists every serve flag the help shows, next to the createMock option it sets', () => {
    const reference = readFileSync(`${repo}/docs/options.md`, 'utf8');
    const help = spawnSync(process.execPath, ['dist/cli/main.js', 'serve', '--help'], { cwd: repo, encoding: 'utf8' }).stdout;
    const flags = [...help.matchAll(/^\s+(--[a-z-]+)/gm)].map((match) => match[1]).filter((flag) => flag !== '--help');
    expect(flags.length).toBeGreaterThan(30);
    for (const flag of flags) expect(reference).toContain(`| \`${flag}`);
    expect(reference).toContain('| `--smile-token-ttl <duration>` | `5h` | `smile.tokenTtl` |');
    expect(reference).toContain('| `smile.tokenTtl` | `string \\| number` | `--smile-token-ttl <duration>` |');
  });

  it.each([
    ['a plain read', 'f({ seed: s.seed })', new Map([['seed', 'seed']])],
    ['a nested option', 'f({ smile: { tokenTtl: s.smileTokenTtl } })', new Map([['smileTokenTtl', 'smile.tokenTtl']])],
    [
      'an object built only when set',
      'f({ persist: file && { store: file.store, interval: s.saveInterval } })',
      new Map([['saveInterval', 'persist.interval']]),
    ],
    [
      'a read inside a call or a cast',
      'f({ scenarios: await read(s.files), profile: s.profile as P })',
      new Map([
        ['files', 'scenarios'],
        ['profile', 'profile'],
      ]),
    ],
    ['other objects', 'f({ hmac: node, onError: (e) => other.log(e) })', new Map()],
  ])('pairs settings with options: %s', (_name, source, want) => {
    const file = ts.createSourceFile('given.ts', source, ts.ScriptTarget.ES2022, true);
    expect(wiring(file, 'f', 's')).toEqual(want);
  });
});
