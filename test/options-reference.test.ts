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

  it('reaches every createMock option from serve: by a flag (so a variable and a config key), or as serve itself sets it', () => {
    const reference = readFileSync(`${repo}/docs/options.md`, 'utf8');
    const table = reference.slice(reference.indexOf('## `createMock(options)`'), reference.indexOf('## `token-mock serve`'));
    const rows = [...table.matchAll(/^\| `([\w.]+)` \| .*? \| (.*?) \|/gm)].map((match) => ({ option: match[1] as string, flag: (match[2] as string).trim() }));
    expect(rows.length).toBeGreaterThan(40);
    // What has no flag, and why: functions and files serve supplies itself, or a setting with a form of its own.
    const setByServe: Record<string, string> = {
      'wukongim.route': 'the IM port and --wukongim-ws-addr',
      'smile.hmacSha256': "node:crypto's, always",
      'wukongim.aesCbc': "node:crypto's, always",
      'smile.hosts': 'the standalone server reads every request as http://localhost: a host serves one mode under MSW, where requests keep their origin',
      'webhooks.fetch': "Node's fetch",
      faults: "the config file's `faults`, and POST /__mock/faults",
      onError: 'prints the failure with its stack',
      onNotice: 'prints the notice once',
      dashboard: 'the files the build puts in dist/ui',
    };
    expect(
      rows
        .filter(({ flag }) => flag === '')
        .map(({ option }) => option)
        .sort(),
    ).toEqual(Object.keys(setByServe).sort());
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
