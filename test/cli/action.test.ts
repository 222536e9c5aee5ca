// The composite action's lint step (action.yml), run with bash against the built CLI on a temporary pull request.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, git, tmp } from './helpers.js';

function lintStep(): string {
  const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  const m = /- id: lint\n[\s\S]*?run: \|\n([\s\S]*?)\n\n    - /.exec(yml);
  if (!m) throw new Error('action.yml: no lint step');
  return m[1].split('\n').map((l) => l.replace(/^ {8}/, '')).join('\n') + '\n';
}

function pullRequest(): string {
  const dir = tmp({ 'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n' });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'pr');
  writeFileSync(join(dir, 'db/migrations/002_email_idx.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'index');
  return dir;
}

describe('action.yml', () => {
  it('lints the pull request, writes SARIF and the markdown comment, and reports the exit code', () => {
    const repo = pullRequest();
    const base = git(repo, 'rev-parse', 'main').trim();
    const work = tmp({});
    // `npx --yes pgsafe@<version> …` runs the CLI under test.
    mkdirSync(join(work, 'bin'));
    writeFileSync(join(work, 'bin/npx'), `#!/bin/sh\nshift; shift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(work, 'bin/npx'), 0o755);
    writeFileSync(join(work, 'step.sh'), lintStep());
    const env = {
      ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}`, RUNNER_TEMP: join(work, 'tmp'), GITHUB_OUTPUT: join(work, 'output'),
      GITHUB_STEP_SUMMARY: join(work, 'summary.md'), GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repo,
      PGSAFE_BASE: base, PGSAFE_PATHS: '', PGSAFE_FAIL_ON: 'warning', PGSAFE_CONFIG: '', PGSAFE_ARGS: '--pg-version 15', PGSAFE_VERSION: 'latest',
    };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(work, 'step.sh')], { cwd: repo, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('::error file=db/migrations/002_email_idx.sql,line=1,col=1');
    const out = Object.fromEntries(readFileSync(join(work, 'output'), 'utf8').trim().split('\n').map((l) => l.split('=')));
    expect(out['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(out['sarif-file'], 'utf8'));
    expect(sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri)).toContain('db/migrations/002_email_idx.sql');
    expect(sarif.runs[0].results.every((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => !x.locations[0].physicalLocation.artifactLocation.uri.includes('001_users'))).toBe(true);
    const md = readFileSync(out['markdown-file'], 'utf8');
    expect(md.startsWith('<!-- pgsafe-report -->')).toBe(true);
    expect(md).toContain('`db/migrations/002_email_idx.sql`');
    expect(readFileSync(join(work, 'summary.md'), 'utf8')).toContain('<!-- pgsafe-report -->');
  });
});
