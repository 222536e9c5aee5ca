// Agreement with the "lint" verdicts of Eugene, strong_migrations, Atlas and pgfence on their own
// cases, read from ../shared/conformance/peers at test time (never copied into the repo; verdicts in
// its expected.md). Each case runs on its own with that tool's setup file (and `-- pre:` lines) as an
// earlier, already applied migration; one case file = one migration = one transaction, except the
// CONCURRENTLY files and the strong_migrations files that carry their own BEGIN.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint } from '../../src/engine/engine.js';

const DIR = resolve(__dirname, '../../../shared/conformance/peers');
const present = existsSync(join(DIR, 'expected.md'));
if (!present) console.warn(`peer conformance skipped: ${DIR} is absent (it ships in ../shared beside the repository)`);

interface Case {
  file: string;
  /** pgsafe rules that must fire: the peer's finding in pgsafe's words. */
  expect: string[];
  /** pgsafe rules that must stay silent (the peer says the case is safe in that respect). */
  silent?: string[];
  /** The file runs inside one transaction (the tool wraps it). */
  tx?: boolean;
  /** Where pgsafe's verdict differs from the peer's, why. */
  note?: string;
}

const LOCK = ['require-concurrent-index-creation', 'constraint-missing-not-valid', 'adding-not-nullable-field', 'disallowed-unique-constraint', 'lock-held-across-statements', 'changing-column-type', 'adding-field-with-default'];

const CASES: Case[] = [
  // Eugene (files run in a transaction, like `eugene lint`).
  { file: 'eugene-e1-add-check-constraint-valid.sql', expect: ['constraint-missing-not-valid'], tx: true },
  { file: 'eugene-e1-add-check-constraint-not-valid.sql', expect: [], silent: ['constraint-missing-not-valid'], tx: true },
  { file: 'eugene-e2-set-not-null.sql', expect: ['adding-not-nullable-field'], tx: true },
  { file: 'eugene-e2-set-not-null-after-validated-check.sql', expect: [], silent: ['adding-not-nullable-field'], tx: true,
    note: "Eugene's lint reports E2 here, a false positive it admits (it cannot see the catalog). pgsafe's schema model sees the validated CHECK from the `-- pre:` migration, so it agrees with Eugene's trace verdict instead." },
  { file: 'eugene-e3-json-column.sql', expect: ['prefer-jsonb'], tx: true },
  { file: 'eugene-e4-statement-after-access-exclusive.sql', expect: ['lock-held-across-statements'], tx: true },
  { file: 'eugene-e5-type-change-rewrite.sql', expect: ['changing-column-type'], tx: true },
  { file: 'eugene-e6-create-index-nonconcurrent.sql', expect: ['require-concurrent-index-creation'], tx: true },
  { file: 'eugene-e6-create-index-concurrently.sql', expect: [], silent: ['require-concurrent-index-creation', 'ban-concurrent-index-creation-in-transaction'] },
  { file: 'eugene-e7-add-unique-constraint.sql', expect: ['disallowed-unique-constraint'], tx: true },
  { file: 'eugene-e8-exclusion-constraint.sql', expect: ['adding-exclusion-constraint'], tx: true },
  { file: 'eugene-e9-missing-lock-timeout.sql', expect: ['require-lock-timeout'], tx: true },
  { file: 'eugene-e10-rewrite-while-holding-lock.sql', expect: ['changing-column-type', 'lock-held-across-statements'], tx: true,
    note: "Eugene's lint verdict is empty only because the file's `-- eugene: ignore E5, E4` comment suppresses it; pgsafe does not read Eugene's comments, and its verdict matches Eugene's trace (E10: prices rewritten while ACCESS EXCLUSIVE on authors is held)." },
  { file: 'eugene-e11-add-serial-column.sql', expect: ['adding-field-with-default'], tx: true },
  { file: 'eugene-w12-multiple-alter-same-table.sql', expect: ['adding-not-nullable-field'], tx: true,
    note: 'W12 (two ALTERs of one table = two scans) has no pgsafe rule: each SET NOT NULL is reported on its own, with the scan-free CHECK recipe, which removes both scans. Eugene hides E2 only through its ignore comment, which pgsafe does not read.' },
  { file: 'eugene-w13-create-enum.sql', expect: [],
    note: 'W13 is a modelling preference (lookup table over enum), not a lock or compatibility risk; pgsafe has no rule for it by design. Adding values later is covered by require-enum-value-ordering and ban-alter-enum-add-value-in-transaction.' },
  { file: 'eugene-w14-primary-key-using-index.sql', expect: ['adding-serial-primary-key-field'], tx: true },
  { file: 'eugene-e15-fk-without-index.sql', expect: [], silent: ['adding-foreign-key-constraint'], tx: true,
    note: "Eugene's lint verdict is none; E15 is trace-only (require-foreign-key-index covers it when that rule is enabled)." },
  { file: 'eugene-new-table-exempt.sql', expect: [], silent: LOCK.concat(['require-lock-timeout']), tx: true },

  // strong_migrations (Rails wraps each migration in a transaction).
  { file: 'strong_migrations-add-index-non-concurrent.sql', expect: ['require-concurrent-index-creation'], tx: true },
  { file: 'strong_migrations-add-index-new-table.sql', expect: [], silent: ['require-concurrent-index-creation'], tx: true },
  { file: 'strong_migrations-add-column-default-constant.sql', expect: [], silent: ['adding-field-with-default'], tx: true },
  { file: 'strong_migrations-add-column-default-volatile.sql', expect: ['adding-field-with-default'], tx: true },
  { file: 'strong_migrations-add-column-default-volatile-safe.sql', expect: [], silent: ['adding-field-with-default'], tx: true },
  { file: 'strong_migrations-add-column-generated-stored.sql', expect: ['adding-field-with-default'], tx: true },
  { file: 'strong_migrations-change-column-varchar-widen.sql', expect: [], silent: ['changing-column-type'], tx: true },
  { file: 'strong_migrations-change-column-varchar-narrow.sql', expect: ['changing-column-type'], tx: true },
  { file: 'strong_migrations-set-not-null.sql', expect: ['adding-not-nullable-field'], tx: true },
  { file: 'strong_migrations-set-not-null-after-validated-check.sql', expect: [], silent: ['adding-not-nullable-field'], tx: true },
  { file: 'strong_migrations-set-not-null-unvalidated-check.sql', expect: ['adding-not-nullable-field'], tx: true },
  { file: 'strong_migrations-add-foreign-key.sql', expect: ['adding-foreign-key-constraint'], tx: true },
  { file: 'strong_migrations-add-foreign-key-validate-same-tx.sql', expect: ['constraint-missing-not-valid', 'lock-held-across-statements'] },

  // Atlas (files run in a transaction by default).
  { file: 'atlas-mf103-add-not-null-column.sql', expect: ['adding-required-field'], tx: true },
  { file: 'atlas-mf103-new-table-exempt.sql', expect: [], silent: ['adding-required-field'], tx: true },
  { file: 'atlas-ds102-drop-table.sql', expect: ['ban-drop-table'], tx: true },
  { file: 'atlas-nolint-by-code.sql', expect: ['adding-required-field', 'ban-drop-table'], tx: true,
    note: 'Atlas suppresses DS102 through its own `-- atlas:nolint` comment; pgsafe honours only `-- pgsafe-ignore`, so the DROP TABLE is reported.' },
  { file: 'atlas-bc102-rename-column.sql', expect: ['renaming-column'], tx: true },
  { file: 'atlas-mf104-set-not-null.sql', expect: ['adding-not-nullable-field'], tx: true },
  { file: 'atlas-pg101-create-index-non-concurrent.sql', expect: ['require-concurrent-index-creation'], tx: true },
  { file: 'atlas-pg103-concurrent-index-missing-txmode.sql', expect: [], tx: true,
    note: 'A file made only of CONCURRENTLY statements is treated as a standalone migration, as squawk (its case 58) and Eugene do: many tools run such files outside a transaction. Atlas needs its own `-- atlas:txmode none` comment for that; pgsafe cannot know which tool runs the file unless told (--framework), so it sides with the majority. With an explicit BEGIN, or other statements in the file, pgsafe reports it.' },

  // pgfence (static): SET NOT NULL with lock_timeout set only after it.
  { file: 'pgfence-lock-timeout-after-statement.sql', expect: ['adding-not-nullable-field', 'require-lock-timeout'] },
];

