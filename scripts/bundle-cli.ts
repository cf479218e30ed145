/**
 * Bundles the command line into `dist/cli/`: `bin.js` (the launcher), `main.js` (the flags) and one
 * file per command that main.js loads when it runs (`serve-*.js`, `verify-*.js`, …), with the
 * dependencies inside. `tsc` compiles the rest of the package and leaves src/cli/ to this.
 *
 * Node 20 resolves, reads and links each ES module on its own: the 180 modules that `serve` loads
 * from `tsc`'s output and node_modules took about 300 ms to the first answer, against about 150 ms
 * for these few files (median of 7 starts each, `npm run bench`'s start-up row measures it). The
 * library's entry points stay `tsc`'s modules, for bundlers and type checkers to read as written.
 */
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

// Chunk names carry a hash: an earlier build's would stay beside this one's.
await rm('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/cli/bin.ts', main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace only: the names stay, so a stack trace still reads as the sources.
  minifyWhitespace: true,
  sourcemap: 'linked',
  // The CommonJS dependencies (commander, ws) require Node's built-ins, which ES modules have no `require` for.
  banner: { js: "import { createRequire as __tokenMockRequire } from 'node:module'; const require = __tokenMockRequire(import.meta.url);" },
  // Only a --config or scenario file needs YAML, and an ES bundle's import() of this CommonJS package
  // would keep its default export alone: Node loads it from node_modules, named exports and all.
  external: ['yaml'],
  logLevel: 'warning',
});
