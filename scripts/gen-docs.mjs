// Writes docs/rules/<id>.md from each rule's meta.docs (run after the build).
// With --check, exits 1 when a page is missing, stale or orphaned.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { rules } = await import(join(root, 'dist/rules/index.js'));
const { ruleMarkdown } = await import(join(root, 'dist/src/engine/docs.js'));
const dir = join(root, 'docs/rules');
mkdirSync(dir, { recursive: true });
const check = process.argv.includes('--check');
const want = new Map(rules.map((r) => [`${r.meta.id}.md`, ruleMarkdown(r)]));
const problems = [];
for (const [file, text] of want) {
  let cur = null;
  try { cur = readFileSync(join(dir, file), 'utf8'); } catch {}
  if (cur === text) continue;
  if (check) problems.push(`${cur === null ? 'missing' : 'stale'}: docs/rules/${file}`);
  else writeFileSync(join(dir, file), text);
}
for (const f of readdirSync(dir)) if (f.endsWith('.md') && !want.has(f)) problems.push(`orphaned: docs/rules/${f}`);
// The rule table in README.md, between markers.
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const sorted = [...rules].sort((a, b) => a.meta.category.localeCompare(b.meta.category) || a.meta.id.localeCompare(b.meta.id));
const table = [
  '| rule | category | default | summary |',
  '| --- | --- | --- | --- |',
  ...sorted.map((r) => `| [\`${r.meta.id}\`](docs/rules/${r.meta.id}.md) | ${r.meta.category} | ${r.meta.recommended ? r.meta.defaultSeverity : `off (opt-in, ${r.meta.defaultSeverity})`} | ${r.meta.docs.summary.replace(/\|/g, '\\|')} |`),
].join('\n');
const newReadme = readme.replace(/<!-- rules:start -->[\s\S]*<!-- rules:end -->/, `<!-- rules:start -->\n${table}\n<!-- rules:end -->`);
if (newReadme !== readme) {
  if (check) problems.push('stale: the rule table in README.md');
  else writeFileSync(readmePath, newReadme);
}
if (problems.length) {
  console.error(problems.join('\n') + (check ? '\nrun: npm run gen:docs' : ''));
  process.exit(1);
}
// The lock table page (docs/locks.md).
await import('./gen-locks.mjs');
