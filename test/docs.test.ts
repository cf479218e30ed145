/**
 * The README and every Markdown file the package ships: each relative link resolves both in the repository
 * and in the packed tarball (`npm pack --dry-run`), since no public repository hosts the files; anchors
 * name a heading. The project files agree with package.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const file = (path: string) => readFileSync(`${repo}/${path}`, 'utf8');
const manifest = JSON.parse(file('package.json')) as Record<string, unknown> & { version: string; license: string; files: string[] };

/** The files `npm pack` would put in the tarball, without running the build. */
const [pack] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
) as [{ files: { path: string }[] }];
const packed = pack.files.map((entry) => entry.path);
const packedFolders = new Set(
  packed.flatMap((path) =>
    path
      .split('/')
      .slice(0, -1)
      .map((_, index, parts) => parts.slice(0, index + 1).join('/')),
  ),
);

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** Markdown outside fenced code. */
const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, '');
/** Markdown links outside fenced code: [text](target). */
const links = (markdown: string): string[] => [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
const anchors = (markdown: string) => new Set([...prose(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] as string)));

const shippedMarkdown = packed.filter((path) => path.endsWith('.md'));
const relativeLinks = shippedMarkdown.flatMap((from) =>
  links(file(from))
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => [from, target] as const),
);

describe('the shipped Markdown', () => {
  it('includes the README, the docs and the recipes', () => {
    expect(shippedMarkdown).toEqual(expect.arrayContaining(['README.md', 'docs/options.md', 'docs/development.md', 'examples/recipes/README.md']));
  });

  it.each(relativeLinks)('%s links %s, which resolves in the repository and in the tarball', (from, target) => {
    const [path = '', anchor] = target.split('#');
    const resolved = path === '' ? from : normalize(join(dirname(from), path)).replace(/\/$/, '');
    expect(resolved.startsWith('..'), 'inside the package').toBe(false);
    expect(existsSync(join(repo, resolved)), `${resolved} exists`).toBe(true);
    expect(packed.includes(resolved) || packedFolders.has(resolved), `${resolved} is shipped`).toBe(true);
    if (anchor !== undefined) expect(anchors(file(resolved))).toContain(anchor);
  });

  it('links nothing on a repository host that package.json does not name', () => {
    const absolute = shippedMarkdown.flatMap((from) => links(file(from)).filter((target) => target.includes('github.com/token-mock')));
    expect(absolute).toEqual([]);
  });
});

describe('the README in the package', () => {
  const readme = file('README.md');

  it('links at least the options reference, the recipes and the development notes', () => {
    expect(links(readme)).toEqual(expect.arrayContaining(['docs/options.md', 'examples/recipes', 'docs/development.md']));
  });

  it('opens with both audiences’ commands', () => {
    const firstScreen = readme.slice(0, readme.indexOf('## Work on it') + 200);
    expect(firstScreen).toContain('npm i -D token-mock msw');
    expect(firstScreen).toMatch(/## Work on it\n\n```sh\nnpm install\nnpm start\nnpm test\n```/);
  });
});

describe('the project files', () => {
  it('name no repository, home page or tracker that does not exist', () => {
    expect(manifest).not.toHaveProperty('repository');
    expect(manifest).not.toHaveProperty('homepage');
    expect(manifest).not.toHaveProperty('bugs');
  });

  it('include the license package.json declares', () => {
    expect(manifest.license).toBe('Apache-2.0');
    expect(file('LICENSE')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('start the CHANGELOG at this version, and ship it', () => {
    expect(file('CHANGELOG.md')).toContain(`## ${manifest.version}`);
    expect(manifest.files).toContain('CHANGELOG.md');
  });
});
