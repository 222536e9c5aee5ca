// docs/locks.md is generated from the lock table: it must be in step with the code.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locksPage } from '../../src/analysis/lock-docs.js';

describe('docs/locks.md', () => {
  it('is up to date with src/analysis/lock-table.ts (run `npm run gen:docs`)', () => {
    const cur = readFileSync(resolve(__dirname, '../../docs/locks.md'), 'utf8');
    expect(cur).toBe(locksPage(cur));
  });
});
