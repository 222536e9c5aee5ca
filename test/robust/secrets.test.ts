import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess as run, tmp, ROOT } from '../helpers/cli.js';
import { LspClient } from '../lsp/client.js';
import { collectSecrets, maskSecrets, maskWrites, noteSecrets } from '../../src/report/mask.js';

// A distinctive secret in every shape the issue found leaking, through every output format and the language
// server, with ban-plaintext-secret on, ignored and disabled. The secret must appear in no byte of any output.
const SECRET = 'S3cr3tZ9';
const FORMATS = ['pretty', 'json', 'sarif', 'github', 'gcc', 'markdown', 'junit', 'gitlab'];

const files: Record<string, string> = {
  // Unterminated, unquoted and the parser's "at or near" quote of the rest of the file.
  'a_unterminated.sql': `CREATE INDEX i0 ON t (a);\nCREATE ROLE app LOGIN PASSWORD '${SECRET}\nDROP TABLE t;\n`,
  'b_unquoted.sql': `CREATE ROLE app PASSWORD ${SECRET}xyz;\nCREATE INDEX i1 ON t (a);\n`,
  // Other rules' help re-prints the statement.
  'c_help.sql': [
    `CREATE INDEX i2 ON t (a) WHERE dsn <> 'postgresql://bob:${SECRET}@db/x';`,
    `UPDATE accounts SET dsn = 'host=db user=bob password=${SECRET}';`,
    `ALTER TABLE accounts ADD CONSTRAINT c CHECK (dsn <> 'host=db password=${SECRET} dbname=x');`,
    '',
  ].join('\n'),
  // Ignored on the same line as another finding's statement.
  'd_ignored.sql': `-- pgsafe-ignore ban-plaintext-secret: local test role\nCREATE ROLE a PASSWORD '${SECRET}'; CREATE INDEX i3 ON t (b);\n`,
  // DO blocks, E'', U&'', dollar quotes, format(), multi-line statements.
  'e_bodies.sql': [
    `DO $$ BEGIN EXECUTE format('ALTER ROLE x PASSWORD %L', '${SECRET}'); END $$;`,
    `DO $$ BEGIN EXECUTE 'ALTER ROLE y PASSWORD ''${SECRET}'''; CREATE INDEX i4 ON t (c); END $$;`,
    `ALTER ROLE z PASSWORD E'${SECRET}\\'q';`,
    `ALTER ROLE w PASSWORD U&'${SECRET}\\0041';`,
    `ALTER ROLE v PASSWORD $p$${SECRET}$p$;`,
    `CREATE ROLE u\n  LOGIN\n  PASSWORD\n  '${SECRET}';`,
    `CREATE INDEX i5 ON t (d) WHERE x <> '${SECRET.slice(0, 4)}'; SELECT 'unterminated /* ${SECRET}`,
    '',
  ].join('\n'),
};

