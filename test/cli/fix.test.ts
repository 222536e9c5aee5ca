// `pgsafe lint --fix`, through main(argv, io) on temporary copies of fixtures/fix/*.sql.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ROOT, runCli } from '../helpers/cli.js';
const FIXTURES = join(ROOT, 'fixtures/fix');

/** NO_COLOR unless a test sets colour itself. */
const run = (args: string[], opts: { cwd: string; input?: string }) => runCli(args, { ...opts, env: { NO_COLOR: '1' } });

/** A temporary copy of a fixture; returns its directory. */
function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-'));
  copyFileSync(join(FIXTURES, name), join(dir, name));
  return dir;
}

async function rulesReported(dir: string, name: string): Promise<string[]> {
  const r = (await run(['lint', name, '--format', 'json', '--fail-on', 'never', '--no-config'], { cwd: dir }));
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).files[0].findings.map((f: { rule: string }) => f.rule);
}

/** The rules `--fix` says it fixed, from its stderr lines `fixed N problems in <file> (a, b ×2)`. */
function rulesFixed(stderr: string): string[] {
  const out: string[] = [];
  for (const m of stderr.matchAll(/fixed \d+ problems? in .+ \((.+)\)/g)) out.push(...m[1].split(', ').map((s) => s.replace(/ ×\d+$/, '')));
  return out;
}

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort();

