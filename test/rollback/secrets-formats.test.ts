// A literal secret in a migration is reported by ban-plaintext-secret and appears in no output format: messages,
// help, snippets (also other rules' snippets of the same line), the rollback path, the job summary.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { runCli, runProcess } from '../helpers/cli.js';

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

/** In process through main(argv, io), where the output layer masks every write. */
async function run(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const r = await runCli(args, { cwd, env });
  return { code: r.code, out: r.stdout + r.stderr };
}

const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('secrets never appear in any output format', () => {
  const dir = setup();
  const formats = Object.keys(reporters);

  it('the formats under test are every registered reporter', () => {
    expect(formats).toEqual(expect.arrayContaining(['pretty', 'json', 'sarif', 'github', 'gcc', 'markdown', 'junit', 'gitlab']));
  });

  it.each(formats)('--format %s', async (format) => {
    const r = await run(['lint', 'db', '--format', format], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ban-plaintext-secret');
    expect(leaked(r.out)).toEqual([]);
  });

  it('pretty with colour, snippets of other rules on the same line included', async () => {
    const r = await run(['lint', 'db'], dir, { FORCE_COLOR: '1' });
    expect(r.out).toContain('ban-plaintext-secret');
    expect(r.out).toContain('prefer-bigint-over-int');
    expect(r.out).toMatch(/ALTER ROLE app PASSWORD '\*{18}'/);
    expect(leaked(r.out)).toEqual([]);
  });

  it('the rollback path (goose Down section) is masked too', async () => {
    const r = await run(['lint', 'db/20240101000000_goose.sql', '--format', 'json'], dir);
    const json = JSON.parse(r.out);
    const messages = json.files.flatMap((f: { findings: { message: string }[] }) => f.findings.map((x) => x.message));
    expect(messages).toContain('The password of role "app" is written in the migration: anyone who can read the repository can log in as it (rollback path)');
    expect(leaked(r.out)).toEqual([]);
  });

  it('GitHub Actions: annotations and the job summary', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await run(['lint', 'db'], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(r.out).toContain('::error');
    const written = readFileSync(summary, 'utf8');
    expect(written).toContain('ban-plaintext-secret');
    expect(leaked(r.out + written)).toEqual([]);
  });

  // A real process: stdin, and the masking of the process's own streams.
  it('stdin', () => {
    const p = runProcess(['lint', '-', '--format', 'pretty'], { cwd: dir, input: "ALTER ROLE app PASSWORD 'Stdin-secret-66';\n" });
    const r = { out: p.stdout + p.stderr };
    expect(r.out).toContain("ALTER ROLE app PASSWORD '***************'");
    expect(leaked(r.out)).toEqual([]);
  });
});
