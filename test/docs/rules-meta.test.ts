// Meta-tests over every rule: ids, docs, executable examples, generated files in step with the code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint } from '../../src/engine/engine.js';
import type { Rule } from '../../src/engine/rule.js';

const ROOT = resolve(__dirname, '../..');

async function findings(rule: Rule, sql: string) {
  const [res] = await lint([{ path: 'example.sql', text: sql }], {
    rules: [rule], pgVersion: rule.meta.pgVersions?.min ?? 15, assumeInTransaction: false,
    ruleSettings: { [rule.meta.id]: rule.meta.defaultSeverity },
  });
  return res.findings.filter((f) => f.rule === rule.meta.id);
}

describe('rule registry', () => {
  it('rules/index.ts lists exactly the files in rules/', () => {
    const files = readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3)).sort();
    expect(rules.map((r) => r.meta.id).sort()).toEqual(files);
  });
  it('ids and aliases are unique (but for squawk\'s require-timeout-settings, which names both timeout rules)', () => {
    const all = rules.flatMap((r) => [r.meta.id, ...(r.meta.aliases ?? []).filter((a) => a !== 'require-timeout-settings')]);
    expect(new Set(all).size).toBe(all.length);
    expect(rules.filter((r) => r.meta.aliases?.includes('require-timeout-settings')).map((r) => r.meta.id).sort()).toEqual(['require-lock-timeout', 'require-statement-timeout']);
  });
});

describe.each(rules.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const m = rule.meta;
  it('has an id that reads as an ignore and complete docs', () => {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(m.docs.summary).toMatch(/^(Disallow|Require|Prefer) /);
    expect(m.docs.summary).not.toMatch(/\.$/);
    expect(m.docs.what.length).toBeGreaterThan(20);
    expect(m.docs.why.length).toBeGreaterThan(20);
    if (m.category !== 'meta') for (const r of m.docs.references) expect(r).toMatch(/^https:\/\/(www\.postgresql\.org\/docs\/|wiki\.postgresql\.org\/)/);
    if (m.category === 'lock' || m.category === 'compat') expect(m.docs.references.length).toBeGreaterThan(0);
    if (m.fix === 'unsafe') expect(m.docs.fixSafety).toBeTruthy();
  });
  it('has message templates in the house style', () => {
    for (const t of Object.values(m.messages) as string[]) {
      expect(t).not.toMatch(/\.$/);
      expect(t.charAt(0)).not.toMatch(/[a-z]/);
      expect(t).not.toContain(id);
    }
  });
  it.runIf(m.category !== 'meta')('has a test file', () => {
    expect(existsSync(join(ROOT, 'test/rules', `${id}.test.ts`))).toBe(true);
  });
  it.runIf(m.category !== 'meta')('reports its bad example and not its good one', async () => {
    expect((await findings(rule, m.docs.example.bad)).length).toBeGreaterThan(0);
    expect((await findings(rule, m.docs.example.good)).map((f) => f.message)).toEqual([]);
  });
});

describe('generated files', () => {
  it('docs/rules/*.md and the README rule table match the rules (npm run gen:docs)', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-docs.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' });
  });
  it('rules/index.ts is up to date', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-rules-index.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' });
  });
});
