/** The layer rule of src/README.md, as `npm run lint:layers` applies it to the real tree. */
import { describe, expect, it } from 'vitest';
import { LAYERS, layerOf, layerProblems } from '../scripts/layers.js';

describe('the layers of src', () => {
  it('take an import down or within a layer, and name an import that points up', () => {
    expect(layerProblems({ 'apis/smile/users.ts': ['core/clock.ts', 'apis/smile/seed.ts', 'generated/smile.operations.ts'] })).toEqual([]);
    expect(layerProblems({ 'core/journal.ts': ['mock.ts'] })).toEqual(['core/journal.ts (core) imports mock.ts (the mock), a layer above it']);
    expect(layerProblems({ 'scenarios/runner.ts': ['apis/admin/pages.ts'] })).toEqual([
      'scenarios/runner.ts (features across the APIs) imports apis/admin/pages.ts (the control API), a layer above it',
    ]);
  });

  it('claim every file, and refuse one that no layer claims', () => {
    expect(layerProblems({ 'plugins/extra.ts': [] })).toEqual([
      'plugins/extra.ts is in no layer: add its folder to LAYERS in scripts/layers.ts and to src/README.md',
    ]);
    expect(layerOf('generated/admin.types.ts')).toBeLessThan(layerOf('core/operation.ts'));
    expect(layerOf('core/operation.ts')).toBeLessThan(layerOf('generated/admin.operations.ts'));
    expect(LAYERS.at(-1)?.name).toBe('entry points');
  });
});
