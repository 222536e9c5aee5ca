// npm run bench: lint throughput on ../shared/corpus, single-file wall time
// (the pre-commit case), and a 50,000-statement file in every format; squawk
// (squawk-cli@2.66.0, a Rust binary shipped in npm) runs on the same inputs for a ratio.
// squawk-cli is not a devDependency: its lock entries for other platforms cannot be
// resolved from every registry, which breaks `npm ci`. The bench installs it on demand
// into node_modules/.cache/pgsafe-bench (pass --no-squawk to skip).
// Flags: --runs N (single-file repetitions, default 15), --squawk-large (also time
// squawk on the large file: slow, its snippet rendering is superlinear).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'corpus');
const bin = join(root, 'bin', 'pgsafe.js');
const squawkDir = join(root, 'node_modules', '.cache', 'pgsafe-bench');
const squawk = join(squawkDir, 'node_modules', '.bin', 'squawk');
if (!process.argv.includes('--no-squawk') && !existsSync(squawk)) {
  console.log('installing squawk-cli@2.66.0 for comparison…');
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', squawkDir, 'squawk-cli@2.66.0'], { stdio: 'ignore' });
  if (r.status !== 0) console.log('could not install squawk-cli: comparison skipped');
}
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const RUNS = Number(arg('--runs', 15));
const hasSquawk = !process.argv.includes('--no-squawk') && existsSync(squawk);

const ms = (t) => `${t.toFixed(0)} ms`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function wall(cmd, args, opts = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const elapsed = performance.now() - t;
  if (r.status === null || (r.status > 1 && !opts.anyStatus)) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${r.status}: ${r.stderr?.slice(0, 300)}`);
  return { elapsed, stdout: r.stdout };
}
function files(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (n.endsWith('.sql')) out.push(p);
  }
  return out;
}

console.log(`pgsafe bench (node ${process.version}${hasSquawk ? ', squawk ' + spawnSync(squawk, ['--version'], { encoding: 'utf8' }).stdout.trim() : ''})\n`);

// 1. Corpus throughput, in process (parse + analyse + rules).
if (existsSync(corpus)) {
  const { rules } = await import(join(root, 'dist/rules/index.js'));
  const { lint } = await import(join(root, 'dist/src/engine/engine.js'));
  const { initParser } = await import(join(root, 'dist/src/source/index.js'));
  await initParser();
  const paths = files(corpus);
  const inputs = paths.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  const t = performance.now();
  const res = await lint(inputs, { rules, pgVersion: 15, assumeInTransaction: false });
  const el = performance.now() - t;
  const stmts = res.reduce((a, f) => a + f.statements, 0);
  console.log(`corpus, in process: ${paths.length} files, ${stmts} statements in ${ms(el)} → ${Math.round(stmts / (el / 1000)).toLocaleString('en-US')} statements/s`);

  // 2. Corpus through the CLI vs squawk on the same files.
  const p = wall(process.execPath, [bin, 'lint', corpus, '--format', 'json', '--fail-on', 'never']);
  console.log(`corpus, CLI (json): ${ms(p.elapsed)}`);
  if (hasSquawk) {
    const s = wall(squawk, ['--reporter', 'json', ...paths], { anyStatus: true });
    console.log(`corpus, squawk (json): ${ms(s.elapsed)}  → pgsafe/squawk time ratio ${(p.elapsed / s.elapsed).toFixed(2)}× (aim ≤ 2×)`);
  }
} else console.log(`corpus not found at ${corpus}: skipped`);

// 3. Single file: the pre-commit case.
const single = join(root, 'fixtures/plain/unsafe-add-index.sql');
const base = median(Array.from({ length: RUNS }, () => wall(process.execPath, ['-e', '0']).elapsed));
const one = median(Array.from({ length: RUNS }, () => wall(process.execPath, [bin, 'lint', single, '--fail-on', 'never']).elapsed));
console.log(`\nsingle file (median of ${RUNS}): node -e 0 ${ms(base)}, pgsafe lint ${ms(one)} → +${ms(one - base)} over bare node (aim ≤ +100 ms)`);
if (hasSquawk) {
  const sq = median(Array.from({ length: RUNS }, () => wall(squawk, [single], { anyStatus: true }).elapsed));
  console.log(`single file, squawk: ${ms(sq)}`);
}

// 4. A 50,000-statement file in every format.
const dir = mkdtempSync(join(tmpdir(), 'pgsafe-bench-'));
const big = join(dir, 'big.sql');
const kinds = [
  (i) => `CREATE INDEX idx_${i} ON t${i % 97} (c${i % 7});`,
  (i) => `ALTER TABLE t${i % 97} ADD COLUMN c${i} int DEFAULT ${i};`,
  (i) => `ALTER TABLE t${i % 97} ADD CONSTRAINT fk_${i} FOREIGN KEY (a) REFERENCES p (id);`,
  (i) => `UPDATE t${i % 97} SET a = ${i} WHERE id = ${i};`,
  (i) => `-- comment ${i}\nSELECT ${i};`,
];
writeFileSync(big, Array.from({ length: 50_000 }, (_, i) => kinds[i % kinds.length](i)).join('\n') + '\n');
console.log(`\n50,000-statement file (${(statSync(big).size / 1e6).toFixed(1)} MB):`);
const { reporters } = await import(join(root, 'dist/src/report/index.js'));
for (const format of Object.keys(reporters)) {
  const r = wall(process.execPath, [bin, 'lint', big, '--format', format, '--fail-on', 'never']);
  console.log(`  ${format.padEnd(9)} ${ms(r.elapsed).padStart(9)}  (${(r.stdout.length / 1e6).toFixed(1)} MB of output; aim < 5 s)`);
}
if (hasSquawk && process.argv.includes('--squawk-large')) {
  const s = wall(squawk, [big], { anyStatus: true });
  console.log(`  squawk (default output) ${ms(s.elapsed)}`);
}
