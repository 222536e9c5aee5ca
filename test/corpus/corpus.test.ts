// Lints every real migration in ../shared/corpus (3,193 files from 15 projects):
// no crash, no internal error, and only files that are not plain SQL fail to parse.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint, type LintInput } from '../../src/engine/engine.js';
import { readSourceFile } from '../../src/source/read.js';
import { compareMigrations } from '../../src/project/files.js';

const CORPUS = resolve(__dirname, '../../../shared/corpus');

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sqlFiles(p, out);
    else if (name.endsWith('.sql')) out.push(p);
  }
  return out;
}

/** Files that are not plain SQL: Go templates, and a goose file that relies on StatementBegin/End instead of `;`. */
const NOT_PLAIN_SQL = (path: string) =>
  path.includes('/supabase-auth/') || path.endsWith('hatchet/cmd/hatchet-migrate/migrate/migrations/20250519145912_v1_0_21.sql');

describe.runIf(existsSync(CORPUS))('corpus', () => {
  it('lints all projects without a crash or an internal error', async () => {
    const projects = readdirSync(CORPUS).filter((p) => statSync(join(CORPUS, p)).isDirectory());
    let files = 0;
    let statements = 0;
    const unexpectedSyntax: string[] = [];
    const internal: string[] = [];
    for (const project of projects) {
      const paths = sqlFiles(join(CORPUS, project)).sort(compareMigrations);
      const inputs: LintInput[] = [];
      for (const p of paths) {
        const r = await readSourceFile(p);
        inputs.push(r.ok ? { path: p, text: r.text } : { path: p, error: r.message });
      }
      const results = await lint(inputs, { rules, pgVersion: 15, assumeInTransaction: false, ruleSettings: Object.fromEntries(rules.map((r) => [r.meta.id, r.meta.defaultSeverity])) });
      for (const res of results) {
        files++;
        statements += res.statements;
        for (const f of res.findings) {
          if (f.rule === 'syntax-error' && !NOT_PLAIN_SQL(res.path)) unexpectedSyntax.push(`${res.path}:${f.line}: ${f.message}`);
          if (/failed (to analyse|on this statement|at the end)/.test(f.message)) internal.push(`${res.path}:${f.line}: ${f.message}`);
        }
      }
    }
    expect(files).toBeGreaterThan(3000);
    expect(statements).toBeGreaterThan(10000);
    expect(unexpectedSyntax).toEqual([]);
    expect(internal).toEqual([]);
  }, 300_000);

  it('reports the Go-template files as syntax errors, never as clean', async () => {
    const dir = join(CORPUS, 'supabase-auth');
    // Templates inside dollar-quoted bodies leave the outer SQL valid; the others cannot parse.
    const outsideBodies = (t: string) => t.replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, '');
    const paths = sqlFiles(dir).filter((p) => /\{\{/.test(outsideBodies(readFileSync(p, 'utf8'))));
    expect(paths.length).toBeGreaterThan(0);
    const inputs: LintInput[] = [];
    for (const p of paths) {
      const r = await readSourceFile(p);
      if (r.ok) inputs.push({ path: p, text: r.text });
    }
    const results = await lint(inputs, { rules, pgVersion: 15, assumeInTransaction: false });
    for (const res of results) expect(res.findings.some((f) => f.rule === 'syntax-error'), res.path).toBe(true);
  }, 120_000);
});
