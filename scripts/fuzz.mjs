#!/usr/bin/env node
// Fuzzes pgsafe: mutates real migrations (the repository's fixtures, and the shared corpus when present) and random
// bytes, lints each result in process, and checks pgsafe's promises (docs/fuzzing.md):
//   - no exception, no "internal error", no stack trace or JavaScript error text in any finding;
//   - no input takes over 10 s (a watchdog thread kills a hung run and keeps the input);
//   - `--format json` output parses;
//   - a file holding a known-dangerous statement after the mutation point is never reported clean;
//   - a secret planted by a mutation appears in no output (after the CLI's output masking).
// A bounded number of inputs also go through the real CLI (exit code 0/1, JSON on stdout).
// A failing input is saved under test/robust/fuzz-fixtures/ and replayed by test/robust/fuzz-fixtures.test.ts.
//
//   npm run fuzz                          # the CI slice: 20,000 inputs, fixed seed
//   npm run fuzz -- --count 100000 --seed random --corpus ../shared/corpus   # the release run
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HANG_MS = 10_000;
export const SENTINEL = 'DROP TABLE fuzz_sentinel;';

function options(argv) {
  const o = { count: 20_000, seed: 1, spawns: 20, corpus: undefined, out: join(root, 'test/robust/fuzz-fixtures'), report: undefined, quiet: false, maxSeedBytes: 6000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--count') o.count = Number(v());
    else if (a === '--seed') { const s = v(); o.seed = s === 'random' ? (Date.now() % 2 ** 31) : Number(s); }
    else if (a === '--spawns') o.spawns = Number(v());
    else if (a === '--corpus') o.corpus = resolve(v());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--report') o.report = resolve(v());
    else if (a === '--max-seed-bytes') o.maxSeedBytes = Number(v());
    else if (a === '--quiet') o.quiet = true;
    else throw new Error(`fuzz: unknown option ${a}`);
  }
  if (!o.corpus && existsSync(join(root, '../shared/corpus'))) o.corpus = resolve(root, '../shared/corpus');
  return o;
}

// ---- deterministic randomness -------------------------------------------------------------------------------
function prng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

// ---- seeds --------------------------------------------------------------------------------------------------
const BUILTIN = [
  "CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN note text DEFAULT 'x' NOT NULL;\n",
  "BEGIN;\nALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\nCOMMIT;\n",
  "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0)';\n  UPDATE a SET x = 1;\nEND\n$$;\n",
  "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN NEW.updated_at = now(); RETURN NEW; END $fn$;\n",
  "-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE t;\n",
  "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);\nCREATE UNIQUE INDEX CONCURRENTLY u ON t (a) WHERE b IS NOT NULL;\n",
  "SET lock_timeout = '2s';\nALTER TABLE \"Weird \"\"Name\"\"\" RENAME COLUMN a TO b;\nCOMMENT ON TABLE t IS E'multi\\nline \\' quote';\n",
];

function listSql(dir, out, limit) {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    if (out.length >= limit) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) listSql(p, out, limit);
    else if (e.isFile() && /\.sql$/i.test(e.name)) out.push(p);
  }
}

function loadSeeds(o) {
  const files = [];
  listSql(join(root, 'fixtures'), files, 1000);
  if (o.corpus) listSql(o.corpus, files, 5000);
  const seeds = [...BUILTIN];
  for (const f of files) {
    try {
      if (statSync(f).size > o.maxSeedBytes) continue;
      const t = readFileSync(f, 'utf8');
      if (t.trim()) seeds.push(t);
    } catch { /* unreadable seed: skip */ }
  }
  return seeds;
}

// ---- mutations ----------------------------------------------------------------------------------------------
// Each returns { text } or { bytes } (bytes go through the decoder, as a file read does), and where it cut.
const SNIPPETS = ["'", '"', '$$', '$tag$', '/*', '*/', '--', "E'", "E'\\'", "U&'", ';', ';;', '(', ')', 'BEGIN;', 'COMMIT;', 'ROLLBACK;', 'END;', '\\', '$1', ':var', "''", 'BEGIN ATOMIC', 'CASE'];
const UNICODE = ['é', 'e\u0301', 'ñ', '日本語', '\u202e', '\u200f', 'עברית', '🐘', '👩‍👩‍👧', '\u00a0', '\u2028', '\ufeff', 'Ω', '\u0000', '\ud800', '\udfff'];