const SETUP: Record<string, string> = { eugene: 'eugene-setup.sql', strong_migrations: 'strong_migrations-setup.sql', atlas: 'atlas-setup.sql' };

describe.skipIf(!present)('peer conformance (lint verdicts)', () => {
  const known = new Set(rules.map((r) => r.meta.id));
  const enabled = Object.fromEntries(rules.map((r) => [r.meta.id, r.meta.defaultSeverity]));
  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (file, c) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const tool = file.split('-')[0];
    const inputs = [];
    if (SETUP[tool]) inputs.push({ path: SETUP[tool], text: readFileSync(join(DIR, SETUP[tool]), 'utf8'), lint: false });
    const pre = [...text.matchAll(/^-- pre: (.*)$/gm)].map((m) => m[1]).join('\n');
    if (pre) inputs.push({ path: 'pre.sql', text: pre, lint: false });
    inputs.push({ path: file, text, fileOptions: { inTransaction: !!c.tx } });
    const res = await lint(inputs, { rules, pgVersion: 15, assumeInTransaction: false, ruleSettings: enabled });
    const got = new Set(res[res.length - 1].findings.map((f) => f.rule));
    const pending = c.expect.filter((id) => !known.has(id));
    if (pending.length) console.log(`${file}: pending, needs ${pending.join(', ')}`);
    for (const id of c.expect) if (known.has(id)) expect([...got], `${file} should report ${id}`).toContain(id);
    for (const id of c.silent ?? []) expect([...got], `${file} should not report ${id}${c.note ? ` (${c.note})` : ''}`).not.toContain(id);
  });
  it('covers every case file in expected.md', () => {
    const md = readFileSync(join(DIR, 'expected.md'), 'utf8');
    const listed = [...md.matchAll(/^\| ([\w.-]+\.sql) \|/gm)].map((m) => m[1]).sort();
    expect(CASES.map((c) => c.file).sort()).toEqual(listed);
  });
});
