/**
 * The dashboard's weight: what a browser downloads for `/__mock/ui` (the bundle `npm run build` puts
 * in `dist/ui`, Preact and the style sheet included) stays within its budget, and has no CDN or
 * other network dependency.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET_GZIP_BYTES = 80 * 1024;
const built = (name: string) => readFileSync(fileURLToPath(new URL(`../dist/ui/${name}`, import.meta.url)), 'utf8');

describe('the dashboard bundle', () => {
  it(`weighs at most ${BUDGET_GZIP_BYTES / 1024} KB gzipped and loads nothing from elsewhere`, () => {
    const script = built('dashboard.js');
    const page = built('index.html');
    const gzipped = gzipSync(script).length + gzipSync(page).length;
    console.log(`dashboard: ${(script.length / 1024).toFixed(0)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // Every import is relative: the page works offline.
    expect(script).not.toMatch(/\bfrom\s*["']https?:|import\(\s*["']https?:/);
    expect(page).not.toMatch(/(src|href)="https?:/);
  });

  it('serves the same files it ships', async () => {
    const { default: files } = (await import(fileURLToPath(new URL('../dist/ui/files.js', import.meta.url)))) as {
      default: Record<string, { type: string; text: string }>;
    };
    expect(Object.keys(files).sort()).toEqual(['dashboard.js', 'index.html']);
    expect(files['dashboard.js']?.text).toBe(built('dashboard.js'));
    expect(files['index.html']?.text).toBe(built('index.html'));
  });
});
