import { runCli } from '../helpers/cli.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { applyEdits, LspClient } from './client.js';

// End to end: `pgsafe lsp --stdio` as a child process, spoken to over JSON-RPC.
const root = join(import.meta.dirname, '..', '..');
// A repository of its own (`.git` stops config discovery), with no config file at first.
const repo = mkdtempSync(join(tmpdir(), 'pgsafe-lsp-'));
mkdirSync(join(repo, '.git'));
mkdirSync(join(repo, 'migrations'));
const fileUri = (...p: string[]) => pathToFileURL(join(repo, ...p)).href;
const uri = fileUri('migrations', '0002_add_index.sql');
const other = fileUri('migrations', '0003_more.sql');

const UNSAFE = [
  "SET statement_timeout = '5s';",
  // The elephant is two UTF-16 units but one character: LSP columns count units.
  '/* 🐘 */ CREATE INDEX users_email_idx ON users (email);',
  'ALTER TABLE orders ADD COLUMN note text;',
  '',
].join('\n');

const SAFE = ["SET lock_timeout = '2s';", 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', ''].join('\n');

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  codeDescription?: { href: string };
  source: string;
  message: string;
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: Diag[];
}

// Only the rules under test run (sent as editor settings), so rules added later don't change these expectations.
const WATCHED = ['require-concurrent-index-creation', 'require-lock-timeout', 'syntax-error', 'unused-ignore'];
function only(overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) if (!WATCHED.includes(r.meta.id)) out[r.meta.id] = 'off';
  return { ...out, ...overrides };
}

let client: LspClient;
let firstDiagnosticsMs = 0;
let text = UNSAFE;
let version = 1;

const published = (u: string, v: number) => client.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === u && p.version === v);
const codes = (p: Published) => p.diagnostics.map((d) => d.code).sort();

async function change(edits: { range: any; newText: string }[] | string): Promise<Published> {
  version++;
  if (typeof edits === 'string') {
    text = edits;
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  } else {
    // Incremental sync applies changes in order, each to the previous result: send the last edit first,
    // so the workspace edit's ranges (all against the current text) stay valid.
    text = applyEdits(text, edits);
    const last = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: last.map((e) => ({ range: e.range, text: e.newText })) });
  }
  return published(uri, version);
}

async function actionsAt(u: string, line: number, character: number) {
  const p = { line, character };
  return client.request<any[]>('textDocument/codeAction', { textDocument: { uri: u }, range: { start: p, end: p }, context: { diagnostics: [] } });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'lsp', 'server.js'))) throw new Error('dist/ is missing the language server: run `npm run build` first');
  client = new LspClient(process.execPath, ['bin/pgsafe.js', 'lsp', '--stdio'], root);
  const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 150, rules: only() } });
  expect(init.capabilities.hoverProvider).toBe(true);
  expect(init.capabilities.codeActionProvider).toBeTruthy();
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
});

afterAll(() => {
  if (client.proc.exitCode === null && client.proc.signalCode === null) client.proc.kill();
  rmSync(repo, { recursive: true, force: true });
});

