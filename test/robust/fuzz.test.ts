import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lintSync } from '../../src/engine/engine.js';
import { decodeSource, initParser } from '../../src/source/index.js';
import { reporters } from '../../src/report/index.js';
// @ts-expect-error plain ESM script, no types
import { check } from '../../scripts/fuzz.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fuzz-fixtures');

// Inputs the fuzzer once failed on (saved by scripts/fuzz.mjs): each must pass every check now.
describe('fuzz regressions', () => {
  beforeAll(() => initParser());
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql'));
  it('there are saved inputs', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const meta = JSON.parse(readFileSync(join(FIXTURES, f.replace(/\.sql$/, '.json')), 'utf8'));
      const buf = readFileSync(join(FIXTURES, f));
      const input = meta.bytes ? { bytes: buf, secret: meta.secret } : { text: buf.toString('utf8'), secret: meta.secret };
      expect(check({ lintSync, rules, decodeSource, reporters }, input, f)).toBeUndefined();
    });
  }
});

// The CI slice: 20,000 mutated inputs (every mutation class) and 20 CLI runs, 0 failures. It needs dist/
// (`npm test` builds first). PGSAFE_FUZZ_COUNT changes the count; 0 skips it.
const COUNT = Number(process.env.PGSAFE_FUZZ_COUNT ?? 20_000);
describe.runIf(COUNT > 0)('fuzz slice', () => {
  it(`${COUNT} inputs, 0 failures`, () => {
    const out = mkdtempSync(join(tmpdir(), 'pgsafe-fuzz-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/fuzz.mjs', '--count', String(COUNT), '--quiet', '--out', out, '--report', join(out, 'report.json')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(r.stdout + r.stderr, 'see the saved inputs listed above').toMatch(/0 failure\(s\)/);
      expect(r.status).toBe(0);
      expect(report.inputs).toBeGreaterThanOrEqual(COUNT);
      for (const n of Object.values(report.byClass) as number[]) expect(n).toBeGreaterThan(0);
      // Issue 17's cases are classes of their own: secrets, DO blocks, a stray "(", NUL, CR-only and one-line
      // (minified) files, deep nesting, invalid UTF-8 and foreign section markers.
      for (const cls of ['secret', 'doBlock', 'paren', 'nul', 'cr', 'minify', 'deep', 'invalidUtf8', 'marker', 'utf16', 'estring']) expect(report.byClass[cls], cls).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 320_000);
});
