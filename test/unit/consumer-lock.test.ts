/** The lockfile of the tarball test's consumer project: the part of this repository's lockfile a tree needs, resolved as Node resolves. */
import { describe, expect, it } from 'vitest';
import { lockClosure, registryTarball } from '../support/consumer.js';

describe('lockClosure', () => {
  const packages = {
    'node_modules/a': { version: '1.0.0', dependencies: { b: '^1', c: '^2' } },
    'node_modules/b': { version: '1.0.0' },
    'node_modules/c': { version: '1.0.0' },
    'node_modules/a/node_modules/c': { version: '2.0.0' },
    'node_modules/d': {
      version: '1.0.0',
      optionalDependencies: { gone: '^1' },
      peerDependencies: { e: '^1', f: '^1' },
      peerDependenciesMeta: { f: { optional: true } },
    },
    'node_modules/e': { version: '1.0.0', dev: true },
    'node_modules/f': { version: '1.0.0' },
    'node_modules/unused': { version: '1.0.0' },
  };

  it.each([
    ['a nested copy before a hoisted one', ['node_modules/a'], ['node_modules/a', 'node_modules/b', 'node_modules/a/node_modules/c']],
    ['required peers, not optional ones; a missing optional dependency is left out', ['node_modules/d'], ['node_modules/d', 'node_modules/e']],
  ])('takes %s', (_name, roots, want) => {
    const kept = lockClosure(packages, Object.fromEntries(roots.map((root) => [root, packages[root as keyof typeof packages]])));
    expect(Object.keys(kept).sort()).toEqual([...want].sort());
    expect(Object.values(kept).every((entry) => !('dev' in entry))).toBe(true);
  });

  it('fills in where the registry keeps each tarball', () => {
    const kept = lockClosure(packages, { 'node_modules/b': packages['node_modules/b'] });
    expect(kept['node_modules/b']?.resolved).toBe('https://registry.npmjs.org/b/-/b-1.0.0.tgz');
  });

  it('refuses a tree that needs a package the lockfile does not hold', () => {
    expect(() => lockClosure({}, { 'node_modules/x': { dependencies: { y: '^1' } } })).toThrow(/needs y/);
  });
});

describe('registryTarball', () => {
  it.each([
    ['node_modules/ws', { version: '8.23.0' }, 'https://registry.npmjs.org/ws/-/ws-8.23.0.tgz'],
    ['node_modules/@types/node', { version: '20.19.43' }, 'https://registry.npmjs.org/@types/node/-/node-20.19.43.tgz'],
    ['node_modules/a/node_modules/@s/b', { version: '1.2.3' }, 'https://registry.npmjs.org/@s/b/-/b-1.2.3.tgz'],
    ['node_modules/alias', { version: '1.0.0', name: 'real' }, 'https://registry.npmjs.org/real/-/real-1.0.0.tgz'],
  ])('%s', (location, entry, want) => {
    expect(registryTarball(location, entry)).toBe(want);
  });
});