describe('pgsafe lsp', () => {
  it('publishes diagnostics on open, with rule code, UTF-16 range, severity and docs link', async () => {
    const p = await published(uri, 1);
    firstDiagnosticsMs = performance.now() - client.spawnedAt;
    console.log(`spawn → first diagnostics: ${firstDiagnosticsMs.toFixed(0)} ms`);
    expect(codes(p)).toEqual(['require-concurrent-index-creation', 'require-lock-timeout']);
    const idx = p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!;
    expect(idx.range).toEqual({ start: { line: 1, character: 9 }, end: { line: 1, character: 54 } });
    expect(idx.severity).toBe(1);
    expect(idx.source).toBe('pgsafe');
    expect(idx.message).toContain('`CREATE INDEX` on "users" takes a SHARE lock');
    expect(idx.codeDescription?.href).toMatch(/docs\/rules\/require-concurrent-index-creation\.md$/);
    const lt = p.diagnostics.find((d) => d.code === 'require-lock-timeout')!;
    expect(lt.severity).toBe(2);
  });

  it('hovers a finding with its explanation and the statement\'s lock', async () => {
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 35 } });
    const md: string = h.contents.value;
    expect(h.contents.kind).toBe('markdown');
    expect(md).toContain('**pgsafe `require-concurrent-index-creation`** (error)');
    expect(md).toContain('*Require `CREATE INDEX CONCURRENTLY` on existing tables.*');
    expect(md).toContain('A plain `CREATE INDEX` holds a SHARE lock');
    expect(md).toContain('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);');
    expect(md).toContain('- `SHARE` on "users": blocks writes');
    expect(md).toContain('Cost: builds an index over the whole table.');
    expect(md).toContain('`lock_timeout`: not set');
    expect(md).toContain('`statement_timeout`: 5s.');
    expect(h.range).toEqual({ start: { line: 1, character: 9 }, end: { line: 1, character: 54 } });
  });

  it('hovers a statement without findings with its locks and cost', async () => {
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 14 } });
    const md: string = h.contents.value;
    expect(md).not.toContain('**pgsafe `');
    expect(md).toContain('- `ACCESS EXCLUSIVE` on "orders": blocks reads and writes');
    expect(md).toContain('Cost: changes only the catalog.');
    const set = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    expect(set.contents.value).toContain('No table-level locks.');
    expect(set.contents.value).not.toContain('lock_timeout');
  });

  it('offers the fix and both ignores as code actions, and each one works', async () => {
    const actions = await actionsAt(uri, 1, 20);
    expect(actions.map((a) => a.title)).toEqual([
      'Add `CONCURRENTLY`',
      'Insert `SET lock_timeout` (unsafe: review before applying)',
      'Ignore `require-concurrent-index-creation` for this statement',
      'Ignore `require-concurrent-index-creation` for this file',
      'Ignore `require-lock-timeout` for this statement',
      'Ignore `require-lock-timeout` for this file',
    ]);
    for (const a of actions) expect(a.kind).toBe('quickfix');
    const [fix, , ignoreStmt, ignoreFile] = actions;
    expect(fix.isPreferred).toBe(true);
    expect(fix.diagnostics[0].code).toBe('require-concurrent-index-creation');
    expect(fix.edit.changes[uri]).toEqual([{ range: { start: { line: 1, character: 21 }, end: { line: 1, character: 21 } }, newText: ' CONCURRENTLY' }]);
    expect(ignoreStmt.edit.changes[uri]).toEqual([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '-- pgsafe-ignore require-concurrent-index-creation\n' }]);
    expect(ignoreFile.edit.changes[uri]).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '-- pgsafe-ignore-file require-concurrent-index-creation\n' }]);

    // Each edit, sent back as an incremental change, removes its finding and leaves the other.
    const afterFix = await change(fix.edit.changes[uri]);
    expect(text).toContain('/* 🐘 */ CREATE INDEX CONCURRENTLY users_email_idx');
    // SHARE UPDATE EXCLUSIVE blocks neither reads nor writes: the missing lock_timeout now matters at the ALTER TABLE.
    expect(codes(afterFix)).toEqual(['require-lock-timeout']);
    expect(afterFix.diagnostics[0].range.start).toEqual({ line: 2, character: 0 });

    const again = await actionsAt(uri, 2, 5);
    const ignoreLock = again.find((a) => a.title === 'Ignore `require-lock-timeout` for this statement')!;
    const afterIgnore = await change(ignoreLock.edit.changes[uri]);
    expect(text.split('\n')[2]).toBe('-- pgsafe-ignore require-lock-timeout');
    expect(codes(afterIgnore)).toEqual([]);
  });

  it('clears the diagnostics when the document becomes safe', async () => {
    await change(UNSAFE);
    const p = await change(SAFE);
    expect(p.diagnostics).toEqual([]);
  });

  it('debounces bursts of changes into one lint of the latest version', async () => {
    const start = version;
    for (let k = 0; k < 4; k++) {
      version++;
      text = k % 2 === 0 ? UNSAFE : SAFE;
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }
    const p = await published(uri, version);
    expect(p.diagnostics).toEqual([]);
    const stale = client.unread('textDocument/publishDiagnostics').filter((x) => x.uri === uri && x.version > start && x.version < version);
    expect(stale).toEqual([]);
  });

  it('appends to an existing file-wide ignore, and the appended rule is ignored', async () => {
    const doc = ['-- pgsafe-ignore-file require-lock-timeout', '  CREATE INDEX users_email_idx ON users (email);', ''].join('\n');
    client.notify('textDocument/didOpen', { textDocument: { uri: other, languageId: 'sql', version: 1, text: doc } });
    expect(codes(await published(other, 1))).toEqual(['require-concurrent-index-creation']);
    const actions = await actionsAt(other, 1, 4);
    const stmt = actions.find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this statement')!;
    expect(stmt.edit.changes[other][0].newText).toBe('  -- pgsafe-ignore require-concurrent-index-creation\n');
    const file = actions.find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this file')!;
    expect(file.edit.changes[other]).toEqual([{ range: { start: { line: 0, character: 42 }, end: { line: 0, character: 42 } }, newText: ', require-concurrent-index-creation' }]);
    const next = applyEdits(doc, file.edit.changes[other]);
    expect(next.split('\n')[0]).toBe('-- pgsafe-ignore-file require-lock-timeout, require-concurrent-index-creation');
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 2 }, contentChanges: [{ text: next }] });
    expect((await published(other, 2)).diagnostics).toEqual([]);
  });

  it('puts the statement ignore on its own line when another statement ends on the same line', async () => {
    const doc = "SET lock_timeout = '2s'; CREATE INDEX users_email_idx ON users (email);\n";
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 3 }, contentChanges: [{ text: doc }] });
    expect(codes(await published(other, 3))).toEqual(['require-concurrent-index-creation']);
    const actions = await actionsAt(other, 0, 30);
    const stmt = actions.find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this statement')!;
    const next = applyEdits(doc, stmt.edit.changes[other]);
    expect(next).toBe("SET lock_timeout = '2s';\n-- pgsafe-ignore require-concurrent-index-creation\nCREATE INDEX users_email_idx ON users (email);\n");
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 4 }, contentChanges: [{ text: next }] });
    expect((await published(other, 4)).diagnostics).toEqual([]);
  });

  it('keeps CRLF line breaks in inserted ignores, and counts positions per LSP', async () => {
    const doc = "SET lock_timeout = '2s';\r\n  CREATE INDEX users_email_idx ON users (email);\r\n";
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 5 }, contentChanges: [{ text: doc }] });
    const p = await published(other, 5);
    expect(p.diagnostics[0].range).toEqual({ start: { line: 1, character: 2 }, end: { line: 1, character: 47 } });
    const actions = await actionsAt(other, 1, 10);
    const stmt = actions.find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this statement')!;
    expect(stmt.edit.changes[other]).toEqual([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '  -- pgsafe-ignore require-concurrent-index-creation\r\n' }]);
    const file = actions.find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this file')!;
    expect(file.edit.changes[other][0].newText).toBe('-- pgsafe-ignore-file require-concurrent-index-creation\r\n');
  });

  it('reports syntax errors without dropping the other statements', async () => {
    const doc = 'CREATE INDEX ON;\nCREATE INDEX users_email_idx ON users (email);\n';
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 6 }, contentChanges: [{ text: doc }] });
    const p = await published(other, 6);
    expect(codes(p)).toEqual(['require-concurrent-index-creation', 'require-lock-timeout', 'syntax-error']);
    expect(p.diagnostics.find((d) => d.code === 'syntax-error')!.range.start.line).toBe(0);
  });

  it('re-lints open documents with new editor settings', async () => {
    client.notify('workspace/didChangeConfiguration', { settings: { pgsafe: { rules: only({ 'require-lock-timeout': 'off', 'require-concurrent-index-creation': 'warning' }) } } });
    const p = await published(other, 6);
    expect(codes(p)).toEqual(['require-concurrent-index-creation', 'syntax-error']);
    expect(p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!.severity).toBe(2);
  });

  it('removes unused ignores: one rule from a list, or the whole comment line', async () => {
    const u = fileUri('migrations', '0004_ignores.sql');
    const doc = [
      '-- pgsafe-ignore require-concurrent-index-creation, ban-drop-table: reviewed',
      'CREATE INDEX users_email_idx ON users (email);',
      '  -- pgsafe-ignore ban-drop-table',
      '  CREATE INDEX CONCURRENTLY users_name_idx ON users (name);',
      '',
    ].join('\n');
    client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'sql', version: 1, text: doc } });
    const p = await published(u, 1);
    expect(p.diagnostics.map((d) => [d.code, d.range.start.line, d.message])).toEqual([
      ['unused-ignore', 0, 'ignore for `ban-drop-table` suppresses nothing'],
      ['unused-ignore', 2, 'ignore for `ban-drop-table` suppresses nothing'],
    ]);
    const first = (await actionsAt(u, 0, 5)).map((a) => a.title);
    expect(first).toEqual(['Remove `ban-drop-table` from the ignore comment']);
    const [fromList] = await actionsAt(u, 0, 5);
    const [whole] = await actionsAt(u, 2, 5);
    expect(whole.title).toBe('Remove the unused ignore comment');
    const next = applyEdits(doc, [...fromList.edit.changes[u], ...whole.edit.changes[u]]);
    expect(next).toBe([
      '-- pgsafe-ignore require-concurrent-index-creation: reviewed',
      'CREATE INDEX users_email_idx ON users (email);',
      '  CREATE INDEX CONCURRENTLY users_name_idx ON users (name);',
      '',
    ].join('\n'));
    client.notify('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: next }] });
    expect((await published(u, 2)).diagnostics).toEqual([]);
  });

  it('reports inside DO blocks, hovers the inner statement, and puts the ignore above the DO', async () => {
    const u = fileUri('migrations', '0005_do.sql');
    const doc = ['DO $$', 'BEGIN', '  CREATE INDEX users_email_idx ON users (email);', 'END', '$$;', ''].join('\n');
    client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'sql', version: 1, text: doc } });
    const p = await published(u, 1);
    const idx = p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!;
    expect(idx.range).toEqual({ start: { line: 2, character: 2 }, end: { line: 2, character: 47 } });
    const h = await client.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 2, character: 30 } });
    expect(h.contents.value).toContain('- `SHARE` on "users": blocks writes');
    const ignore = (await actionsAt(u, 2, 5)).find((a) => a.title === 'Ignore `require-concurrent-index-creation` for this statement')!;
    expect(ignore.edit.changes[u][0].range.start).toEqual({ line: 0, character: 0 });
    client.notify('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: applyEdits(doc, ignore.edit.changes[u]) }] });
    expect(codes(await published(u, 2))).not.toContain('require-concurrent-index-creation');
  });

  it('lints unsaved buffers (no file path) too', async () => {
    const untitled = 'untitled:Untitled-1';
    client.notify('textDocument/didOpen', { textDocument: { uri: untitled, languageId: 'sql', version: 1, text: 'CREATE INDEX users_email_idx ON users (email);\n' } });
    const p = await published(untitled, 1);
    expect(codes(p)).toContain('require-concurrent-index-creation');
    client.notify('textDocument/didClose', { textDocument: { uri: untitled } });
  });

  it('clears diagnostics on close', async () => {
    client.notify('textDocument/didClose', { textDocument: { uri: other } });
    const p = await client.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === other && x.version === undefined);
    expect(p.diagnostics).toEqual([]);
  });

  describe('with a project config file', () => {
    const INDEX = 'CREATE INDEX users_email_idx ON users (email);\n';
    const project = fileUri('db', 'migrations', '0001_index.sql');
    const legacy = fileUri('db', 'migrations', 'legacy', '0001_old.sql');
    const dump = fileUri('db', 'structure.sql');
    const config = join(repo, 'pgsafe.config.json');
    const open = (u: string, text = INDEX) => client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'sql', version: 1, text } });

    it('lints with the nearest config file: its rules, overrides and excludes win over editor settings', async () => {
      writeFileSync(config, JSON.stringify({
        rules: { 'require-lock-timeout': 'off', 'require-concurrent-index-creation': 'info' },
        exclude: ['structure.sql'],
        overrides: [{ files: ['db/migrations/legacy/**'], rules: { 'require-concurrent-index-creation': 'off' } }],
      }));
      open(project);
      const p = await published(project, 1);
      expect(codes(p)).toEqual(['require-concurrent-index-creation']);
      expect(p.diagnostics[0].severity).toBe(3);
      open(legacy);
      expect((await published(legacy, 1)).diagnostics).toEqual([]);
      open(dump);
      expect((await published(dump, 1)).diagnostics).toEqual([]);
      // Excluded files still get hover facts.
      const h = await client.request('textDocument/hover', { textDocument: { uri: dump }, position: { line: 0, character: 3 } });
      expect(h.contents.value).toContain('- `SHARE` on "users": blocks writes');
    });

    it('re-lints when the config file changes', async () => {
      writeFileSync(config, JSON.stringify({ rules: { 'require-concurrent-index-creation': 'error', 'require-lock-timeout': 'warning' } }));
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(config).href, type: 2 }] });
      const p = await client.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === project && x.diagnostics.length === 2);
      expect(p.diagnostics.map((d) => [d.code, d.severity]).sort()).toEqual([['require-concurrent-index-creation', 1], ['require-lock-timeout', 2]]);
    });

    it('reports an invalid config file by name and key, and keeps linting with editor settings', async () => {
      writeFileSync(config, JSON.stringify({ rules: { 'require-concurrent-index-creaton': 'off' } }));
      client.notify('textDocument/didChange', { textDocument: { uri: project, version: 2 }, contentChanges: [{ text: INDEX }] });
      const msg = await client.waitFor<{ type: number; message: string }>('window/showMessage');
      expect(msg.type).toBe(1);
      expect(msg.message).toContain('pgsafe.config.json');
      expect(msg.message).toContain('rules.require-concurrent-index-creaton');
      // The editor's settings from the earlier didChangeConfiguration: lock-timeout off, index rule a warning.
      const p = await published(project, 2);
      expect(codes(p)).toEqual(['require-concurrent-index-creation']);
      expect(p.diagnostics[0].severity).toBe(2);
      rmSync(config);
    });
  });

  describe('with a migration framework in the config', () => {
    const project = (name: string, config: object) => {
      const dir = join(repo, name);
      mkdirSync(join(dir, '.git'), { recursive: true });
      writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify(config));
      return (...p: string[]) => fileUri(name, ...p);
    };
    const open = (u: string, text: string) => client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'sql', version: 1, text } });

    it('goose: lints the Up section inside goose\'s transaction, and the Down section as the rollback path', async () => {
      const at = project('goose', { framework: 'goose', rules: { 'ban-concurrent-index-creation-in-transaction': 'error', 'require-concurrent-index-deletion': 'error' } });
      const doc = [
        '-- +goose Up',
        'CREATE TABLE audit (id bigint);',
        'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
        '-- +goose Down',
        "SET lock_timeout = '2s';",
        'DROP INDEX users_email_idx;',
        '',
      ].join('\n');
      const u = at('migrations', '20240101_add_index.sql');
      open(u, doc);
      const p = await published(u, 1);
      expect(p.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
        ['ban-concurrent-index-creation-in-transaction', 2],
        ['require-concurrent-index-deletion', 5],
      ]);
      expect(p.diagnostics[1].message).toMatch(/\(rollback path\)$/);
      const h = await client.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 5, character: 3 } });
      expect(h.contents.value).toContain('- `ACCESS EXCLUSIVE` on "users": blocks reads and writes');
      // A file-wide ignore at the top does not reach the rollback path, so only the statement ignore is offered.
      const titles = (await actionsAt(u, 5, 3)).map((a) => a.title);
      expect(titles).toContain('Ignore `require-concurrent-index-deletion` for this statement');
      expect(titles).not.toContain('Ignore `require-concurrent-index-deletion` for this file');
      const ignore = (await actionsAt(u, 5, 3)).find((a) => a.title === 'Ignore `require-concurrent-index-deletion` for this statement')!;
      const next = applyEdits(doc, ignore.edit.changes[u]);
      expect(next.split('\n')[5]).toBe('-- pgsafe-ignore require-concurrent-index-deletion');
      client.notify('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: next }] });
      expect(codes(await published(u, 2))).toEqual(['ban-concurrent-index-creation-in-transaction']);
    });

    it('flyway: ranges, hover and ignores land on the file\'s own text around `${placeholders}`', async () => {
      const at = project('fly', { framework: 'flyway', placeholders: { schema: 'app' }, rules: { 'ban-drop-table': 'error' } });
      const doc = ["SET lock_timeout = '2s';", 'CREATE INDEX users_email_idx ON ${schema}.users (email);', ''].join('\n');
      const u = at('sql', 'V2__add_index.sql');
      open(u, doc);
      const p = await published(u, 1);
      expect(codes(p)).toEqual(['require-concurrent-index-creation']);
      // The original statement is 55 characters long; substituted ("app") it is 49.
      expect(p.diagnostics[0].range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 55 } });
      const h = await client.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 1, character: 50 } });
      expect(h.contents.value).toContain('- `SHARE` on "app.users": blocks writes');
      expect(h.contents.value).toContain('Runs inside a transaction');
      expect(h.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 55 } });
      const actions = await actionsAt(u, 1, 5);
      // Inside Flyway's transaction CONCURRENTLY is refused, so no fix is offered: only the ignores.
      expect(actions.map((a) => a.title)).toEqual(['Ignore `require-concurrent-index-creation` for this statement', 'Ignore `require-concurrent-index-creation` for this file']);
      const next = applyEdits(doc, actions[0].edit.changes[u]);
      expect(next.split('\n')[1]).toBe('-- pgsafe-ignore require-concurrent-index-creation');
      client.notify('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: next }] });
      expect((await published(u, 2)).diagnostics).toEqual([]);
      // An undo script is linted as the rollback path; a repeatable script is not a versioned migration.
      const undo = at('sql', 'U2__add_index.sql');
      open(undo, 'DROP TABLE app.users;\n');
      const u2 = await published(undo, 1);
      expect(codes(u2)).toEqual(['ban-drop-table']);
      expect(u2.diagnostics[0].message).toMatch(/\(rollback path\)$/);
      // A down file is linted whole, so a file-wide ignore at its top works there.
      const fileIgnore = (await actionsAt(undo, 0, 3)).find((a) => a.title === 'Ignore `ban-drop-table` for this file')!;
      client.notify('textDocument/didChange', { textDocument: { uri: undo, version: 2 }, contentChanges: [{ text: applyEdits('DROP TABLE app.users;\n', fileIgnore.edit.changes[undo]) }] });
      expect((await published(undo, 2)).diagnostics).toEqual([]);
      const repeatable = at('sql', 'R__views.sql');
      open(repeatable, 'DROP TABLE app.users;\n');
      expect((await published(repeatable, 1)).diagnostics).toEqual([]);
    });
  });

  describe('schema context', () => {
    const WIDEN = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n";

    it('reads earlier migrations into the schema model, as `pgsafe lint <dir>` does, preferring open buffers', async () => {
      const dir = join(repo, 'ctx');
      mkdirSync(join(dir, '.git'), { recursive: true });
      mkdirSync(join(dir, 'migrations'));
      mkdirSync(join(dir, 'alone'));
      writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify({ rules: { 'changing-column-type': 'error' } }));
      writeFileSync(join(dir, 'migrations', '0001_create.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n');
      // varchar(100) → varchar(200) is catalog-only, which pgsafe knows only from 0001.
      const widen = fileUri('ctx', 'migrations', '0002_widen.sql');
      client.notify('textDocument/didOpen', { textDocument: { uri: widen, languageId: 'sql', version: 1, text: WIDEN } });
      expect((await published(widen, 1)).diagnostics).toEqual([]);
      // The same migration with no history: the column's type is unknown, so it may rewrite.
      const alone = fileUri('ctx', 'alone', '0002_widen.sql');
      client.notify('textDocument/didOpen', { textDocument: { uri: alone, languageId: 'sql', version: 1, text: WIDEN } });
      const p = await published(alone, 1);
      expect(codes(p)).toEqual(['changing-column-type']);
      expect(p.diagnostics[0].message).toContain('its current type is unknown');
      // An unsaved edit of 0001 (email as text) counts: text → varchar(200) checks every row.
      const create = fileUri('ctx', 'migrations', '0001_create.sql');
      client.notify('textDocument/didOpen', { textDocument: { uri: create, languageId: 'sql', version: 1, text: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' } });
      await published(create, 1);
      client.notify('textDocument/didChange', { textDocument: { uri: widen, version: 2 }, contentChanges: [{ text: WIDEN }] });
      expect(codes(await published(widen, 2))).toEqual(['changing-column-type']);
    });

    it('re-lints open files when an earlier migration appears on disk', async () => {
      const dir = join(repo, 'watch');
      mkdirSync(join(dir, '.git'), { recursive: true });
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify({ rules: { 'changing-column-type': 'error' } }));
      const widen = fileUri('watch', 'migrations', '0002_widen.sql');
      client.notify('textDocument/didOpen', { textDocument: { uri: widen, languageId: 'sql', version: 1, text: WIDEN } });
      expect(codes(await published(widen, 1))).toEqual(['changing-column-type']);
      const created = join(dir, 'migrations', '0001_create.sql');
      writeFileSync(created, 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n');
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).href, type: 1 }] });
      const p = await client.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === widen && x.version === 1);
      expect(p.diagnostics).toEqual([]);
    });
  });

  it('agrees with `pgsafe lint <dir>` on every file, down migrations included', async () => {
    const dir = join(repo, 'agree');
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify({ framework: 'golang-migrate' }));
    const files: Record<string, string> = {
      '000001_create_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n',
      '000001_create_users.down.sql': 'DROP TABLE users;\n',
      '000002_widen.up.sql': "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);\nCREATE INDEX users_email_idx ON users (email);\n",
      '000002_widen.down.sql': 'DROP INDEX users_email_idx;\nALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n',
      '000003_name.up.sql': 'ALTER TABLE users ADD COLUMN name text NOT NULL;\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'migrations', name), text);
    const cli = await runCli(['lint', '--format', 'json', 'migrations'], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(1);
    const expected = new Map<string, string[]>();
    for (const f of JSON.parse(cli.stdout).files) {
      expected.set(f.path.split(/[\\/]/).pop(), f.findings.map((x: any) => `${x.rule} ${x.line - 1}:${x.column - 1}-${x.endLine - 1}:${x.endColumn - 1} ${x.severity} ${x.message}`).sort());
    }
    expect([...expected.values()].flat().length).toBeGreaterThan(10);
    // The editor settings so far turned most rules off: back to the defaults, as the CLI runs.
    client.notify('workspace/didChangeConfiguration', { settings: { pgsafe: { rules: {} } } });
    const SEV = ['', 'error', 'warning', 'info'];
    for (const [name, text] of Object.entries(files)) {
      const u = fileUri('agree', 'migrations', name);
      client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'sql', version: 1, text } });
      const p = await published(u, 1);
      const got = p.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${SEV[d.severity]} ${d.message}`).sort();
      expect({ name, findings: got }).toEqual({ name, findings: expected.get(name) ?? [] });
    }
  });

  it('shuts down and exits with code 0', async () => {
    expect(await client.request('shutdown', null)).toBeNull();
    client.notify('exit', null);
    expect(await client.exited).toEqual({ code: 0, signal: null });
  });
});
