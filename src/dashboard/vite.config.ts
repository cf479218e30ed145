/**
 * Builds the dashboard into `dist/ui/`: `dashboard.js` (Preact and the views, minified, its style
 * sheet inside), `index.html` (the page `/__mock/ui` serves), and `files.js`, the same files as a
 * module the control API imports to serve them in any runtime.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>token-mock dashboard</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="app"></div>
<script type="module">import { mountDashboard } from './ui/dashboard.js'; mountDashboard(document.getElementById('app'));</script>
</body>
</html>
`;

/** Emits the page and `files.js` next to the bundle. */
function dashboardFiles(): Plugin {
  return {
    name: 'dashboard-files',
    generateBundle(_options, bundle) {
      const script = Object.values(bundle).find((item) => item.type === 'chunk' && item.fileName === 'dashboard.js');
      if (script?.type !== 'chunk') throw new Error('the dashboard bundle has no dashboard.js');
      const files = {
        'index.html': { type: 'text/html; charset=utf-8', text: PAGE },
        'dashboard.js': { type: 'text/javascript; charset=utf-8', text: script.code },
      };
      this.emitFile({ type: 'asset', fileName: 'index.html', source: PAGE });
      this.emitFile({ type: 'asset', fileName: 'files.js', source: `export default ${JSON.stringify(files)};\n` });
    },
  };
}

export default defineConfig({
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': '"production"' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [dashboardFiles()],
  build: {
    outDir: here('../../dist/ui'),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: { entry: here('./index.tsx'), formats: ['es'], fileName: () => 'dashboard.js' },
  },
});
