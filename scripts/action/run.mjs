// The GitHub Action's lint step: runs the pgsafe of the action's own checkout on the pull request's migrations.
//  1. the default output: the report, `::error file=…` annotations, the job summary, and the exit code per fail-on;
//  2. SARIF for code scanning; 3. markdown for the PR comment.
// Step outputs: exit-code, sarif-file, markdown-file, and upload-sarif / comment saying whether the next steps may
// run: a pull request from a fork (or Dependabot's) gets a read-only token, so both are skipped with a notice.
// Inputs come as PGSAFE_* variables (action.yml); GitHub's own variables as GitHub sets them.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'pgsafe.js');
const output = (name, value) => appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
const git = (...args) => spawnSync('git', args, { encoding: 'utf8' });

/** Splits the `args` and `paths` inputs on whitespace, keeping '…' and "…" quoted parts together. */
export function words(s) {
  const out = [];
  for (const m of (s ?? '').matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Why the token cannot write (fork or Dependabot pull request), or undefined when it can. */
export function readOnlyReason(eventName, event, actor) {
  if (eventName !== 'pull_request') return undefined;
  const pr = event?.pull_request;
  if (!pr) return undefined;
  const head = pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name;
  if (!head || head !== base) return `this pull request comes from a fork (${head ?? 'a deleted repository'})`;
  if (actor === 'dependabot[bot]') return 'this pull request is Dependabot\'s';
  return undefined;
}

function main() {
  const out = join(env.RUNNER_TEMP || tmpdir(), 'pgsafe');
  mkdirSync(out, { recursive: true });
  const args = ['lint'];
  const base = env.PGSAFE_BASE?.trim();
  if (base) {
    // The merge base needs the base commit; fetch it when the checkout is shallow or lacks it.
    if (git('cat-file', '-e', `${base}^{commit}`).status !== 0) {
      const f = git('fetch', '--no-tags', '--quiet', 'origin', base);
      if (f.status !== 0) console.log(`::warning title=pgsafe::could not fetch the base commit ${base}: ${f.stderr.trim()} (use actions/checkout with fetch-depth: 0)`);
    }
    args.push('--changed-since', base);
  }
  if (env.PGSAFE_CONFIG) args.push('--config', env.PGSAFE_CONFIG);
  args.push(...words(env.PGSAFE_ARGS));
  const paths = words(env.PGSAFE_PATHS);
  const failOn = env.PGSAFE_FAIL_ON || 'warning';

  const pgsafe = (extra, stdout) => spawnSync(process.execPath, [bin, ...args, ...extra, ...paths], { stdio: ['ignore', stdout, 'inherit'], encoding: 'utf8' });
  const first = pgsafe(['--fail-on', failOn], 'inherit');
  const code = first.status ?? 2;
  output('exit-code', code);
  if (code >= 2) return code;

  const sarif = join(out, 'pgsafe.sarif');
  const markdown = join(out, 'pgsafe.md');
  for (const [format, file] of [['sarif', sarif], ['markdown', markdown]]) {
    const r = pgsafe(['--fail-on', 'never', '--format', format], 'pipe');
    if (r.status !== 0) {
      console.log(`::error title=pgsafe::pgsafe --format ${format} exited ${r.status}`);
      return 2;
    }
    writeFileSync(file, r.stdout);
  }
  output('sarif-file', sarif);
  output('markdown-file', markdown);

  let event;
  try {
    event = env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : undefined;
  } catch {
    event = undefined;
  }
  const readOnly = readOnlyReason(env.GITHUB_EVENT_NAME, event, env.GITHUB_ACTOR);
  const wantSarif = env.PGSAFE_UPLOAD_SARIF !== 'false';
  const wantComment = env.PGSAFE_COMMENT !== 'false' && env.GITHUB_EVENT_NAME === 'pull_request' && !!event?.pull_request;
  if (readOnly && (wantSarif || wantComment)) {
    console.log(`::notice title=pgsafe::SARIF upload and the pull request comment are skipped: ${readOnly}, so its token is read-only. The annotations and the job summary show every finding.`);
  }
  output('upload-sarif', String(wantSarif && !readOnly));
  output('comment', String(wantComment && !readOnly));
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
