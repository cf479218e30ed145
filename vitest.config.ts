import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The README's first test and the recipes under examples/ are tests themselves, run as users would run them. */
const TEST_FILES = ['test/**/*.test.ts', 'examples/**/*.test.ts'];
/** The test files that run the published WuKongIM SDK in Node. */
const SDK_FILES = ['examples/recipes/wukongim-sdk/login-and-kick.test.ts', 'test/im-msw.test.ts', 'test/im-server.test.ts', 'test/cli-settings.test.ts'];

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
    testTimeout: 20_000,
    // Both cores: the default leaves one idle on a 2-core machine, and the suite waits on sockets,
    // child processes and a browser as much as it computes (238 s on one worker, 118 s on two).
    maxWorkers: 2,
    // A backstop, not pacing: a poll passes the moment its condition holds, and on a loaded machine
    // a browser's WebSocket login through MSW can take longer than the default second.
    expect: { poll: { timeout: 10_000 } },
    // The WuKongIM SDK's ES modules import without file extensions: vitest transforms it, as the SDK recipe says.
    server: { deps: { inline: ['wukongimjssdk'] } },
    // Test files share each worker's modules instead of importing the sources afresh, one file after
    // another: 143 s for the suite instead of 228 s, and 230 s of CPU instead of 356 s, on this 2-core
    // machine. The WuKongIM SDK is a singleton (`WKSDK.shared()`) whose connection would carry over
    // from one file to the next, so the files that drive it in Node keep their own modules.
    projects: [
      { extends: true, test: { name: 'shared', include: TEST_FILES, exclude: SDK_FILES, isolate: false } },
      { extends: true, test: { name: 'sdk', include: SDK_FILES } },
    ],
  },
});
