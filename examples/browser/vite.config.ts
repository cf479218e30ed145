/**
 * The browser example, served by Vite: `npm run example`. `token-mock` resolves to the sources here;
 * in an app it is the installed package. MSW's own mockServiceWorker.js is served from node_modules,
 * so it always matches the installed msw.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Serves (and, on build, emits) the worker script MSW registers. */
function mockServiceWorker(): Plugin {
  const file = repo('node_modules/msw/lib/mockServiceWorker.js');
  return {
    name: 'token-mock:msw-worker',
    configureServer(server) {
      server.middlewares.use('/mockServiceWorker.js', (_request, response) => {
        response.setHeader('content-type', 'text/javascript');
        response.end(readFileSync(file));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mockServiceWorker.js', source: readFileSync(file) });
    },
  };
}

/**
 * `virtual:wukongimjssdk/<name>`: the published WuKongIM SDK, one copy per name. `WKSDK.shared()` is a
 * singleton, so two IM clients in one page need two copies; its `lib/` (ESM with extensionless
 * imports) is bundled once with esbuild.
 */
function wukongimSdkCopies(): Plugin {
  const prefix = 'virtual:wukongimjssdk/';
  let bundled: Promise<string> | undefined;
  return {
    name: 'token-mock:wukongimjssdk-copies',
    resolveId: (id) => (id.startsWith(prefix) ? `\0${id}` : undefined),
    load(id) {
      if (!id.startsWith(`\0${prefix}`)) return undefined;
      bundled ??= build({
        entryPoints: [createRequire(import.meta.url).resolve('wukongimjssdk')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        logLevel: 'error',
      }).then((result) => result.outputFiles[0]?.text ?? '');
      return bundled;
    },
  };
}

/** The Vite settings of a page that runs the mock in the browser, rooted at `root`. */
export function browserConfig(root: string): UserConfig {
  return {
    root,
    logLevel: 'warn',
    plugins: [mockServiceWorker(), wukongimSdkCopies()],
    resolve: {
      alias: [
        { find: /^token-mock$/, replacement: repo('src/index.ts') },
        { find: /^token-mock\/msw$/, replacement: repo('src/adapters/msw.ts') },
        { find: /^token-mock\/wink$/, replacement: repo('src/wink/index.ts') },
        // The dashboard as it ships: the bundle `npm run build` makes.
        { find: /^token-mock\/ui$/, replacement: repo('dist/ui/dashboard.js') },
      ],
    },
    server: { host: '127.0.0.1', fs: { allow: [repo('')] } },
  };
}

export default defineConfig(browserConfig(fileURLToPath(new URL('.', import.meta.url))));
