// pgsafe init: starter config and pre-commit hook, never overwriting without --force.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, run, tmp } from './helpers.js';

function repo(files: Record<string, string> = {}): string {
  const dir = tmp({ 'db/migrations/001.sql': 'SELECT 1;\n', ...files });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

describe('pgsafe init', () => {
  it('writes a starter config that pgsafe itself accepts', async () => {
    const dir = repo();
    const r = (await run(['init', '--framework', 'goose', '--pg-version', '16'], { cwd: dir }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote pgsafe.config.json');
    const config = JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8'));
    expect(config).toMatchObject({ pgVersion: 16, framework: 'goose', include: ['db/migrations/**/*.sql'] });
    expect(config.$schema).toMatch(/pgsafe\.config\.schema\.json$/);
    const lint = (await run(['lint', '-f', 'json'], { cwd: dir }));
    expect(lint.stderr).toBe('');
    expect(lint.code).not.toBe(2);
    expect(JSON.parse(lint.stdout).files.map((f: { path: string }) => f.path)).toEqual(['db/migrations/001.sql']);
  });

  it('never overwrites an existing config without --force', async () => {
    const dir = repo({ 'pgsafe.config.json': '{ "pgVersion": 12 }\n' });
    const r = (await run(['init'], { cwd: dir }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgsafe.config.json already exists');
    expect(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8')).toBe('{ "pgVersion": 12 }\n');
    expect((await run(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8')).pgVersion).toBe(15);
  });

  it('--hook writes an executable git pre-commit hook running pgsafe lint --staged', async () => {
    const dir = repo();
    const r = (await run(['init', '--hook'], { cwd: dir }));
    expect(r.code).toBe(0);
    const hook = join(dir, '.git/hooks/pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('pgsafe lint --staged');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });

  it('--hook writes into .husky/ when the project uses husky', async () => {
    const dir = repo();
    mkdirSync(join(dir, '.husky'));
    expect((await run(['init', '--hook'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, '.husky/pre-commit'), 'utf8')).toContain('pgsafe lint --staged');
    expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('never overwrites an existing hook without --force', async () => {
    const dir = repo();
    writeFileSync(join(dir, '.git/hooks/pre-commit'), '#!/bin/sh\nnpm test\n');
    const r = (await run(['init', '--hook'], { cwd: dir }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pre-commit already exists');
    expect(readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8')).toBe('#!/bin/sh\nnpm test\n');
    expect((await run(['init', '--hook', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8')).toContain('pgsafe lint --staged');
  });

  it('the hook blocks a commit that stages an unsafe migration', async () => {
    const dir = repo();
    expect((await run(['init', '--hook'], { cwd: dir })).code).toBe(0);
    // Run the hook's command the way git would, from the repository root.
    writeFileSync(join(dir, 'db/migrations/002.sql'), 'ALTER TABLE users DROP COLUMN legacy;\n');
    git(dir, 'add', 'db/migrations/002.sql');
    const r = (await run(['lint', '--staged'], { cwd: dir }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('db/migrations/002.sql:1:1: error [ban-drop-column]');
  });
});
