// npm run bench: the speed table of the "Fast enough to be invisible" issue, measured the same way each time.
// Every comparison alternates its two commands (A B A B …) and reports the median of each and the median of the
// per-pair ratios, so a figure holds while the shared machine's speed drifts. It is a benchmark, not a test: it
// always exits 0 and prints what it could not measure.
//
// squawk (squawk-cli@2.66.0, a Rust binary shipped in npm) is installed on demand into node_modules/.cache/pgsafe-bench;
// it is not a devDependency because its lock entries for other platforms break `npm ci` on some registries.
// Flags: --runs N (repetitions of the short measures, default 9), --long-runs N (corpus and project, default 3),
// --no-squawk, --only <section,…> (corpus, project, single, hook, lsp, large, growth), --squawk-large.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'corpus');
const bin = join(root, 'bin', 'pgsafe.js');
const squawkDir = join(root, 'node_modules', '.cache', 'pgsafe-bench');
const squawk = join(squawkDir, 'node_modules', '.bin', 'squawk');
const argv = process.argv.slice(2);
const arg = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const RUNS = Number(arg('--runs', 9));
const LONG = Number(arg('--long-runs', 3));
const only = arg('--only', '') ? new Set(arg('--only', '').split(',')) : undefined;
const section = (name) => !only || only.has(name);

if (!argv.includes('--no-squawk') && !existsSync(squawk)) {
  console.log('installing squawk-cli@2.66.0 for comparison…');
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', squawkDir, 'squawk-cli@2.66.0'], { stdio: 'ignore' });
  if (r.status !== 0) console.log('could not install squawk-cli: comparisons with squawk skipped');
}
const hasSquawk = !argv.includes('--no-squawk') && existsSync(squawk);

const ms = (t) => (t >= 10_000 ? `${(t / 1000).toFixed(1)} s` : `${t.toFixed(0)} ms`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** Wall time of one process run; stdout discarded unless asked. */
function run(cmd, args, opts = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', opts.keep ? 'pipe' : 'ignore', 'pipe'], ...opts });
  const elapsed = performance.now() - t;
  if (r.status === null || (r.status > 1 && !opts.anyStatus)) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${r.status}: ${r.stderr?.slice(0, 300)}`);
  return { elapsed, stdout: r.stdout };
}

/** A and B in alternation, `n` pairs after one warm-up pair: medians and the median per-pair ratio A/B. */
function paired(a, b, n) {
  a(); b();
  const as = [];
  const bs = [];
  for (let i = 0; i < n; i++) { as.push(a()); bs.push(b()); }
  const ratios = as.map((x, i) => x / bs[i]);
  return { a: median(as), b: median(bs), ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}
const ratioText = (p) => `${p.ratio.toFixed(2)}× (pairs ${p.min.toFixed(2)}–${p.max.toFixed(2)})`;

function sqlFiles(dir, out = []) {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sqlFiles(p, out);
    else if (n.endsWith('.sql')) out.push(p);
  }
  return out;
}

const table = [];
const row = (measure, pgsafe, other, goal) => table.push({ measure, pgsafe, other, goal });

console.log(`pgsafe bench: node ${process.version}${hasSquawk ? ', ' + spawnSync(squawk, ['--version'], { encoding: 'utf8' }).stdout.trim() : ''}; load average ${load()} at the start`);
console.log(`runs: ${RUNS} (short measures), ${LONG} (corpus and project)\n`);

function safely(name, fn) {
  if (!section(name)) return;
  try {
    fn();
  } catch (err) {
    console.log(`${name}: not measured (${err.message.split('\n')[0]})`);
  }
}

// 1. The whole corpus through the CLI, against squawk on the same files.
safely('corpus', () => {
  if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus}`);
  const paths = sqlFiles(corpus);
  const a = () => run(process.execPath, [bin, 'lint', corpus, '--format', 'json', '--fail-on', 'never']).elapsed;
  if (!hasSquawk) { const t = median(Array.from({ length: LONG }, a)); console.log(`corpus (${paths.length} files), CLI: ${ms(t)}`); row('corpus, CLI', ms(t), '–', '≤ 1.5× squawk'); return; }
  const p = paired(a, () => run(squawk, ['--reporter', 'json', ...paths], { anyStatus: true }).elapsed, LONG);
  console.log(`corpus (${paths.length} files), CLI: pgsafe ${ms(p.a)}, squawk ${ms(p.b)} → ${ratioText(p)}`);
  row(`corpus (${paths.length} files), CLI`, `${ratioText(p)} squawk's time`, ms(p.b), '≤ 1.5× now, 1.0× next');
});

