// Config files through the CLI: discovery, validation errors (exit 2, file and key named), precedence, overrides, include/exclude.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { configSchemaText } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validate.js';
import { ROOT, run, tmp } from '../cli/helpers.js';

const DROP = 'ALTER TABLE users DROP COLUMN legacy;\n';

function rulesOf(stdout: string, file?: string): string[] {
  const out = JSON.parse(stdout);
  return out.files.filter((f: { path: string }) => !file || f.path === file).flatMap((f: { findings: { rule: string }[] }) => f.findings.map((x) => x.rule));
}

describe('config discovery', () => {
  it('finds pgsafe.config.json by walking up from the linted files', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "rules": { "ban-drop-column": "off" } }', 'db/migrations/001.sql': DROP });
    const r = (await run(['lint', '-f', 'json', 'migrations/001.sql'], { cwd: join(cwd, 'db') }));
    expect(r.stderr).toBe('');
    expect(rulesOf(r.stdout)).not.toContain('ban-drop-column');
    expect(rulesOf((await run(['lint', '--no-config', '-f', 'json', 'db/migrations/001.sql'], { cwd })).stdout)).toContain('ban-drop-column');
  });

  it('finds .pgsaferc.json too', async () => {
    const cwd = tmp({ '.pgsaferc.json': '{ "rules": { "ban-drop-column": "info" } }', 'm/001.sql': DROP });
    const out = JSON.parse((await run(['lint', '-f', 'json', 'm'], { cwd })).stdout);
    expect(out.files[0].findings.find((x: { rule: string }) => x.rule === 'ban-drop-column').severity).toBe('info');
  });

  it('stops at the repository root', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "rules": { "ban-drop-column": "off" } }', 'repo/m/001.sql': DROP });
    mkdirSync(join(cwd, 'repo/.git'));
    expect(rulesOf((await run(['lint', '-f', 'json', 'm/001.sql'], { cwd: join(cwd, 'repo') })).stdout)).toContain('ban-drop-column');
  });

  it('uses --config, and fails with exit 2 when it does not exist', async () => {
    const cwd = tmp({ 'conf/strict.json': '{ "rules": { "ban-drop-column": "off" } }', 'm/001.sql': DROP });
    expect(rulesOf((await run(['lint', '-c', 'conf/strict.json', '-f', 'json', 'm/001.sql'], { cwd })).stdout)).not.toContain('ban-drop-column');
    const r = (await run(['lint', '-c', 'nope.json', 'm/001.sql'], { cwd }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json');
  });
});

describe('config validation', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown key', '{ "rule": {} }', /pgsafe\.config\.json: "rule": unknown key \(did you mean "rules"\?\)/],
    ['an unknown rule id', '{ "rules": { "ban-drop-colum": "off" } }', /pgsafe\.config\.json: "rules\.ban-drop-colum": unknown rule \(did you mean "ban-drop-column"\?\)/],
    ['a bad severity', '{ "rules": { "ban-drop-column": "fatal" } }', /"rules\.ban-drop-column": expected off, info, warning or error, got "fatal"/],
    ['a bad pgVersion', '{ "pgVersion": "15" }', /"pgVersion": expected a Postgres major version/],
    ['an unknown framework', '{ "framework": "liquibase" }', /"framework": expected one of flyway, golang-migrate/],
    ['an unknown key in an override', '{ "overrides": [{ "files": ["a/**"], "rulez": {} }] }', /"overrides\[0\]\.rulez": unknown key/],
    ['an unknown rule in an override', '{ "overrides": [{ "files": ["a/**"], "rules": { "nope": "off" } }] }', /"overrides\[0\]\.rules\.nope": unknown rule/],
    ['an override without files', '{ "overrides": [{ "rules": {} }] }', /"overrides\[0\]\.files": is required/],
    ['a non-string placeholder', '{ "placeholders": { "schema": 1 } }', /"placeholders\.schema": expected a string value/],
    ['invalid JSON', '{ "rules": ', /pgsafe\.config\.json: invalid JSON/],
  ];
  it.each(cases)('exits 2 naming the file and key for %s', async (_, config, message) => {
    const cwd = tmp({ 'pgsafe.config.json': config, 'm/001.sql': DROP });
    const r = (await run(['lint', 'm/001.sql'], { cwd }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('accepts rule aliases and stores the canonical id', () => {
    const c = validateConfig({ rules: { 'prefer-timestamptz': 'off' } }, 'x.json', rules);
    expect(c.rules).toEqual({ 'prefer-timestamp-tz': 'off' });
  });
});

describe('precedence', () => {
  const ADD_DEFAULT = "ALTER TABLE users ADD COLUMN active boolean DEFAULT true;\n";
  it('takes pgVersion from the config, and --pg-version wins over it', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "pgVersion": 10 }', 'm/001.sql': ADD_DEFAULT });
    expect(rulesOf((await run(['lint', '-f', 'json', 'm/001.sql'], { cwd })).stdout)).toContain('adding-field-with-default');
    expect(rulesOf((await run(['lint', '-f', 'json', '--pg-version', '15', 'm/001.sql'], { cwd })).stdout)).not.toContain('adding-field-with-default');
  });

  it('lets --enable and --disable win over the config rules', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "rules": { "ban-drop-column": "off", "require-lock-timeout": "error" } }', 'm/001.sql': DROP });
    const out = (await run(['lint', '-f', 'json', '--enable', 'ban-drop-column', '--disable', 'require-lock-timeout', 'm/001.sql'], { cwd })).stdout;
    expect(rulesOf(out)).toContain('ban-drop-column');
    expect(rulesOf(out)).not.toContain('require-lock-timeout');
  });

  it('applies assumeInTransaction from the config, and --no-assume-in-transaction wins', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n';
    const cwd = tmp({ 'pgsafe.config.json': '{ "assumeInTransaction": true }', 'm/001.sql': sql });
    expect(rulesOf((await run(['lint', '-f', 'json', 'm/001.sql'], { cwd })).stdout)).toContain('ban-concurrent-index-creation-in-transaction');
    expect(rulesOf((await run(['lint', '-f', 'json', '--no-assume-in-transaction', 'm/001.sql'], { cwd })).stdout)).not.toContain('ban-concurrent-index-creation-in-transaction');
  });
});