export const CLASSES = {
  truncate: (t, r) => { const at = r.int(t.length + 1); return { text: t.slice(0, at), at }; },
  byteflip: (t, r) => {
    const b = Buffer.from(t, 'utf8');
    const n = 1 + r.int(4);
    let at = b.length;
    for (let k = 0; k < n && b.length; k++) { const i = r.int(b.length); at = Math.min(at, i); b[i] ^= 1 << r.int(8); }
    return { bytes: b, at: charAt(b, at) };
  },
  quote: (t, r) => insert(t, r, r.pick(["'", '"', "''", "'''"])),
  dollar: (t, r) => insert(t, r, r.pick(['$$', '$a$', '$tag$', '$$ $x$', '$1$'])),
  comment: (t, r) => insert(t, r, r.pick(['/*', '*/', '--', '/* /* */', '-- pgsafe-ignore', '--\r'])),
  estring: (t, r) => insert(t, r, r.pick(["E'", "E'\\'", "E'\\\\'", "e'\\x41'", "U&'\\0041'", "U&'d!0061ta' UESCAPE '!'"])),
  semicolon: (t, r) => insert(t, r, r.pick([';', ';;', ' ; ', ';\n;'])),
  txn: (t, r) => insert(t, r, r.pick(['BEGIN;', 'COMMIT;', 'ROLLBACK;', 'START TRANSACTION;', 'SAVEPOINT s;', 'END;', 'BEGIN ISOLATION LEVEL SERIALIZABLE;'])),
  splice: (t, r, seeds) => { const o = r.pick(seeds); const a = r.int(t.length + 1); const b = r.int(o.length + 1); return { text: t.slice(0, a) + o.slice(b), at: a }; },
  unicode: (t, r) => insert(t, r, r.pick(UNICODE.filter((u) => u !== '\u0000' && !/[\ud800-\udfff]/.test(u)))),
  nul: (t, r) => { const at = r.int(t.length + 1); return { bytes: Buffer.from(t.slice(0, at) + '\u0000' + t.slice(at), 'utf8'), at }; },
  surrogate: (t, r) => insert(t, r, r.pick(['\ud800', '\udfff', '\udbff\udbff', '\udc00x'])),
  invalidUtf8: (t, r) => {
    const at = r.int(t.length + 1);
    const bad = r.pick([[0xff], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]);
    return { bytes: Buffer.concat([Buffer.from(t.slice(0, at), 'utf8'), Buffer.from(bad), Buffer.from(t.slice(at), 'utf8')]), at };
  },
  utf16: (t) => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]), at: 0 }),
  crlf: (t) => ({ text: t.replace(/\r?\n/g, '\r\n'), at: t.length }),
  cr: (t) => ({ text: t.replace(/\r?\n/g, '\r'), at: t.length }),
  minify: (t) => ({ text: t.replace(/--[^\n]*/g, '').replace(/\s*\n\s*/g, ' '), at: 0 }),
  deep: (t, r) => {
    const n = r.pick([100, 1000, 2500, 5000, 20000]);
    const kind = r.int(4);
    const s = kind === 0 ? 'SELECT 1' + '+1'.repeat(n) : kind === 1 ? 'SELECT ' + '('.repeat(n) + '1' + ')'.repeat(n) : kind === 2 ? 'SELECT ' + '(SELECT '.repeat(n) + '1' + ')'.repeat(n) : "SELECT 'a'" + "||'a'".repeat(n);
    return insertAt(t, r, s + ';\n');
  },
  paren: (t, r) => insert(t, r, r.pick(['(', '((', ')', '(;', '[', 'ARRAY['])),
  doBlock: (t, r) => {
    const body = t.replace(/\$\$/g, '$x$');
    const kind = r.int(5);
    const wrapped = kind === 0 ? `DO $$ BEGIN ${body} END $$;` : kind === 1 ? `DO $$ BEGIN EXECUTE E'${body.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'; END $$;`
      : kind === 2 ? `DO $$ BEGIN EXECUTE '${body.replace(/'/g, "''")}'; END $$;` : kind === 3 ? `DO LANGUAGE plpython3u $$ ${body} $$;` : `DO $a$ BEGIN EXECUTE $b$ DO $c$ BEGIN ${body} END $c$ $b$; END $a$;`;
    return { text: wrapped, at: 0 };
  },
  marker: (t, r) => insert(t, r, '\n' + r.pick(['-- +goose Down', '-- +goose Up', '-- migrate:down', '-- migrate:up', '-- +migrate Down', '-- +goose StatementBegin', '-- +goose NO TRANSACTION', '-- !Ups', '-- +unknown Marker']) + '\n'),
  secret: (t, r) => {
    const secret = 'Zq' + Math.floor(r.next() * 2 ** 40).toString(36) + 'X9';
    const shape = r.pick([
      `CREATE ROLE app LOGIN PASSWORD '${secret}';`,
      `ALTER ROLE app PASSWORD '${secret}`,
      `CREATE ROLE app PASSWORD ${secret};`,
      `UPDATE accounts SET dsn = 'host=db user=bob password=${secret}';`,
      `CREATE INDEX i ON t (a) WHERE dsn <> 'postgresql://bob:${secret}@db/x';`,
      `DO $$ BEGIN EXECUTE format('ALTER ROLE x PASSWORD %L', '${secret}'); END $$;`,
      `DO $$ BEGIN EXECUTE 'ALTER ROLE y PASSWORD ''${secret}'''; END $$;`,
      `ALTER ROLE z PASSWORD E'${secret}';`,
      `ALTER ROLE v PASSWORD $p$${secret}$p$;`,
      `-- pgsafe-ignore ban-plaintext-secret\nCREATE ROLE a PASSWORD '${secret}'; CREATE INDEX j ON t (b);`,
    ]);
    return { ...insertAt(t, r, shape + '\n'), secret };
  },
  random: (_t, r) => {
    const n = r.int(400);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = r.next() < 0.7 ? 32 + r.int(95) : r.int(256);
    return { bytes: b, at: 0 };
  },
};

