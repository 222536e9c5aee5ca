// The README tells the truth: its console samples are the CLI's real output, and the count of test files that
// read ../shared is the real count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { samples } from '../../scripts/readme-samples.mjs';
import { ROOT } from './helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('README.md', () => {
  it('shows the real output of each sample command (node scripts/readme-samples.mjs --write regenerates them)', () => {
    const found = samples(README) as { args: string; shown: string; real: string }[];
    expect(found.length).toBeGreaterThan(0);
    for (const s of found) expect(s.shown, `pgsafe ${s.args}`).toBe(s.real);
  });

  it('says how many test files read ../shared', () => {
    // A path into ../shared in a string literal, not a mention in a comment.
    const reading = testFiles(join(ROOT, 'test')).filter((f) => /['"`][^'"`\n]*\bshared\/[^'"`\n]*['"`]/.test(readFileSync(f, 'utf8')));
    const said = /<!-- shared-tests -->(\d+)<!-- \/shared-tests -->/.exec(README);
    expect(said, 'README.md: <!-- shared-tests -->N<!-- /shared-tests -->').not.toBeNull();
    expect(Number(said![1]), reading.map((f) => f.slice(ROOT.length + 1)).join('\n')).toBe(reading.length);
  });
});
