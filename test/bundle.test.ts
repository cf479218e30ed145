/**
 * The browser entry builds with no Node built-ins, within its size budget: a real production build
 * (Vite, minified) of everything a page imports from token-mock. msw itself is left out: it is the
 * app's own dependency (a peer), not part of token-mock's weight.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

/**
 * 250 KB until the control API gained the dashboard's calls and its event stream, the IM message
 * log and the route operations (their precompiled validators are about 15 KB of it, gzipped); 270 KB
 * until the mock learned to seed its state from HAR recordings (`fromHar`, `POST /__mock/har`): the
 * HAR 1.2 schema's precompiled validator and the reader are about 8 KB gzipped, and they must load
 * with the mock because seeding runs at creation and on every reset, synchronously: 280 KB since.
 * The budget counts the entry and every chunk it imports statically (a module shared with a lazy
 * chunk lands in one of those); the IM handshake, the browser's own worker code and the pact writer
 * load on demand, outside it.
 */
const BUDGET_GZIP_BYTES = 280 * 1024;
const source = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const ENTRY = fileURLToPath(new URL('./browser/bundle-entry.ts', import.meta.url));

/** Fails the build on any import of a Node built-in, instead of the silent empty shim Vite would use. */
function noNodeBuiltins(found: string[]): Plugin {
  const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  return {
    name: 'no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (builtins.has(id)) found.push(`${id} (imported by ${importer})`);
      return null;
    },
  };
}

describe('the browser bundle', () => {
  it(`has no Node built-ins and weighs at most ${BUDGET_GZIP_BYTES / 1024} KB gzipped`, async () => {
    const builtins: string[] = [];
    const result = (await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [noNodeBuiltins(builtins)],
      resolve: {
        alias: [
          { find: /^token-mock$/, replacement: source('index.ts') },
          { find: /^token-mock\/msw$/, replacement: source('adapters/msw.ts') },
          { find: /^token-mock\/wink$/, replacement: source('wink/index.ts') },
        ],
      },
      build: { write: false, minify: true, lib: { entry: ENTRY, formats: ['es'], fileName: 'token-mock' }, rollupOptions: { external: [/^msw(\/|$)/] } },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    expect(builtins).toEqual([]);
    const chunks = [result]
      .flat()
      .flatMap((output) => output.output)
      .filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk');
    const entry = chunks.find((chunk) => chunk.isEntry) as Rolldown.OutputChunk;
    // What loads with the entry: it, and every chunk it imports statically (shared with a lazy one), on and on.
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    const eager = new Set<Rolldown.OutputChunk>();
    const visit = (chunk: Rolldown.OutputChunk | undefined) => {
      if (!chunk || eager.has(chunk)) return;
      eager.add(chunk);
      for (const name of chunk.imports) visit(byName.get(name));
    };
    visit(entry);
    const size = (chunk: Rolldown.OutputChunk) => `${chunk.fileName} ${(gzipSync(chunk.code).length / 1024).toFixed(1)} KB`;
    const gzipped = [...eager].reduce((sum, chunk) => sum + gzipSync(chunk.code).length, 0);
    const lazy = chunks.filter((chunk) => !eager.has(chunk)).map(size);
    console.log(
      `browser entry and its static imports: ${(gzipped / 1024).toFixed(1)} KB gzipped (${[...eager].map(size).join(', ')}); loaded on demand: ${lazy.join(', ') || 'none'}`,
    );
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // The one faker locale: a second one would be hundreds of KB.
    for (const chunk of eager) expect(chunk.code).not.toMatch(/Schwarzwald|Zürich|Ελλάδα/);
  }, 120_000);
});