let dir: string;
beforeAll(() => {
  dir = tmp(files);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paths = () => Object.keys(files).map((f) => join(dir, f));

describe('no secret in any CLI output', () => {
  // d_ignored.sql has the rule ignored by a comment in every run.
  for (const mode of ['on', 'disabled'] as const) {
    for (const format of FORMATS) {
      it(`${format}, rule ${mode}`, () => {
        const args = ['lint', '--no-config', '--format', format, ...(mode === 'disabled' ? ['--disable', 'ban-plaintext-secret'] : [])];
        const r = run([...args, ...paths()]);
        expect(r.code).toBe(1);
        expect(r.stdout.length).toBeGreaterThan(0);
        expect(r.stdout + r.stderr).not.toContain(SECRET);
        if (format === 'json' || format === 'sarif' || format === 'gitlab') expect(() => JSON.parse(r.stdout)).not.toThrow();
      });
    }
  }

  it('the findings are still there: the masking hides the secret, not the statements', () => {
    const r = run(['lint', '--no-config', '--format', 'json', ...paths()]);
    const out = JSON.parse(r.stdout);
    const rules = new Set(out.files.flatMap((f: any) => f.findings.map((x: any) => x.rule)));
    for (const id of ['ban-plaintext-secret', 'require-concurrent-index-creation', 'unbatched-backfill', 'syntax-error']) expect(rules).toContain(id);
    // The unterminated quote's syntax error quotes the rest of the file: cut short.
    const msg = out.files.flatMap((f: any) => f.findings).find((x: any) => x.rule === 'syntax-error' && /unterminated/.test(x.message)).message;
    expect(msg.length).toBeLessThan(160);
  });

  it('with --fix and -: neither the fixed SQL on stdout nor the report on stderr', () => {
    const text = `CREATE INDEX i ON t (a) WHERE dsn <> 'postgresql://bob:${SECRET}@db/x';\nCREATE ROLE r PASSWORD '${SECRET}';\n`;
    for (const fmt of ['pretty', 'json']) {
      const r = run(['lint', '--no-config', '--fix-unsafe', '--format', fmt, '-'], { input: text });
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stderr).toContain('printed masked');
    }
  });

  it('in ignore comments, config-free stdin, and --debug', () => {
    const r = run(['--debug', 'lint', '--no-config', '--stdin-filename', `x_${SECRET}.sql`, '-'], { input: `ALTER ROLE a PASSWORD '${SECRET}';\n` });
    expect(r.stdout + r.stderr).not.toContain(`PASSWORD '${SECRET}`);
  });
});

describe('mask.ts', () => {
  it('finds secrets by shape, with no rule', () => {
    const set = collectSecrets([
      `ALTER ROLE a PASSWORD 'one1two2'`,
      `x = 'host=h password=thr33four'`,
      `'postgres://u:f1ve%40six@h/db'`,
      `EXECUTE format('CREATE ROLE r PASSWORD %L', 'sev3n8')`,
      `CREATE ROLE r PASSWORD bare9word`,
      `CREATE ROLE r PASSWORD 'unterminated9`,
    ]);
    expect(set.values).toEqual(expect.arrayContaining(['one1two2', 'thr33four', 'f1ve%40six', 'f1ve@six', 'sev3n8', 'bare9word', 'unterminated9']));
    expect(collectSecrets([`ALTER ROLE a PASSWORD '\${pw}'`, `ALTER ROLE a PASSWORD :'pw'`, `ALTER TABLE u ADD COLUMN password text`, 'ALTER ROLE a PASSWORD NULL']).values).toEqual([]);
  });

  it('masks every output form of a secret: JSON, XML, SQL-quoted, annotation-escaped', () => {
    const set = collectSecrets([`ALTER ROLE a PASSWORD 'a"b<c''d%e'`]);
    for (const form of [`a"b<c'd%e`, 'a\\"b<c\'d%e', 'a&quot;b&lt;c&apos;d%e', "a\"b<c''d%e", 'a"b<c\'d%25e']) {
      expect(maskSecrets(`x ${form} y`, set)).toBe(`x ${'*'.repeat(form.length)} y`);
    }
  });

  it('masks every write to a wrapped stream (stack traces included)', () => {
    noteSecrets(`CREATE ROLE a PASSWORD 'st4ck7race'`);
    let got = '';
    const stream = { write: (s: string) => { got += s; return true; } };
    const undo = maskWrites([stream]);
    stream.write(new Error('failed near st4ck7race').stack!);
    undo();
    expect(got).not.toContain('st4ck7race');
    expect(got).toContain('**********');
  });
});

describe('no secret in any language server message', () => {
  let client: LspClient;
  let raw = '';
  const uri = (name: string) => pathToFileURL(join(dir, name)).href;

  beforeAll(async () => {
    client = new LspClient(process.execPath, ['bin/pgsafe.js', 'lsp', '--stdio'], ROOT);
    client.proc.stdout.on('data', (c: Buffer) => { raw += c.toString('utf8'); });
    await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 20 } });
    client.notify('initialized', {});
  });
  afterAll(() => client.proc.kill());

  for (const [name, text] of Object.entries(files)) {
    it(`${name}: diagnostics, hover on every line, code actions`, async () => {
      client.notify('textDocument/didOpen', { textDocument: { uri: uri(name), languageId: 'sql', version: 1, text } });
      const p = await client.waitFor<any>('textDocument/publishDiagnostics', (x) => x.uri === uri(name));
      expect(p.diagnostics.length).toBeGreaterThan(0);
      const lines = text.split('\n').length;
      for (let line = 0; line < lines; line++) {
        for (const character of [0, 12, 30]) {
          await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line, character } });
          const at = { line, character };
          await client.request('textDocument/codeAction', { textDocument: { uri: uri(name) }, range: { start: at, end: at }, context: { diagnostics: p.diagnostics } });
        }
      }
      expect(raw).not.toContain(SECRET);
      expect(raw).toContain('pgsafe');
    });
  }
});