function insert(t, r, s) {
  const at = r.int(t.length + 1);
  return { text: t.slice(0, at) + s + t.slice(at), at };
}

/** Inserts at a line start (whole statements stay whole). */
function insertAt(t, r, s) {
  const starts = [0];
  for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = r.pick(starts);
  return { text: t.slice(0, at) + s + t.slice(at), at };
}

function charAt(buf, byte) {
  return buf.subarray(0, byte).toString('utf8').length;
}

// ---- checks -------------------------------------------------------------------------------------------------
const LEAK = /internal error|\n\s+at |Maximum call stack|table index is out of bounds|RuntimeError|TypeError|ReferenceError|undefined is not|Cannot read prop/;

async function engine() {
  const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
  if (!existsSync(join(root, 'dist/src/engine/engine.js'))) throw new Error('fuzz: dist/ is missing; run `npm run build` first');
  const [{ lintSync }, { rules }, { initParser, decodeSource }, { reporters }] = await Promise.all([
    import(dist('src/engine/engine.js')), import(dist('rules/index.js')), import(dist('src/source/index.js')), import(dist('src/report/index.js')),
  ]);
  await initParser();
  return { lintSync, rules, decodeSource, reporters };
}

/** Lints one mutated input; returns the reason it failed, or undefined. */
export function check(e, input, name) {
  const text0 = input.text !== undefined ? input.text : undefined;
  let lintInput;
  if (input.bytes) {
    const d = e.decodeSource(input.bytes);
    lintInput = d.ok ? { path: name, text: d.text } : { path: name, error: d.message };
  } else {
    lintInput = { path: name, text: text0 };
  }
  const full = lintInput.text !== undefined ? lintInput.text + '\n;\n' + SENTINEL + '\n' : undefined;
  if (full !== undefined) lintInput.text = full;
  let results;
  try {
    results = e.lintSync([lintInput], { rules: e.rules, pgVersion: 15, assumeInTransaction: false });
  } catch (err) {
    return `lint threw: ${err?.stack ?? err}`;
  }
  const r = results[0];
  for (const f of r.findings) {
    if (LEAK.test(f.message) || (f.help && LEAK.test(f.help))) return `finding leaks an internal error: [${f.rule}] ${f.message}`;
    if (!(f.line >= 1 && f.column >= 1)) return `finding without a valid position: [${f.rule}] ${f.line}:${f.column}`;
  }
  let json;
  try {
    json = e.reporters.json({ files: results, rules: e.rules, color: false, cwd: root });
    JSON.parse(json);
  } catch (err) {
    return `json output does not parse: ${err?.message ?? err}`;
  }
  if (full !== undefined && r.findings.length === 0) return 'clean result for a file holding a DROP TABLE after the mutation point';
  if (input.secret) {
    // What reporters render, before the CLI's own output masking: the engine must already have hidden it.
    for (const fmt of ['pretty', 'json', 'sarif', 'gitlab', 'junit']) {
      const out = fmt === 'json' ? json : e.reporters[fmt]({ files: results, rules: e.rules, color: false, cwd: root });
      if (out.includes(input.secret)) return `secret ${input.secret} printed in ${fmt} output`;
    }
  }
  return undefined;
}

