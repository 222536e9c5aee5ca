#!/usr/bin/env node
// One finding per problem, measured: lints each corpus project as `pgsafe lint` does (its framework, its
// history) and lists every statement that carries two or more error findings on the same part of it (overlapping
// spans: one clause, or the whole statement), with the rule pairs. Findings on different clauses of one
// `ALTER TABLE` (an ADD COLUMN and a DROP COLUMN) are different problems; they are counted apart.
// usage: node scripts/one-finding-check.mjs [PROJECT_DIR…]   (default: ../shared/corpus/*; run `npm run build` first)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../dist/rules/index.js';
import { discoverMigrations, lintProject } from '../dist/src/project/index.js';

const dirs = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync('../shared/corpus').map((d) => join('../shared/corpus', d));
const pairs = new Map();
let statements = 0;
let multi = 0;
const samples = [];
for (const dir of dirs) {
  const set = await discoverMigrations([dir], { rules, cwd: process.cwd() });
  const res = await lintProject(set, { rules });
  const files = [...new Set(res.files.flatMap((f) => (f.rollback ? [f, f.rollback] : [f])))];
  for (const f of files) {
    const by = new Map();
    for (const x of f.findings) if (x.severity === 'error' && x.statement >= 0) by.set(x.statement, [...(by.get(x.statement) ?? []), x]);
    for (const xs of by.values()) {
      if (xs.length < 2) continue;
      multi++;
      const found = new Set();
      for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) {
        const [a, b] = [xs[i], xs[j]];
        if (a.start <= b.end && b.start <= a.end) found.add([a.rule, b.rule].sort().join(' + '));
      }
      if (found.size === 0) continue;
      statements++;
      for (const key of found) {
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
        if (samples.length < 40) samples.push(`${f.path}:${xs[0].line}  ${key}`);
      }
    }
  }
}
console.log(`statements with >= 2 error findings: ${multi} (on different clauses or the same); with >= 2 on the same part: ${statements}`);
for (const [k, n] of [...pairs].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)}  ${k}`);
for (const s of samples.slice(0, 20)) console.log(`  ${s}`);
