/**
 * The README as the npm page shows it: every link works there (files that are not shipped are linked
 * on the repository, which package.json names once), and the project files agree with package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const file = (path: string) => readFileSync(`${repo}/${path}`, 'utf8');
const manifest = JSON.parse(file('package.json')) as {
  version: string;
  license: string;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  files: string[];
};
/** The repository's web address, from package.json's `repository`. */
const REPOSITORY = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** Markdown links outside fenced code: [text](target). */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
}

describe('the README on the npm page', () => {
  const readme = file('README.md');
  const anchors = new Set([...readme.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] as string)));

  it.each(links(readme))('links %s where it resolves', (target) => {
    if (target.startsWith('#')) {
      expect(anchors).toContain(target.slice(1));
    } else if (target.startsWith(REPOSITORY)) {
      const path = target.slice(REPOSITORY.length).match(/^\/(?:blob|tree)\/main\/([^#]+)/)?.[1];
      expect(path, 'a file or folder of the main branch').toBeDefined();
      expect(existsSync(`${repo}/${path}`), `${path} exists`).toBe(true);
    } else {
      // Anything else is another site; a relative link would break on the npm page.
      expect(target).toMatch(/^https:\/\/(?!github\.com\/token-mock\/)/);
    }
  });

  it('links at least the options reference, the recipes and the development notes', () => {
    expect(links(readme)).toEqual(
      expect.arrayContaining([
        `${REPOSITORY}/blob/main/docs/options.md`,
        `${REPOSITORY}/tree/main/examples/recipes`,
        `${REPOSITORY}/blob/main/docs/development.md`,
      ]),
    );
  });

  it('opens with both audiences’ commands', () => {
    const firstScreen = readme.slice(0, readme.indexOf('## Work on it') + 200);
    expect(firstScreen).toContain('npm i -D token-mock msw');
    expect(firstScreen).toMatch(/## Work on it\n\n```sh\nnpm install\nnpm start\nnpm test\n```/);
  });
});

describe('the project files', () => {
  it('name one repository in package.json', () => {
    expect(REPOSITORY).toBe('https://github.com/token-mock/token-mock');
    expect(manifest.homepage.startsWith(`${REPOSITORY}#`)).toBe(true);
    expect(manifest.bugs.url).toBe(`${REPOSITORY}/issues`);
  });

  it('include the license package.json declares', () => {
    expect(manifest.license).toBe('Apache-2.0');
    expect(file('LICENSE')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('start the CHANGELOG at this version, and ship it', () => {
    expect(file('CHANGELOG.md')).toContain(`## [${manifest.version}]`);
    expect(manifest.files).toContain('CHANGELOG.md');
  });
});
