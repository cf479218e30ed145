/**
 * `npm run lint:layers`: the source tree as the layers `src/README.md` draws. madge reads every
 * import under src (type imports included); the check fails on a cycle, and on an import from a
 * lower layer to a higher one, naming the file, the import and both layers. A file that no layer
 * claims fails too, so a new folder must say where it stands.
 */
import { fileURLToPath } from 'node:url';
import madge from 'madge';

/** The layers, lowest first: a file may import its own layer and those below it. */
export const LAYERS: { name: string; files: RegExp }[] = [
  { name: 'wire types, validators and data', files: /^generated\/[\w-]+\.(types|validators)\.ts$|^generated\/(public-types|version|faker-en)\.ts$/ },
  { name: 'core', files: /^core\// },
  { name: 'operation tables', files: /^generated\/[\w-]+\.(operations|schemas)\.ts$/ },
  { name: 'the mocked APIs', files: /^apis\/(smile|wukongim)\// },
  { name: 'features across the APIs', files: /^(webhooks|snapshot|persistence|services)\.ts$|^(scenarios|har|pact)\// },
  { name: 'the control API', files: /^apis\/admin\// },
  { name: 'the mock', files: /^mock\.ts$/ },
  { name: 'runtimes', files: /^adapters\// },
  { name: 'tools on a mock', files: /^(proxy|verify|wink|dashboard)\// },
  { name: 'entry points', files: /^(cli\/|index\.ts$)/ },
];

/** The layer a file (relative to src) belongs to, as an index into LAYERS, or -1. */
export const layerOf = (file: string) => LAYERS.findIndex(({ files }) => files.test(file));

/** Every way `graph` (file → the files it imports, relative to src) breaks the layers. */
export function layerProblems(graph: Record<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [file, imports] of Object.entries(graph)) {
    const layer = layerOf(file);
    if (layer < 0) {
      problems.push(`${file} is in no layer: add its folder to LAYERS in scripts/layers.ts and to src/README.md`);
      continue;
    }
    for (const imported of imports) {
      const below = layerOf(imported);
      if (below > layer) {
        problems.push(`${file} (${LAYERS[layer]?.name}) imports ${imported} (${LAYERS[below]?.name}), a layer above it`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = fileURLToPath(new URL('../src', import.meta.url));
  const result = await madge(source, { fileExtensions: ['ts', 'tsx'], tsConfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  const graph = Object.fromEntries(Object.entries(result.obj()).filter(([file]) => !file.endsWith('.d.ts') && !file.includes('?')));
  const cycles = result.circular().map((cycle) => `an import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  const problems = [...cycles, ...layerProblems(graph)];
  if (problems.length > 0) {
    for (const problem of problems) console.error(`lint:layers: ${problem}`);
    process.exit(1);
  }
  console.log(`lint:layers: ${Object.keys(graph).length} files in ${LAYERS.length} layers, every import pointing down, no cycle`);
}
