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
    // Both cores: the default leaves one idle on a 2-core machine, and the suite waits on sockets,
    // child processes and a browser as much as it computes (238 s on one worker, 118 s on two).
    maxWorkers: 2,
    // A backstop, not pacing: a poll passes the moment its condition holds, and on a loaded machine
    // a browser's WebSocket login through MSW can take longer than the default second.
    expect: { poll: { timeout: 10_000 } },
    // The WuKongIM SDK's ES modules import without file extensions: vitest transforms it, as the SDK recipe says.
    server: { deps: { inline: ['wukongimjssdk'] } },
  },
});