// ---- the worker: runs inputs, tells the main thread what it is about to run --------------------------------
async function worker() {
  const { o, from } = workerData;
  const e = await engine();
  const r = prng(o.seed);
  const seeds = loadSeeds(o);
  const names = Object.keys(CLASSES);
  // Replay the generator up to `from` so a restarted worker continues the same sequence.
  for (let i = 0; i < o.count; i++) {
    const cls = names[i % names.length];
    const seed = r.pick(seeds);
    const mutated = CLASSES[cls](seed, r, seeds);
    if (i < from) continue;
    parentPort.postMessage({ type: 'start', i, cls, input: serial(mutated) });
    const t0 = performance.now();
    const failure = check(e, mutated, `fuzz-${i}.sql`);
    const ms = performance.now() - t0;
    const size = mutated.text !== undefined ? mutated.text.length : mutated.bytes.length;
    parentPort.postMessage({ type: 'done', i, cls, ms, size, failure: failure ?? (ms > HANG_MS ? `took ${Math.round(ms)} ms` : undefined), rss: process.memoryUsage().rss });
  }
  parentPort.postMessage({ type: 'end' });
}

function serial(m) {
  return { text: m.text, bytes: m.bytes ? Buffer.from(m.bytes).toString('base64') : undefined, secret: m.secret, at: m.at };
}

function save(o, cls, input, reason) {
  mkdirSync(o.out, { recursive: true });
  const bytes = input.bytes ? Buffer.from(input.bytes, 'base64') : Buffer.from(input.text ?? '', 'utf8');
  const id = createHash('sha1').update(bytes).digest('hex').slice(0, 12);
  const file = join(o.out, `${cls}-${id}.sql`);
  writeFileSync(file, bytes);
  writeFileSync(file.replace(/\.sql$/, '.json'), JSON.stringify({ class: cls, reason: reason.slice(0, 2000), secret: input.secret, bytes: !!input.bytes }, null, 2) + '\n');
  return file;
}

// ---- CLI spawns: the real process, exit codes and stdout ---------------------------------------------------
function spawnChecks(o, r, seeds, stats) {
  const bin = join(root, 'bin/pgsafe.js');
  const names = Object.keys(CLASSES);
  const dir = join(o.out, '..', '.fuzz-tmp');
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < o.spawns; k++) {
    const cls = names[k % names.length];
    const m = CLASSES[cls](r.pick(seeds), r, seeds);
    const bytes = m.bytes ?? Buffer.from(m.text + '\n;\n' + SENTINEL + '\n', 'utf8');
    const file = join(dir, `spawn-${k}.sql`);
    writeFileSync(file, bytes);
    const p = spawnSync(process.execPath, [bin, 'lint', '--no-config', '--format', 'json', file], { encoding: 'utf8', timeout: HANG_MS });
    let failure;
    if (p.error) failure = `spawn: ${p.error.message}`;
    else if (p.status !== 0 && p.status !== 1) failure = `exit code ${p.status}: ${p.stderr.slice(0, 500)}`;
    else if (LEAK.test(p.stderr)) failure = `stderr: ${p.stderr.slice(0, 500)}`;
    else {
      try { JSON.parse(p.stdout); } catch { failure = 'stdout is not JSON'; }
    }
    if (!failure && m.secret && (p.stdout + p.stderr).includes(m.secret)) failure = `secret ${m.secret} printed by the CLI`;
    stats.spawns++;
    if (failure) stats.failures.push({ cls: `cli:${cls}`, reason: failure, file: save(o, `cli-${cls}`, serial(m), failure) });
  }
}

