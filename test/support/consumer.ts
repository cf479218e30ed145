/**
 * A fresh consumer project in a temporary folder, with the packed tarball installed as users install
 * it: `npm ci --offline`, from the npm cache. Its lockfile is the part of this repository's lockfile
 * the tarball's dependencies and the consumer's tools need, so the same versions come from the cache
 * and nothing is fetched.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/**
 * Where the registry keeps a package's tarball, which is also its key in the npm cache. This
 * repository's lockfile leaves `resolved` out (npm then derives it the same way).
 * @example registryTarball('node_modules/@types/node', { version: '20.19.43' }) // 'https://registry.npmjs.org/@types/node/-/node-20.19.43.tgz'
 */
export function registryTarball(location: string, entry: LockEntry): string {
  const name = typeof entry.name === 'string' ? entry.name : location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${entry.version}.tgz`;
}

/** The entries of `packages` a tree needs, from `roots`: each dependency resolved as Node resolves it, from where its dependent sits. */
export function lockClosure(packages: Record<string, LockEntry>, roots: Record<string, LockEntry>): Record<string, LockEntry> {
  const kept: Record<string, LockEntry> = {};
  const queue = Object.entries(roots);
  const find = (from: string, name: string): string | undefined => {
    let at = from;
    for (;;) {
      const candidate = `${at === '' ? '' : `${at}/`}node_modules/${name}`;
      if (packages[candidate] || roots[candidate]) return candidate;
      if (at === '') return undefined;
      const up = at.lastIndexOf('/node_modules/');
      at = up < 0 ? '' : at.slice(0, up);
    }
  };
  while (queue.length > 0) {
    const [location, entry] = queue.shift() as [string, LockEntry];
    if (kept[location]) continue;
    const { dev: _dev, peer: _peer, devOptional: _devOptional, ...rest } = entry;
    kept[location] = rest.resolved === undefined && rest.link === undefined ? { ...rest, resolved: registryTarball(location, rest) } : rest;
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).flatMap(([name, meta]) => (meta.optional ? [name] : [])));
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)),
    ];
    for (const name of wanted) {
      const found = find(location, name);
      if (found === undefined) {
        if (entry.optionalDependencies?.[name] !== undefined) continue;
        throw new Error(`${location} needs ${name}, which the lockfile does not hold`);
      }
      queue.push([found, (roots[found] ?? packages[found]) as LockEntry]);
    }
  }
  return kept;
}

export interface Consumer {
  dir: string;
  tarball: string;
  /** The tarball's files, as `npm pack` lists them. */
  files: string[];
  /** Runs a command in the consumer (with `env`, or this process's) and gives its output; rejects with its output when it fails. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string>;
}

/**
 * Packs this repository (already built), and installs the tarball with `tools` (names from this
 * repository's devDependencies) into a new folder outside it.
 */
export function createConsumer(tools: string[]): Consumer {
  const dir = mkdtempSync(join(tmpdir(), 'token-mock-consumer-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as [{ filename: string; files: { path: string }[] }];
  const tarball = join(dir, packed.filename);
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as LockEntry & {
    name: string;
    bin: unknown;
    engines: unknown;
    license: string;
  };
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const versions = Object.fromEntries(tools.map((tool) => [tool, lock.packages[`node_modules/${tool}`]?.version as string]));
  const devDependencies = { [manifest.name]: `file:${packed.filename}`, ...versions };
  const self: LockEntry = {
    version: manifest.version,
    resolved: `file:${packed.filename}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    license: manifest.license,
    dependencies: manifest.dependencies,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  const roots: Record<string, LockEntry> = { [`node_modules/${manifest.name}`]: self };
  for (const tool of tools) roots[`node_modules/${tool}`] = lock.packages[`node_modules/${tool}`] as LockEntry;
  const { [`node_modules/${manifest.name}`]: _self, ...installed } = lockClosure(lock.packages, roots);
  const root = { name: 'consumer', version: '1.0.0', private: true, type: 'module', devDependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': root, [`node_modules/${manifest.name}`]: self, ...installed } },
      null,
      2,
    ),
  );
  // Asynchronous, so the tests of one consumer can run side by side.
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
    new Promise<string>((resolve, reject) => {
      execFile(command, args, { cwd: dir, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${stdout}${stderr}`));
        else resolve(stdout);
      });
    });
  try {
    execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ci failed in ${dir}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return { dir, tarball, files: packed.files.map((file) => file.path), run };
}