// 2. One project with a long history (lemmy, 342 files).
safely('project', () => {
  const dir = join(corpus, 'lemmy');
  if (!existsSync(dir)) throw new Error('no lemmy in the corpus');
  const paths = sqlFiles(dir);
  const a = () => run(process.execPath, [bin, 'lint', dir, '--format', 'json', '--fail-on', 'never']).elapsed;
  if (!hasSquawk) { const t = median(Array.from({ length: LONG }, a)); row('one project (lemmy), CLI', ms(t), '–', '≤ 1.5× squawk'); return; }
  const p = paired(a, () => run(squawk, ['--reporter', 'json', ...paths], { anyStatus: true }).elapsed, LONG);
  console.log(`lemmy (${paths.length} files): pgsafe ${ms(p.a)}, squawk ${ms(p.b)} → ${ratioText(p)}`);
  row(`one project (lemmy, ${paths.length} files)`, `${ms(p.a)} (${ratioText(p)})`, ms(p.b), '≤ 1.5× squawk');
});

// 3. One file: the pre-commit case, over a bare `node -e 0`.
const single = join(root, 'fixtures/plain/unsafe-add-index.sql');
safely('single', () => {
  const p = paired(() => run(process.execPath, [bin, 'lint', single, '--fail-on', 'never']).elapsed, () => run(process.execPath, ['-e', '0']).elapsed, RUNS);
  let sq = '–';
  if (hasSquawk) sq = ms(median(Array.from({ length: RUNS }, () => run(squawk, [single], { anyStatus: true }).elapsed)));
  console.log(`one file: pgsafe ${ms(p.a)}, node -e 0 ${ms(p.b)} → +${ms(p.a - p.b)} (ratio ${ratioText(p)}); squawk ${sq}`);
  row('one file, over a bare `node -e 0`', `+${ms(p.a - p.b)}`, sq, '≤ +60 ms');
});

// 4. `git commit` with one staged migration through the hook `pgsafe init --hook` writes.
safely('hook', () => {
  const repo = mkdtempSync(join(tmpdir(), 'pgsafe-bench-hook-'));
  try {
    const git = (...a) => { const r = spawnSync('git', a, { cwd: repo, encoding: 'utf8' }); if (r.status !== 0) throw new Error(`git ${a[0]}: ${r.stderr}`); };
    git('init', '-q');
    git('config', 'user.email', 'bench@example.com');
    git('config', 'user.name', 'bench');
    mkdirSync(join(repo, 'migrations'));
    // pgsafe as a local devDependency would be: node_modules/.bin/pgsafe.
    mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(bin, join(repo, 'node_modules', '.bin', 'pgsafe'));
    writeFileSync(join(repo, 'migrations', '001_init.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
    git('add', '.');
    git('commit', '-q', '-m', 'init', '--no-verify');
    const init = spawnSync(process.execPath, [bin, 'init', '--hook'], { cwd: repo, encoding: 'utf8', env: { ...process.env, PATH: `${join(repo, 'node_modules', '.bin')}:${process.env.PATH}` } });
    if (init.status !== 0) throw new Error(`pgsafe init --hook exited ${init.status}: ${init.stderr.trim()}`);
    let k = 2;
    const env = { ...process.env, PATH: `${join(repo, 'node_modules', '.bin')}:${process.env.PATH}` };
    const commit = (verify) => () => {
      const name = `${String(k++).padStart(3, '0')}_add_col.sql`;
      writeFileSync(join(repo, 'migrations', name), `ALTER TABLE users ADD COLUMN c${k} text;\n`);
      git('add', '.');
      return run('git', ['commit', '-q', '-m', name, ...(verify ? [] : ['--no-verify'])], { cwd: repo, env }).elapsed;
    };
    const p = paired(commit(true), commit(false), RUNS);
    console.log(`git commit through the init --hook hook: ${ms(p.a)}, without the hook ${ms(p.b)} → hook adds ${ms(p.a - p.b)}`);
    row('`git commit` through `init --hook`, one migration', ms(p.a), `${ms(p.b)} without hook`, '≤ 300 ms');
    const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    if (preCommit.status !== 0) console.log('pre-commit framework not installed: its hook path not measured');
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

// 5. The language server: time to the first diagnostics of the newest migration of a 342-file history.
async function lspFirstDiagnostics(dir, file) {
  const t = performance.now();
  const proc = spawn(process.execPath, [bin, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (msg) => { const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg })); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); };
  const uri = pathToFileURL(file).href;
  return await new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { proc.kill(); reject(new Error('no diagnostics within 60 s')); }, 60_000);
    proc.stdout.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const len = Number(/Content-Length: *(\d+)/i.exec(buf.subarray(0, h).toString())?.[1]);
        if (buf.length < h + 4 + len) return;
        const msg = JSON.parse(buf.subarray(h + 4, h + 4 + len).toString());
        buf = buf.subarray(h + 4 + len);
        if (msg.id === 1 && msg.result) {
          send({ method: 'initialized', params: {} });
          send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'sql', version: 1, text: readFileSync(file, 'utf8') } } });
        } else if (msg.method && msg.id !== undefined) send({ id: msg.id, result: null });
        else if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri) {
          clearTimeout(timer);
          const elapsed = performance.now() - t;
          send({ id: 2, method: 'shutdown' });
          send({ method: 'exit' });
          setTimeout(() => proc.kill(), 500).unref();
          resolve(elapsed);
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }] } });
  });
}
if (section('lsp')) {
  try {
    const dir = join(corpus, 'lemmy');
    if (!existsSync(dir)) throw new Error('no lemmy in the corpus');
    const files = sqlFiles(join(dir, 'migrations')).filter((p) => p.endsWith('up.sql'));
    const last = files[files.length - 1];
    const small = mkdtempSync(join(tmpdir(), 'pgsafe-bench-lsp-'));
    cpSync(join(root, 'fixtures/plain/unsafe-add-index.sql'), join(small, '001.sql'));
    const times = { small: [], big: [] };
    for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
      times.small.push(await lspFirstDiagnostics(small, join(small, '001.sql')));
      times.big.push(await lspFirstDiagnostics(dir, last));
    }
    rmSync(small, { recursive: true, force: true });
    console.log(`LSP first diagnostics: one-file repo ${ms(median(times.small))}, lemmy's newest migration with ${files.length - 1} earlier ${ms(median(times.big))}`);
    row('LSP, first diagnostics', `${ms(median(times.small))} (small repo), ${ms(median(times.big))} (${relative(dir, last)}, ${files.length - 1} earlier)`, '–', '≤ 300 ms with 342 earlier files');
  } catch (err) {
    console.log(`lsp: not measured (${err.message.split('\n')[0]})`);
  }
}