async function main() {
  const o = options(process.argv.slice(2));
  const t0 = performance.now();
  const names = Object.keys(CLASSES);
  const stats = { count: 0, spawns: 0, byClass: Object.fromEntries(names.map((n) => [n, 0])), failures: [], longest: { ms: 0 }, largest: { size: 0 }, peakRss: 0 };
  let from = 0;
  while (from < o.count) {
    const done = await new Promise((resolveRun) => {
      // The main thread's stack size, so the parser overflows where it does in the CLI.
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { fuzz: true, o, from }, resourceLimits: { stackSizeMb: 1 } });
      let current;
      let timer;
      const arm = () => { clearTimeout(timer); timer = setTimeout(() => { w.terminate(); resolveRun({ hung: current }); }, HANG_MS + 5_000); };
      arm();
      w.on('message', (m) => {
        if (m.type === 'start') { current = m; arm(); return; }
        if (m.type === 'end') { clearTimeout(timer); w.terminate(); resolveRun({ end: true }); return; }
        stats.count++;
        stats.byClass[m.cls]++;
        stats.peakRss = Math.max(stats.peakRss, m.rss);
        if (m.ms > stats.longest.ms) stats.longest = { ms: m.ms, cls: m.cls, size: m.size };
        if (m.size > stats.largest.size) stats.largest = { size: m.size, cls: m.cls, ms: m.ms };
        if (m.failure) stats.failures.push({ cls: m.cls, reason: m.failure, file: save(o, m.cls, current.input, m.failure) });
        from = m.i + 1;
        if (!o.quiet && stats.count % 5000 === 0) process.stderr.write(`fuzz: ${stats.count} inputs, ${stats.failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      });
      w.on('error', (err) => { clearTimeout(timer); resolveRun({ crashed: current, err }); });
    });
    if (done.hung || done.crashed) {
      const c = done.hung ?? done.crashed;
      const reason = done.hung ? `hung over ${HANG_MS} ms` : `worker crashed: ${done.err?.stack ?? done.err}`;
      if (c) {
        stats.failures.push({ cls: c.cls, reason, file: save(o, c.cls, c.input, reason) });
        stats.count++;
        stats.byClass[c.cls]++;
        from = c.i + 1;
      } else throw done.err ?? new Error('fuzz: the worker stopped before its first input');
    }
  }
  const r = prng(o.seed ^ 0x5eed);
  spawnChecks(o, r, loadSeeds(o), stats);
  const seconds = (performance.now() - t0) / 1000;
  const summary = { seed: o.seed, inputs: stats.count, cliSpawns: stats.spawns, seconds: Math.round(seconds * 10) / 10, byClass: stats.byClass, longest: stats.longest, largest: stats.largest, peakWorkerRssMB: Math.round(stats.peakRss / 1e6), failures: stats.failures };
  if (o.report) writeFileSync(o.report, JSON.stringify(summary, null, 2) + '\n');
  process.stdout.write(`fuzz: ${stats.count} inputs + ${stats.spawns} CLI runs in ${seconds.toFixed(1)} s (seed ${o.seed}), ${stats.failures.length} failure(s)\n`);
  if (!o.quiet) process.stdout.write(`  per class: ${Object.entries(stats.byClass).map(([k, v]) => `${k} ${v}`).join(', ')}\n  longest: ${stats.longest.ms.toFixed(0)} ms (${stats.longest.cls}, ${stats.longest.size} chars); largest: ${stats.largest.size} chars (${stats.largest.cls}, ${stats.largest.ms?.toFixed(0)} ms); peak RSS ${summary.peakWorkerRssMB} MB\n`);
  for (const f of stats.failures.slice(0, 20)) process.stdout.write(`  FAIL ${f.cls}: ${f.reason.split('\n')[0].slice(0, 200)}\n    saved as ${f.file}\n`);
  process.exitCode = stats.failures.length ? 1 : 0;
}

if (!isMainThread && workerData?.fuzz) await worker();
else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
