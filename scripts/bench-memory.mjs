#!/usr/bin/env node
// npm run bench:memory — peak memory and time of pgsafe on very large inputs (issue 17 §4 "Scale figures"). A
// benchmark, not a test: it prints figures and always exits 0.
//   cli  `pgsafe lint big.sql --format F` for each format: max resident set size (from /usr/bin/time -v when
//        present, else the child's own peak from /proc) and wall/CPU time.
//   lsp  the language server: a document of --lsp-mb MB opened (time to its diagnostics, peak RSS), then 1,000
//        rapid edits (RSS before and after, the version the last diagnostics are for).
// The input is real migrations (the repository's fixtures, and ../shared/corpus when present) repeated to size.
// Flags: --mb N (CLI file size, default 50), --lsp-mb N (default 10), --formats a,b (default all), --only cli|lsp.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'pgsafe.js');
const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const MB = Number(arg('--mb', 50));
const LSP_MB = Number(arg('--lsp-mb', 10));
const only = arg('--only', '');
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

function sqlFiles(dir, out) {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sqlFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.sql')) out.push(p);
  }
  return out;
}

/** Real migrations, concatenated and repeated until `bytes` long. */
export function bigSql(bytes) {
  const files = [...sqlFiles(join(root, 'fixtures'), []), ...sqlFiles(join(root, '..', 'shared', 'corpus'), [])].sort();
  const texts = [];
  for (const f of files) {
    try {
      const t = readFileSync(f, 'utf8');
      if (!t.includes('\0')) texts.push(t.endsWith('\n') ? t : t + '\n');
    } catch { /* unreadable: skip */ }
  }
  const parts = [];
  let size = 0;
  while (size < bytes) {
    for (const t of texts) {
      parts.push(t);
      size += Buffer.byteLength(t);
      if (size >= bytes) break;
    }
  }
  return parts.join('');
}

/** Peak RSS (kB) of a process from /proc, while it is alive. */
function hwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}
function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}

function cli(file) {
  const formats = arg('--formats', '') ? arg('--formats', '').split(',') : ['json', 'pretty', 'sarif', 'gitlab', 'junit', 'github', 'gcc', 'markdown'];
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  console.log(`cli: ${(statSync(file).size / 1048576).toFixed(1)} MB file, load ${load()}`);
  for (const format of formats) {
    const args = [bin, 'lint', '--no-config', '--fail-on', 'never', '--format', format, file];
    const t0 = performance.now();
    const r = time
      ? spawnSync(time, ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = (performance.now() - t0) / 1000;
    const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '')?.[1];
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '')?.[1];
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '')?.[1];
    const status = /Exit status: (\d+)/.exec(r.stderr ?? '')?.[1] ?? r.status;
    console.log(`  ${format.padEnd(9)} exit ${status}  max RSS ${peak ? `${(Number(peak) / 1024).toFixed(0)} MB` : 'n/a'}  wall ${wall.toFixed(1)} s  cpu ${user ? (Number(user) + Number(sys)).toFixed(1) + ' s' : 'n/a'}  (load ${load()})`);
  }
}

/** Just enough JSON-RPC over stdio for the measures below (the tests' client is test/lsp/client.ts). */
function rpc(proc) {
  let buf = Buffer.alloc(0);
  let id = 0;
  const pending = new Map();
  const inbox = [];
  const waiters = [];
  const send = (m) => { const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m })); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); };
  proc.stdout.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: *(\d+)/i.exec(buf.subarray(0, end).toString())[1]);
      if (buf.length < end + 4 + len) return;
      const msg = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString());
      buf = buf.subarray(end + 4 + len);
      if (msg.method === undefined) { pending.get(msg.id)?.(msg.result); pending.delete(msg.id); continue; }
      if (msg.id !== undefined) { send({ id: msg.id, result: null }); continue; }
      const w = waiters.findIndex((x) => x.method === msg.method && x.accept(msg.params));
      if (w >= 0) waiters.splice(w, 1)[0].resolve(msg.params);
      else inbox.push(msg);
    }
  });
  return {
    proc,
    exited: new Promise((r) => proc.on('exit', r)),
    request: (method, params) => new Promise((resolve) => { pending.set(++id, resolve); send({ id, method, params }); }),
    notify: (method, params) => send({ method, params }),
    unread: (method) => inbox.filter((m) => m.method === method).map((m) => m.params),
    waitFor: (method, accept, ms) => new Promise((resolve, reject) => {
      const i = inbox.findIndex((m) => m.method === method && accept(m.params));
      if (i >= 0) { resolve(inbox.splice(i, 1)[0].params); return; }
      const t = setTimeout(() => reject(new Error(`no ${method} within ${ms} ms`)), ms);
      waiters.push({ method, accept, resolve: (p) => { clearTimeout(t); resolve(p); } });
    }),
  };
}

async function lsp(text) {
  const client = rpc(spawn(process.execPath, [bin, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] }));
  try {
    await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 20 } });
    client.notify('initialized', {});
    const idle = rss(client.proc.pid);
    const uri = 'untitled:big.sql';
    const t0 = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const first = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri, 600_000);
    const openS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
    const hoverMs = performance.now() - t1;
    console.log(`lsp: ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB document: diagnostics (${first.diagnostics.length}) after ${openS.toFixed(1)} s, hover ${hover ? 'answered' : 'null'} in ${hoverMs.toFixed(0)} ms; RSS idle ${(idle / 1024).toFixed(0)} MB, peak ${(hwm(client.proc.pid) / 1024).toFixed(0)} MB, now ${(rss(client.proc.pid) / 1024).toFixed(0)} MB (load ${load()})`);
    client.notify('textDocument/didClose', { textDocument: { uri } });
    const small = 'untitled:rapid.sql';
    const base = bigSql(200_000);
    client.notify('textDocument/didOpen', { textDocument: { uri: small, languageId: 'sql', version: 1, text: base } });
    await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === small && p.version === 1, 600_000);
    const before = rss(client.proc.pid);
    const t2 = performance.now();
    for (let v = 2; v <= 1001; v++) {
      client.notify('textDocument/didChange', { textDocument: { uri: small, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `-- edit ${v}\n` }] });
    }
    const last = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === small && p.version === 1001, 600_000);
    const editS = (performance.now() - t2) / 1000;
    console.log(`lsp: 1,000 rapid edits of a ${(base.length / 1000).toFixed(0)} kB document: last diagnostics for version ${last.version} after ${editS.toFixed(1)} s; lints run ${client.unread('textDocument/publishDiagnostics').filter((p) => p.uri === small).length + 1}; RSS before ${(before / 1024).toFixed(0)} MB, after ${(rss(client.proc.pid) / 1024).toFixed(0)} MB, peak ${(hwm(client.proc.pid) / 1024).toFixed(0)} MB (load ${load()})`);
    await client.request('shutdown', null);
    client.notify('exit', null);
    await client.exited;
  } finally {
    if (client.proc.exitCode === null) client.proc.kill();
  }
}

if (!existsSync(join(root, 'dist', 'bundle', 'main.cjs'))) {
  console.log('bench:memory: dist/ is missing; run `npm run build` first');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-bench-memory-'));
  try {
    if (only !== 'lsp') {
      const file = join(dir, 'big.sql');
      writeFileSync(file, bigSql(MB * 1048576));
      cli(file);
    }
    if (only !== 'cli') await lsp(bigSql(LSP_MB * 1048576));
  } catch (err) {
    console.log(`bench:memory: ${err?.stack ?? err}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