// 6. A 50,000-statement file in every format.
const synthetic = (n) => {
  const kinds = [
    (i) => `CREATE INDEX idx_${i} ON t${i % 97} (c${i % 7});`,
    (i) => `ALTER TABLE t${i % 97} ADD COLUMN c${i} int DEFAULT ${i};`,
    (i) => `ALTER TABLE t${i % 97} ADD CONSTRAINT fk_${i} FOREIGN KEY (a) REFERENCES p (id);`,
    (i) => `UPDATE t${i % 97} SET a = ${i} WHERE id = ${i};`,
    (i) => `-- comment ${i}\nSELECT ${i};`,
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length](i)).join('\n') + '\n';
};
const work = mkdtempSync(join(tmpdir(), 'pgsafe-bench-'));
safely('large', () => {
  const big = join(work, 'big.sql');
  writeFileSync(big, synthetic(50_000));
  console.log(`\n50,000-statement file (${(statSync(big).size / 1e6).toFixed(1)} MB):`);
  const worst = [];
  for (const format of ['pretty', 'json', 'sarif', 'github', 'gcc', 'markdown', 'junit', 'gitlab']) {
    const r = run(process.execPath, [bin, 'lint', big, '--format', format, '--fail-on', 'never'], { keep: true });
    worst.push(r.elapsed);
    console.log(`  ${format.padEnd(9)} ${ms(r.elapsed).padStart(9)}  (${(r.stdout.length / 1e6).toFixed(1)} MB of output)`);
  }
  row('a 50,000-statement file, slowest format', ms(Math.max(...worst)), '–', '< 2 s in every format');
  if (hasSquawk && argv.includes('--squawk-large')) console.log(`  squawk (default output) ${ms(run(squawk, [big], { anyStatus: true }).elapsed)}`);
});

// 7. Growth: time should grow linearly in files and statements.
safely('growth', () => {
  const lines = ['\ngrowth (CLI, json):'];
  const projects = existsSync(corpus) ? readdirSync(corpus).filter((p) => statSync(join(corpus, p)).isDirectory()).sort() : [];
  if (projects.length >= 8) {
    for (const k of [1, 2, 4, 8]) {
      const dirs = projects.slice(0, k).map((p) => join(corpus, p));
      const n = dirs.reduce((a, d) => a + sqlFiles(d).length, 0);
      const t = median(Array.from({ length: LONG }, () => run(process.execPath, [bin, 'lint', ...dirs, '--format', 'json', '--fail-on', 'never']).elapsed));
      lines.push(`  ${k} project(s), ${n} files: ${ms(t)} (${(t / n).toFixed(2)} ms/file)`);
    }
  }
  for (const n of [10_000, 20_000, 40_000, 80_000]) {
    const f = join(work, `g${n}.sql`);
    writeFileSync(f, synthetic(n));
    const t = median(Array.from({ length: LONG }, () => run(process.execPath, [bin, 'lint', f, '--format', 'json', '--fail-on', 'never']).elapsed));
    lines.push(`  ${n.toLocaleString('en-US')} statements: ${ms(t)} (${((t / n) * 1000).toFixed(0)} µs/statement)`);
  }
  console.log(lines.join('\n'));
});
rmSync(work, { recursive: true, force: true });

console.log(`\n| measure | pgsafe | squawk / other | goal |\n| --- | --- | --- | --- |`);
for (const r of table) console.log(`| ${r.measure} | ${r.pgsafe} | ${r.other} | ${r.goal} |`);
console.log(`\nload average ${load()} at the end (2 cores: above 2 the figures are inflated; compare ratios, not times)`);
