/**
 * What only this repository needs to serve the Vite + React recipe: `token-mock` resolves to its
 * sources, and React to Preact's compatibility layer (React is not installed here). In your app,
 * where token-mock, react and react-dom are installed, leave this out.
 */
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export const repositoryResolve: UserConfig['resolve'] = {
  alias: [
    { find: /^token-mock$/, replacement: repo('src/index.ts') },
    { find: /^token-mock\/msw$/, replacement: repo('src/adapters/msw.ts') },
    { find: /^token-mock\/wink$/, replacement: repo('src/wink/index.ts') },
    { find: /^react$/, replacement: 'preact/compat' },
    { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
    { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
  ],
};

export const repositoryServer: UserConfig['server'] = { host: '127.0.0.1', port: 0, fs: { allow: [repo('')] } };