describe('pgsafe lint --fix', () => {
  it('has fixtures', () => {
    expect(fixtures).toEqual(['constraints.sql', 'crlf-bom.sql', 'do-block.sql', 'goose-down.sql', 'indexes.sql', 'timeouts.sql', 'types.sql']);
  });

  // --fix-unsafe applies a superset of --fix.
  for (const name of fixtures) {
    for (const flag of ['--fix-unsafe']) {
      it(`${name} ${flag}: re-linting reports none of the fixed rules and no syntax error`, async () => {
        const dir = copy(name);
        const before = (await rulesReported(dir, name));
        const r = (await run(['lint', flag, name, '--fail-on', 'never', '--no-config'], { cwd: dir }));
        expect(r.code, r.stderr).toBe(0);
        const fixed = rulesFixed(r.stderr);
        const after = (await rulesReported(dir, name));
        expect(after).not.toContain('syntax-error');
        for (const id of fixed) {
          expect(before).toContain(id);
          expect(after, `${id} still reported after its fix`).not.toContain(id);
        }
        if (fixed.length === 0) expect(readFileSync(join(dir, name), 'utf8')).toBe(readFileSync(join(FIXTURES, name), 'utf8'));
      });
    }
  }

  it('applies only safe fixes by default: CONCURRENTLY for CREATE INDEX, DROP INDEX and REINDEX', async () => {
    const dir = copy('indexes.sql');
    const r = (await run(['lint', '--fix', 'indexes.sql', '--no-config'], { cwd: dir }));
    expect(readFileSync(join(dir, 'indexes.sql'), 'utf8')).toBe(
      '-- Lookups for the admin search (not in a transaction: CONCURRENTLY is allowed)\n' +
      'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n' +
      '/* the old one */\n' +
      'DROP INDEX CONCURRENTLY IF EXISTS users_old_email_idx;\n\n' +
      'REINDEX INDEX CONCURRENTLY users_name_idx;\n',
    );
    expect(r.stderr).toContain('fixed 3 problems in indexes.sql (require-concurrent-index-creation, require-concurrent-index-deletion, require-concurrent-reindex)');
    // The plain builds took blocking locks (a lock_timeout finding, unsafe fix); once concurrent, nothing is left.
    expect(r.stderr).not.toMatch(/unsafe and not applied/);
    // The report is that of the fixed file: online operations only, so no timeout is advised before them.
    expect(r.stdout).toContain('No problems');
    expect(r.code).toBe(0);
  });

  it('--fix leaves a file whose only fixes are unsafe untouched', async () => {
    const dir = copy('constraints.sql');
    (await run(['lint', '--fix', 'constraints.sql', '--no-config'], { cwd: dir }));
    expect(readFileSync(join(dir, 'constraints.sql'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'constraints.sql'), 'utf8'));
  });

  it('--fix-unsafe: NOT VALID plus VALIDATE, and both timeout preambles (overlapping inserts over two passes)', async () => {
    const dir = copy('constraints.sql');
    const r = (await run(['lint', '--fix-unsafe', 'constraints.sql', '--no-config'], { cwd: dir }));
    expect(readFileSync(join(dir, 'constraints.sql'), 'utf8')).toBe(
      '-- Orders must point at a user, totals are never negative.\n' +
      // No statement_timeout: it would cancel the VALIDATE the fix adds (issue 11, §2).
      "SET lock_timeout = '2s';\n" +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n\n' +
      'ALTER TABLE orders\n' +
      '  ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n',
    );
    // The FK's fix comes from its folded constraint-missing-not-valid note; the CHECK is that rule's own.
    expect(r.stderr).toContain('adding-foreign-key-constraint, constraint-missing-not-valid');
    expect(r.stderr).not.toContain('statement_timeout');
  });

  it('--fix-unsafe: json → jsonb, timestamp → timestamptz, char → varchar/text, serial → identity, comments kept', async () => {
    const dir = copy('types.sql');
    (await run(['lint', '--fix-unsafe', 'types.sql', '--no-config'], { cwd: dir }));
    expect(readFileSync(join(dir, 'types.sql'), 'utf8')).toBe(
      'CREATE TABLE events (\n' +
      '  id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,        -- keep the comment\n' +
      '  payload jsonb NOT NULL,\n' +
      '  happened_at timestamptz(3) DEFAULT now(),\n' +
      '  country varchar(2),\n' +
      '  flag text\n' +
      ');\n\n' +
      'ALTER TABLE events ADD COLUMN seen_at timestamptz;\n',
    );
  });

  it('keeps a UTF-8 BOM and CRLF line endings, inserted lines included', async () => {
    const dir = copy('crlf-bom.sql');
    (await run(['lint', '--fix-unsafe', 'crlf-bom.sql', '--no-config'], { cwd: dir }));
    const buf = readFileSync(join(dir, 'crlf-bom.sql'));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    expect(text).toBe(
      // No statement_timeout: nothing here scans under a blocking lock.
      "-- BOM and CRLF line endings\r\nSET lock_timeout = '2s';\r\n" +
      "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\r\nALTER TABLE users ADD COLUMN bio text;\r\n",
    );
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('inside a DO block: no CONCURRENTLY, preambles go before the DO, a single-quoted body is left alone', async () => {
    const dir = copy('do-block.sql');
    const r = (await run(['lint', '--fix-unsafe', 'do-block.sql', '--no-config'], { cwd: dir }));
    const text = readFileSync(join(dir, 'do-block.sql'), 'utf8');
    expect(text).toContain("SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nDO $$\n");
    expect(text).toContain('    CREATE INDEX users_email_idx ON users (email);\n');
    expect(text).toContain("DO 'BEGIN ALTER TABLE users ADD COLUMN note text DEFAULT ''n/a''; END';\n");
    expect(r.stdout).toContain('require-concurrent-index-creation');
    expect(r.code).toBe(1);
  });

  it('fixes the down section too, which pgsafe lints as the rollback path', async () => {
    const dir = copy('goose-down.sql');
    (await run(['lint', '--fix-unsafe', 'goose-down.sql', '--no-config'], { cwd: dir }));
    expect(readFileSync(join(dir, 'goose-down.sql'), 'utf8')).toBe(
      "-- +goose Up\n-- +goose StatementBegin\nSET lock_timeout = '2s';\n" +
      'ALTER TABLE users ADD COLUMN last_seen_at timestamptz;\n-- +goose StatementEnd\n\n' +
      "-- +goose Down\n-- +goose StatementBegin\nSET lock_timeout = '2s';\n" +
      'ALTER TABLE users DROP COLUMN IF EXISTS last_seen_at;\n-- +goose StatementEnd\n',
    );
  });

  it('with -, prints the fixed SQL to stdout and the report to stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-'));
    const input = 'CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN payload json;\n';
    const r = (await run(['lint', '--fix', '-', '--format', 'gcc', '--no-config'], { cwd: dir, input }));
    expect(r.stdout).toBe('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN payload json;\n');
    expect(r.stderr).toContain('fixed 1 problem in <stdin> (require-concurrent-index-creation)');
    expect(r.stderr).toContain('<stdin>:2:1: warning');
    expect(r.stderr).toContain('[prefer-jsonb]');
    expect(readdirSync(dir)).toEqual([]);
    expect(r.code).toBe(1);
  });

  it('refuses --staged, whose linted text is not the working-tree file it would write', async () => {
    const dir = copy('indexes.sql');
    const r = (await run(['lint', '--fix', '--staged', '--no-config'], { cwd: dir }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fix cannot be combined with --staged');
    expect(readFileSync(join(dir, 'indexes.sql'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'indexes.sql'), 'utf8'));
  });

  it('without fixable findings, --fix output equals plain lint output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-'));
    const plain = (await run(['lint', '-', '--format', 'json', '--no-config'], { cwd: dir, input: 'ALTER TABLE users DROP COLUMN email;\n' }));
    const fixed = (await run(['lint', '--fix', '-', '--format', 'json', '--no-config'], { cwd: dir, input: 'ALTER TABLE users DROP COLUMN email;\n' }));
    expect(fixed.stdout).toBe('ALTER TABLE users DROP COLUMN email;\n');
    expect(fixed.stderr.replace(/^pgsafe: .*\n/gm, '')).toBe(plain.stdout);
    expect(fixed.code).toBe(plain.code);
  });
});
