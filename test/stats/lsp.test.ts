// The language server reads the config's `stats` snapshot: hover shows size, traffic and the estimate.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LspClient } from '../lsp/client.js';

const root = join(import.meta.dirname, '..', '..');
const repo = mkdtempSync(join(tmpdir(), 'pgsafe-stats-lsp-'));
mkdirSync(join(repo, '.git'));
mkdirSync(join(repo, 'migrations'));
writeFileSync(join(repo, 'migrations', '0001_base.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);\n');
writeFileSync(join(repo, 'pgsafe-stats.json'), JSON.stringify({
  pgsafeStats: 1, takenAt: '2026-12-02T12:00:00Z', server: { version: '15.18', major: 15, maxConnections: 100 }, sampleSeconds: 10,
  tables: [{ schema: 'public', name: 'orders', rows: 48_000_000, heapBytes: 5.5e9, indexBytes: 1e9, toastBytes: 0, indexes: [], traffic: { readsPerSec: 900, writesPerSec: 350 } }],
}));
writeFileSync(join(repo, 'pgsafe.config.json'), JSON.stringify({ stats: 'pgsafe-stats.json' }));

interface Published { uri: string; version?: number; diagnostics: { code: string; severity: number }[] }

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('pgsafe lsp with a stats snapshot', () => {
  it('hovers the finding with size, traffic and estimated blocking; severity follows the estimate', async () => {
    const client = new LspClient(process.execPath, ['bin/pgsafe.js', 'lsp', '--stdio'], root);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(repo).href, capabilities: {}, initializationOptions: { debounceMs: 50 } });
      client.notify('initialized', {});
      const uri = pathToFileURL(join(repo, 'migrations', '0002_index.sql')).href;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: 'CREATE INDEX orders_created_idx ON orders (created_at);\n' } });
      const p = await client.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === uri && x.version === 1);
      expect(p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!.severity).toBe(1);
      const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 5 } });
      expect(h.contents.value).toMatch(/⏱ est\. [\d.]+–[\d.]+ min of blocked writes on "orders" \(48M rows, 6\.\d GB; ~350 writes\/s queue behind it\)/);
    } finally {
      client.proc.kill();
    }
  }, 30_000);
});
