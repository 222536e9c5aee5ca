#!/usr/bin/env node
// The lock model against a real PG over the shared corpus: each project's migrations in order, in a fresh database,
// rows in every table; per statement, pgsafe's prediction against the server's locks, rewrites and scans.
// Usage: npm run verify-model -- [--out disagreements.jsonl] [--corpus ../shared/corpus] [project…]
// Prints agreement per project; writes every disagreement (and every statement the server refused, with
// `failed`) as one JSON line to --out.
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { planLint } from '../dist/src/cli/run.js';
import { agreement, runOracle } from '../dist/src/oracle/run.js';
import { startOracleServer } from '../dist/src/oracle/server.js';

// Project → where its migrations are and which framework runs them (as `pgsafe lint --framework` takes it).
const PROJECTS = {
  'crates-io': { dir: 'crates-io/migrations', framework: 'diesel' },
  ente: { dir: 'ente/server/migrations', framework: 'golang-migrate' },
  vaultwarden: { dir: 'vaultwarden/migrations/postgresql', framework: 'diesel' },
  harbor: { dir: 'harbor/make/migrations/postgresql', framework: 'golang-migrate' },
  documenso: { dir: 'documenso/packages/prisma/migrations', framework: 'prisma' },
  formbricks: { dir: 'formbricks/packages/database/migration', framework: 'prisma' },
  lemmy: { dir: 'lemmy/migrations', framework: 'diesel' },
  hatchet: { dir: 'hatchet/cmd/hatchet-migrate/migrate/migrations', framework: 'goose' },
};
const DEFAULT = ['crates-io', 'ente', 'vaultwarden', 'harbor', 'documenso'];

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const out = opt('--out', 'verify-model.jsonl');
const corpus = path.resolve(opt('--corpus', path.join(import.meta.dirname, '..', '..', 'shared', 'corpus')));
const names = args.length ? args : DEFAULT;
for (const n of names) {
  if (!PROJECTS[n]) {
    console.error(`verify-model: unknown project "${n}" (one of ${Object.keys(PROJECTS).join(', ')})`);
    process.exit(2);
  }
  if (!existsSync(path.join(corpus, PROJECTS[n].dir))) {
    console.error(`verify-model: ${path.join(corpus, PROJECTS[n].dir)} not found (pass --corpus)`);
    process.exit(2);
  }
}

const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');
const oneLine = (s) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

/** A disagreement's class: what differs, on which kind of statement. */
function classes(s) {
  const c = s.comparison;
  const out = [];
  for (const d of c.locks ?? []) {
    const what = !d.predicted ? (d.observed === 'AccessExclusiveLock' ? 'unnamed AccessExclusiveLock' : 'unnamed lock') : !d.observed ? 'predicted lock not taken' : 'lock mode';
    out.push(`${s.kind}: ${what}`);
  }
  if (!c.agree.rewrite) out.push(`${s.kind}: rewrite ${c.rewrites.observed.length > c.rewrites.predicted.length ? 'missed' : 'predicted, not done'}`);
  if (c.agree.scan === false) out.push(`${s.kind}: scan ${c.scans.observed.length > c.scans.predicted.length ? 'missed' : 'predicted, not done'}`);
  return [...new Set(out)];
}

const server = await startOracleServer();
console.log(`verify-model: PostgreSQL ${server.version}, corpus ${corpus}`);
const jsonl = createWriteStream(out);
const tally = new Map();
const totals = { statements: 0, compared: 0, failed: 0, agree: 0, hiddenAel: 0 };
try {
  for (const name of names) {
    const p = PROJECTS[name];
    const t0 = performance.now();
    const plan = await planLint([path.join(corpus, p.dir)], { failOn: 'never', framework: p.framework, config: false }, corpus);
    const files = plan.inputs.filter((i) => i.text !== undefined).map((i) => ({ path: path.relative(corpus, i.path), text: i.text, fileOptions: i.fileOptions }));
    const session = await server.database();
    await session.client.query(`SET statement_timeout = '60s'`);
    let result;
    try {
      result = await runOracle(session, files, { pgVersion: 15 });
    } finally {
      await session.close();
    }
    const a = agreement(result.statements);
    const dml = result.statements.filter((s) => s.outcome === 'compared' && s.comparison.agree.scan === null).length;
    // issue 10's "Done when": no statement takes ACCESS EXCLUSIVE on a relation pgsafe does not name.
    const hiddenAel = result.statements.filter((s) => s.outcome === 'compared' && (s.comparison.locks ?? []).some((d) => !d.predicted && d.observed === 'AccessExclusiveLock')).length;
    totals.hiddenAel += hiddenAel;
    const errors = new Map();
    for (const s of result.statements) {
      if (s.outcome === 'failed') {
        const e = s.note.replace(/"[^"]*"/g, '"…"');
        errors.set(e, (errors.get(e) ?? 0) + 1);
        jsonl.write(JSON.stringify({ project: name, path: s.path, line: s.line, kind: s.kind, sql: oneLine(s.sql), failed: s.note }) + '\n');
      }
      if (s.outcome !== 'compared' || s.comparison.agree.all) continue;
      const cls = classes(s);
      for (const c of cls) tally.set(c, (tally.get(c) ?? 0) + 1);
      jsonl.write(JSON.stringify({
        project: name, path: s.path, line: s.line, kind: s.kind, sql: oneLine(s.sql), classes: cls,
        locks: s.comparison.locks, rewrites: s.comparison.rewrites, scans: s.comparison.scans,
        predicted: s.predicted.locks.map((l) => `${l.relation}:${l.mode}`), observed: s.observed.locks.map((l) => `${l.relation}:${l.mode}`),
      }) + '\n');
    }
    totals.statements += a.statements;
    totals.compared += a.compared;
    totals.failed += a.failed;
    totals.agree += a.all;
    console.log(
      `${name}: ${files.length} files, ${a.statements} statements; ${a.failed} failed on the server, ${a.notCompared} not compared (session/transaction control/syntax); ` +
        `${a.compared} compared: all ${a.all} (${pct(a.all, a.compared)}), locks ${pct(a.locks, a.lockCompared)} of ${a.lockCompared}, ` +
        `rewrite ${pct(a.rewrite, a.compared)}, scan ${pct(a.scan, a.scanCompared)} of ${a.scanCompared} (${dml} DML/outside-transaction: scan not compared); ` +
        `${hiddenAel} take ACCESS EXCLUSIVE on a relation pgsafe does not name; ${result.seedWarnings.length} seed warnings; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    for (const [e, n] of [...errors].sort((x, y) => y[1] - x[1]).slice(0, 3)) console.log(`  failed ${n}×: ${e.slice(0, 160)}`);
  }
} finally {
  await server.stop();
  jsonl.end();
}
console.log(`total: ${totals.compared} compared, ${totals.agree} agree (${pct(totals.agree, totals.compared)}), ${totals.failed} failed on the server, of ${totals.statements}; ${totals.hiddenAel} take ACCESS EXCLUSIVE on a relation pgsafe does not name`);
console.log('disagreement classes:');
for (const [c, n] of [...tally].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${String(n).padStart(5)}  ${c}`);
console.log(`disagreements: ${out}`);
