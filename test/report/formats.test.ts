// Every output format, through the built CLI as a process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ruleDocsUrl } from '../../src/engine/rule.js';
import { ROOT, run, tmp } from '../cli/helpers.js';

const MIGRATION = [
  "SET lock_timeout = '2s';",
  "SET statement_timeout = '5s';",
  '  CREATE INDEX users_email_idx ON users (email);',
  'ALTER TABLE users DROP COLUMN legacy;',
  '',
].join('\n');

function project(extra: Record<string, string> = {}) {
  return tmp({ 'migrations/001_index.sql': MIGRATION, ...extra });
}

async function jsonFindings(cwd: string, path = 'migrations/001_index.sql') {
  const r = (await run(['lint', '--no-config', '-f', 'json', path], { cwd }));
  return JSON.parse(r.stdout).files[0].findings as { rule: string; line: number; column: number; endLine: number; endColumn: number; severity: string; message: string }[];
}

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const isUri = (s: string) => { try { new URL(s); return true; } catch { return false; } };
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe('--format sarif', () => {
  it('validates against the SARIF 2.1.0 schema, with rules, helpUri and 1-based regions', async () => {
    const cwd = project();
    const r = (await run(['lint', '--no-config', '-f', 'sarif', 'migrations/001_index.sql'], { cwd }));
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run0 = log.runs[0];
    const driverRules = run0.tool.driver.rules as { id: string; helpUri: string; shortDescription: { text: string } }[];
    const concurrent = driverRules.find((x) => x.id === 'require-concurrent-index-creation')!;
    expect(concurrent.helpUri).toBe(ruleDocsUrl('require-concurrent-index-creation'));
    expect(concurrent.shortDescription.text).toMatch(/^(Disallow|Require|Prefer) /);
    const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'require-concurrent-index-creation');
    expect(result.level).toBe('error');
    expect(driverRules[result.ruleIndex].id).toBe('require-concurrent-index-creation');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/001_index.sql');
    const expected = (await jsonFindings(cwd)).find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect(result.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 3, endLine: expected.endLine, endColumn: expected.endColumn });
    expect(run0.results.length).toBe((await jsonFindings(cwd)).length);
  });

  it('is rejected by the schema when a region is 0-based (the schema fixture is not permissive)', async () => {
    const log = JSON.parse((await run(['lint', '--no-config', '-f', 'sarif', 'migrations/001_index.sql'], { cwd: project() })).stdout);
    log.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    expect(sarifValidator()(log)).toBe(false);
    const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'a', unknownKey: 1 }] } } }] };
    expect(sarifValidator()(bad)).toBe(false);
  });

  it('carries fixes as SARIF replacements, 1-based', async () => {
    const log = JSON.parse((await run(['lint', '--no-config', '-f', 'sarif', 'migrations/001_index.sql'], { cwd: project() })).stdout);
    const idx = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'require-concurrent-index-creation');
    expect(idx.fixes).toEqual([{
      description: { text: 'Add `CONCURRENTLY`' },
      artifactChanges: [{ artifactLocation: { uri: 'migrations/001_index.sql' }, replacements: [{ deletedRegion: { startLine: 3, startColumn: 15, endLine: 3, endColumn: 15 }, insertedContent: { text: ' CONCURRENTLY' } }] }],
    }]);
  });
});

describe('--format github', () => {
  it('prints one workflow command per finding, 1-based, titled with the rule id', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'github', 'migrations/001_index.sql'], { cwd: project() }));
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('title=require-concurrent-index-creation'))!;
    const f = (await jsonFindings(project())).find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect(line.startsWith(`::error file=migrations/001_index.sql,line=3,col=3,endLine=${f.endLine},endColumn=${f.endColumn},title=require-concurrent-index-creation::`)).toBe(true);
    // The body is one line: newlines in message and help are escaped.
    expect(line).toContain('%0A');
    expect(line).toContain(ruleDocsUrl('require-concurrent-index-creation'));
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(commands.length).toBe((await jsonFindings(project())).length);
  });

  it('escapes commas and colons in properties', async () => {
    const cwd = tmp({ 'db/a,b:c.sql': 'DROP TABLE users;\n' });
    const r = (await run(['lint', '--no-config', '-f', 'github', 'db/a,b:c.sql'], { cwd }));
    expect(r.stdout).toContain('file=db/a%2Cb%3Ac.sql,line=1,col=1');
  });

  it('adds annotations to pretty output when GITHUB_ACTIONS=true and no format is given, and writes the job summary', async () => {
    const cwd = project();
    const summary = join(cwd, 'summary.md');
    const r = (await run(['lint', '--no-config', 'migrations/001_index.sql'], { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } }));
    expect(r.stdout).toContain('migrations/001_index.sql:3:3: error [require-concurrent-index-creation]');
    expect(r.stdout).toContain('::error file=migrations/001_index.sql,line=3,col=3');
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('<!-- pgsafe-report -->');
    expect(md).toContain('| `migrations/001_index.sql` |');
  });

  it('keeps plain pretty output when --format pretty is explicit', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'pretty', 'migrations/001_index.sql'], { cwd: project(), env: { GITHUB_ACTIONS: 'true' } }));
    expect(r.stdout).not.toContain('::error');
  });
});

