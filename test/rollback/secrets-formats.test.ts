// A literal secret in a migration is reported by ban-plaintext-secret and appears in no output format: messages,
// help, snippets (also other rules' snippets of the same line), the rollback path, the job summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reporters } from '../../src/report/index.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/pgsafe.js');

const SECRETS = ['Typo-secret-12', 'Hunter2-plain-secret', 'Mapping-secret-77', 'Dblink-secret-99', 'Conninfo-secret-55', 'Sameline-secret-11', 'Goose-down-secret-33', 'Url-secret-44', 'Stdin-secret-66'];

const FILES: Record<string, string> = {
  'db/001_roles.sql': [
    "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'Hunter2-plain-secret';",
    "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'Mapping-secret-77');",
    "SELECT dblink_connect('c', 'host=db dbname=app password=Dblink-secret-99');",
    "ALTER SYSTEM SET primary_conninfo = 'host=p user=r password=Conninfo-secret-55';",
    // another rule reports the CREATE TABLE on the same line: its snippet shows the whole line
    "CREATE TABLE t (id int); ALTER ROLE app PASSWORD 'Sameline-secret-11';",
    "SELECT * FROM dblink('postgres://app:Url-secret-44@db/app', 'SELECT 1') AS x(i int);",
    // does not parse: the syntax-error finding shows this line
    "CREATE ROLE typo LOGIN PASSWORD 'Typo-secret-12' VALID UNTIL;",
    '',
  ].join('\n'),
  'db/20240101000000_goose.sql': "-- +goose Up\nCREATE TABLE u (id bigint PRIMARY KEY);\n\n-- +goose Down\nALTER ROLE app PASSWORD 'Goose-down-secret-33';\nDROP TABLE u;\n",
};

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-secrets-'));
  for (const [name, content] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function run(args: string[], cwd: string, env: Record<string, string | undefined> = {}, input?: string) {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined, ...env };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: e, encoding: 'utf8', input });
  return { code: r.status, out: r.stdout + r.stderr };
}

const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('secrets never appear in any output format', () => {
  const dir = setup();
  const formats = Object.keys(reporters);

  it('the formats under test are every registered reporter', () => {
    expect(formats).toEqual(expect.arrayContaining(['pretty', 'json', 'sarif', 'github', 'gcc', 'markdown', 'junit', 'gitlab']));
  });

  it.each(formats)('--format %s', (format) => {
    const r = run(['lint', 'db', '--format', format], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ban-plaintext-secret');
    expect(leaked(r.out)).toEqual([]);
  });

  it('pretty with colour, snippets of other rules on the same line included', () => {
    const r = run(['lint', 'db'], dir, { FORCE_COLOR: '1' });
    expect(r.out).toContain('ban-plaintext-secret');
    expect(r.out).toContain('prefer-bigint-over-int');
    expect(r.out).toMatch(/ALTER ROLE app PASSWORD '\*{18}'/);
    expect(leaked(r.out)).toEqual([]);
  });

  it('the rollback path (goose Down section) is masked too', () => {
    const r = run(['lint', 'db/20240101000000_goose.sql', '--format', 'json'], dir);
    const json = JSON.parse(r.out);
    const messages = json.files.flatMap((f: { findings: { message: string }[] }) => f.findings.map((x) => x.message));
    expect(messages).toContain('The password of role "app" is written in the migration: anyone who can read the repository can log in as it (rollback path)');
    expect(leaked(r.out)).toEqual([]);
  });

  it('GitHub Actions: annotations and the job summary', () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = run(['lint', 'db'], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(r.out).toContain('::error');
    const written = readFileSync(summary, 'utf8');
    expect(written).toContain('ban-plaintext-secret');
    expect(leaked(r.out + written)).toEqual([]);
  });

  it('stdin', () => {
    const r = run(['lint', '-', '--format', 'pretty'], dir, {}, "ALTER ROLE app PASSWORD 'Stdin-secret-66';\n");
    expect(r.out).toContain("ALTER ROLE app PASSWORD '***************'");
    expect(leaked(r.out)).toEqual([]);
  });
});
