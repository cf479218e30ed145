import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package by its public names; these map them to the sources they ship from.
    alias: [
      { find: /^token-mock$/, replacement: source('./src/index.ts') },
      { find: /^token-mock\/node$/, replacement: source('./src/adapters/node.ts') },
      { find: /^token-mock\/express$/, replacement: source('./src/adapters/express.ts') },
      { find: /^token-mock\/verify$/, replacement: source('./src/verify/index.ts') },
      { find: /^token-mock\/msw$/, replacement: source('./src/adapters/msw.ts') },
      { find: /^token-mock\/wink$/, replacement: source('./src/wink/index.ts') },
    ],
  },
  test: {
    // The README's first test and the recipes under examples/ are tests themselves, run as users would run them.
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    // The WuKongIM SDK's ES modules import without file extensions: vitest transforms it, as the SDK recipe says.
    server: { deps: { inline: ['wukongimjssdk'] } },
  },
});
