import { describe, expect, it } from 'vitest';
import { lint, type Finding } from '../../src/engine/engine.js';
import { applyFixes } from '../../src/engine/fix.js';
import type { Rule } from '../../src/engine/rule.js';

// Rule exceptions fail the test instead of becoming findings.
process.env.PGSAFE_THROW = '1';

export interface Settings {
  pgVersion?: number;
  assumeInTransaction?: boolean;
  /** SQL of earlier, already applied migrations: it only feeds the schema model (tables it creates are not new). */
  schema?: string;
  /** The case is about a statement that does not parse (by default, unparsable test SQL fails the case). */
  allowSyntaxErrors?: boolean;
}

export type ValidCase = string | { name?: string; sql: string; settings?: Settings };

export interface ExpectedError {
  messageId?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface InvalidCase {
  name?: string;
  sql: string;
  settings?: Settings;
  errors: ExpectedError[];
  /** The text after applying the rule's fixes; null asserts no fix is offered. Required when a fix is produced. */
  output?: string | null;
}

/** Strips the common indentation of a template literal, and its first and last blank lines. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

export async function lintWith(rule: Rule, text: string, settings: Settings = {}): Promise<{ findings: Finding[]; all: Finding[] }> {
  const earlier = settings.schema !== undefined ? [{ path: 'schema.sql', text: settings.schema, lint: false }] : [];
  const res = (await lint([...earlier, { path: 'test.sql', text }], {
    rules: [rule],
    pgVersion: settings.pgVersion ?? 15,
    assumeInTransaction: settings.assumeInTransaction ?? false,
    ruleSettings: { [rule.meta.id]: rule.meta.defaultSeverity, 'syntax-error': 'error' },
  })).at(-1)!;
  const syntax = res.parsed?.statements.filter((s) => s.kind === 'SyntaxError') ?? [];
  if (syntax.length && !settings.allowSyntaxErrors) throw new Error(`test SQL does not parse: ${syntax[0].error?.message} in ${JSON.stringify(syntax[0].text)}`);
  return { findings: res.findings.filter((f) => f.rule === rule.meta.id), all: res.findings };
}

/** Runs a rule over valid and invalid SQL cases, ESLint RuleTester style. */
export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const id = rule.meta.id;
  if (cases.valid.length === 0 || cases.invalid.length === 0) throw new Error(`${id}: need at least one valid and one invalid case`);
  const seen = new Set<string>();
  for (const c of [...cases.valid.map((v) => (typeof v === 'string' ? v : v.sql + JSON.stringify(v.settings ?? {}))), ...cases.invalid.map((c) => c.sql + JSON.stringify(c.settings ?? {}))]) {
    if (seen.has(c)) throw new Error(`${id}: duplicate case ${JSON.stringify(c)}`);
    seen.add(c);
  }
  const used = new Set<string>();
  describe(id, () => {
    describe('valid', () => {
      cases.valid.forEach((v, i) => {
        const c = typeof v === 'string' ? { sql: v } : v;
        it(c.name ?? `valid #${i + 1}: ${c.sql.split('\n')[0].slice(0, 60)}`, async () => {
          const { findings } = await lintWith(rule, c.sql, c.settings);
          expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
        });
      });
    });
    describe('invalid', () => {
      cases.invalid.forEach((c, i) => {
        for (const e of c.errors) if (e.messageId) used.add(e.messageId);
        it(c.name ?? `invalid #${i + 1}: ${c.sql.split('\n')[0].slice(0, 60)}`, async () => {
          const { findings } = await lintWith(rule, c.sql, c.settings);
          const got = findings.map((f, k) => {
            const e = c.errors[k];
            return {
              ...(e?.messageId ? { messageId: f.messageId } : {}),
              line: f.line,
              column: f.column,
              ...(e?.endLine !== undefined ? { endLine: f.endLine } : {}),
              ...(e?.endColumn !== undefined ? { endColumn: f.endColumn } : {}),
            };
          });
          expect(got).toEqual(c.errors);
          for (const f of findings) {
            expect(f.message).not.toMatch(/\{\{|\.$/);
          }
          const hasFix = findings.some((f) => f.fix);
          if (hasFix && c.output === undefined) throw new Error('the rule produced a fix: add `output` to the case');
          if (c.output === null) expect(hasFix).toBe(false);
          if (typeof c.output === 'string') {
            const fixed = applyFixes(c.sql, findings).text;
            expect(fixed).toBe(c.output);
            // Re-linting the fixed SQL parses (lintWith throws otherwise) and no longer reports the rule.
            const again = await lintWith(rule, fixed, c.settings);
            expect(again.findings.map((f) => f.message)).toEqual([]);
          }
        });
      });
    });
    it('exercises every messageId', () => {
      for (const m of Object.keys(rule.meta.messages)) expect([...used], `messageId ${m} is never exercised`).toContain(m);
    });
  });
}