describe('overrides, include and exclude', () => {
  it('applies per-path overrides in order, with excludedFiles', async () => {
    const config = {
      rules: { 'ban-drop-column': 'warning' },
      overrides: [
        { files: ['legacy/**'], excludedFiles: ['legacy/keep/**'], rules: { 'ban-drop-column': 'off' } },
        { files: ['strict/*.sql'], rules: { 'ban-drop-column': 'error' } },
      ],
    };
    const cwd = tmp({ 'pgsafe.config.json': JSON.stringify(config), 'legacy/001.sql': DROP, 'legacy/keep/001.sql': DROP, 'strict/001.sql': DROP, 'other/001.sql': DROP });
    const out = JSON.parse((await run(['lint', '-f', 'json', 'legacy', 'strict', 'other'], { cwd })).stdout);
    const sev = (p: string) => out.files.find((f: { path: string }) => f.path === p).findings.find((x: { rule: string }) => x.rule === 'ban-drop-column')?.severity;
    expect(sev('legacy/001.sql')).toBeUndefined();
    expect(sev('legacy/keep/001.sql')).toBe('warning');
    expect(sev('strict/001.sql')).toBe('error');
    expect(sev('other/001.sql')).toBe('warning');
  });

  it('skips excluded files, even when named, and says so on stderr', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "exclude": ["structure.sql"] }', 'db/structure.sql': DROP, 'db/001.sql': DROP });
    const r = (await run(['lint', '-f', 'json', 'db', 'db/structure.sql'], { cwd }));
    expect(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path)).toEqual(['db/001.sql']);
    expect(r.stderr).toContain('db/structure.sql: skipped, excluded by pgsafe.config.json');
  });

  it('lints the include globs when no path is given', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "include": ["db/migrations/**/*.sql"] }', 'db/migrations/001.sql': DROP, 'db/seeds/seed.sql': DROP });
    const r = (await run(['lint', '-f', 'json'], { cwd }));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path)).toEqual(['db/migrations/001.sql']);
  });

  it('without include or paths it is a usage error', async () => {
    const r = (await run(['lint'], { cwd: tmp({ 'a.sql': DROP }) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no paths given');
  });
});

describe('published JSON schema', () => {
  const file = join(ROOT, 'schema/pgsafe.config.schema.json');
  it('is up to date with the rule registry (regenerate: npm run gen:schema)', () => {
    expect(readFileSync(file, 'utf8')).toBe(configSchemaText(rules));
  });

  it('accepts what the loader accepts and rejects unknown keys and rule ids', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(file, 'utf8')));
    const good = {
      $schema: './schema.json', pgVersion: 15, assumeInTransaction: false, include: ['db/**/*.sql'], exclude: ['structure.sql'], framework: 'goose',
      placeholders: { schema: 'app' }, rules: { 'ban-drop-column': 'off', 'prefer-timestamptz': 'warning' },
      overrides: [{ files: ['legacy/**'], excludedFiles: ['legacy/x.sql'], rules: { 'ban-drop-table': 'info' }, assumeInTransaction: true, framework: 'flyway', placeholders: { a: 'b' } }],
    };
    expect(validate(good)).toBe(true);
    expect(() => validateConfig(good, 'x.json', rules)).not.toThrow();
    for (const bad of [{ rule: {} }, { rules: { nope: 'off' } }, { rules: { 'ban-drop-column': 'fatal' } }, { overrides: [{ rules: {} }] }, { framework: 'liquibase' }]) {
      expect(validate(bad)).toBe(false);
      expect(() => validateConfig(bad, 'x.json', rules)).toThrow(/x\.json/);
    }
  });
});