describe('--format gcc', () => {
  it('prints path:line:col: severity: message [rule], 1-based', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'gcc', 'migrations/001_index.sql'], { cwd: project() }));
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('migrations/001_index.sql:3:3: error: `CREATE INDEX` on "users" takes a SHARE lock and blocks writes to it until the whole index is built [require-concurrent-index-creation]');
    for (const l of lines) expect(l).toMatch(/^migrations\/001_index\.sql:\d+:[1-9]\d*: (error|warning|note): .+ \[[a-z-]+\]$/);
    expect(lines.length).toBe((await jsonFindings(project())).length);
  });

  it('prints nothing for a clean file', async () => {
    const cwd = tmp({ 'a.sql': 'SELECT 1;\n' });
    const r = (await run(['lint', '--no-config', '-f', 'gcc', 'a.sql'], { cwd }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('--format markdown', () => {
  it('has a summary by file and rule, then each finding with its snippet and the safe alternative', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'markdown', 'migrations/001_index.sql'], { cwd: project() }));
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!-- pgsafe-report -->\n')).toBe(true);
    expect(r.stdout).toMatch(/\| `migrations\/001_index\.sql` \| 2 \| \d+ \| 0 \|/);
    expect(r.stdout).toContain(`| [\`require-concurrent-index-creation\`](${ruleDocsUrl('require-concurrent-index-creation')}) | 1 | 0 | 0 |`);
    expect(r.stdout).toContain('```sql\n  CREATE INDEX users_email_idx ON users (email);\n```');
    expect(r.stdout).toContain('```sql\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n```');
  });

  it('says so when there is nothing to report', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'markdown', 'a.sql'], { cwd: tmp({ 'a.sql': 'SELECT 1;\n' }) }));
    expect(r.stdout).toContain('no problems found');
  });

  it('stays under 65,000 characters by falling back to a summary', async () => {
    const big = Array.from({ length: 1500 }, (_, i) => `CREATE INDEX users_c${i}_idx ON users (c${i});`).join('\n') + '\n';
    const r = (await run(['lint', '--no-config', '-f', 'markdown', 'big.sql'], { cwd: tmp({ 'big.sql': big }) }));
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(65_000);
    expect(r.stdout).toMatch(/\*\*\d+ more findings not shown\*\*/);
    expect(r.stdout).toContain('| [`require-concurrent-index-creation`]');
    expect(r.stdout).toContain('| 1500 | 0 | 0 |');
  });
});

describe('--format junit', () => {
  it('writes one test suite per file and one failing test case per error or warning', async () => {
    const cwd = tmp({ 'migrations/001_index.sql': MIGRATION, 'migrations/002_ok.sql': 'SELECT 1;\n' });
    const r = (await run(['lint', '--no-config', '-f', 'junit', 'migrations'], { cwd }));
    expect(r.code).toBe(1);
    const n = (await jsonFindings(cwd)).length;
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pgsafe"')).toBe(true);
    expect(r.stdout).toContain(`<testsuite name="migrations/001_index.sql" tests="${n}" failures="${n}" errors="0">`);
    expect(r.stdout).toContain('<testsuite name="migrations/002_ok.sql" tests="1" failures="0" errors="0">');
    expect(r.stdout).toContain('<testcase name="require-concurrent-index-creation at 3:3" classname="migrations/001_index.sql" file="migrations/001_index.sql" line="3">');
    expect(r.stdout).toContain('<failure message="`CREATE INDEX` on &quot;users&quot; takes a SHARE lock');
    expect((r.stdout.match(/<testcase /g) ?? []).length).toBe(n + 1);
    expect((r.stdout.match(/<\/testcase>/g) ?? []).length + (r.stdout.match(/<testcase [^>]*\/>/g) ?? []).length).toBe(n + 1);
    const tags = r.stdout.match(/<[^>]*>/g) ?? [];
    for (const t of tags) expect(t).toMatch(/^(<\?xml( [\w]+="[^"<]*")*\?>|<\/?[\w-]+( [\w]+="[^"<]*")*\/?>)$/);
  });
});

describe('--format gitlab', () => {
  it('writes a Code Quality report with 1-based lines and unique fingerprints', async () => {
    const cwd = project();
    const r = (await run(['lint', '--no-config', '-f', 'gitlab', 'migrations/001_index.sql'], { cwd }));
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    expect(issues.length).toBe((await jsonFindings(cwd)).length);
    const idx = issues.find((i) => i.check_name === 'require-concurrent-index-creation')!;
    expect(idx).toMatchObject({ severity: 'critical', location: { path: 'migrations/001_index.sql', lines: { begin: 3 } } });
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    for (const i of issues) expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
    // Stable across runs.
    expect(JSON.parse((await run(['lint', '--no-config', '-f', 'gitlab', 'migrations/001_index.sql'], { cwd })).stdout)[0].fingerprint).toBe(issues[0].fingerprint);
  });

  it('prints an empty array for a clean file', async () => {
    const r = (await run(['lint', '--no-config', '-f', 'gitlab', 'a.sql'], { cwd: tmp({ 'a.sql': 'SELECT 1;\n' }) }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
