// Cuts a release: tags v<version> (from package.json) on a commit that adds the built dist/bundle/ to HEAD's tree,
// and moves the major tag (v0, v1…) there. The GitHub Action ref, the pre-commit `rev` and the npm package are then
// the same code: the action and pre-commit run the tagged bundle without a build, and `npm publish` from that tag
// packs the same bundle. HEAD and the current branch do not move; nothing is pushed.
//   node scripts/release.mjs [--no-major]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const git = (args, env) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
const fail = (msg) => {
  process.stderr.write(`release: ${msg}\n`);
  process.exit(1);
};

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tag = `v${version}`;
const major = `v${version.split('.')[0]}`;
if (git(['status', '--porcelain', '--untracked-files=no'])) fail('the working tree has uncommitted changes; commit them first');
if (git(['tag', '--list', tag])) fail(`tag ${tag} already exists; bump "version" in package.json`);

// The bundle from HEAD's sources (tsc is not needed for what the package ships).
execFileSync(process.execPath, ['scripts/prepare.mjs', 'prepack'], { cwd: root, stdio: 'inherit' });
if (git(['status', '--porcelain', '--untracked-files=no'])) fail('the build changed tracked files (rules/index.ts out of date?); commit them first');
const cli = execFileSync(process.execPath, ['bin/pgsafe.js', '--version'], { cwd: root, encoding: 'utf8' }).trim();
if (cli !== version) fail(`\`pgsafe --version\` prints ${cli} but package.json says ${version}`);

// The released manifest: what the package is, not how it is developed. Without `prepare`/`prepack` and the
// devDependencies, an install from the tag (pre-commit, `npm install <git url>#vX`, the Action) runs no build and
// fetches only the runtime dependencies; the lockfile loses the same dev-only entries so `npm ci` stays in sync.
function releasedManifest(pkg) {
  const { scripts, devDependencies, ...rest } = pkg;
  return rest;
}
function releasedLock(lock) {
  const packages = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') {
      const { devDependencies, ...root } = entry;
      packages[path] = root;
    } else if (!entry.dev) {
      const { devOptional, ...kept } = entry;
      packages[path] = devOptional ? { ...kept, optional: true } : kept;
    }
  }
  return { ...lock, packages };
}
const json = (v) => JSON.stringify(v, null, 2) + '\n';

// HEAD's tree plus dist/bundle/ and the released manifest, built in a scratch index so the real index and branch stay as they are.
const scratch = mkdtempSync(join(tmpdir(), 'pgsafe-release-'));
try {
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  git(['read-tree', 'HEAD'], env);
  git(['add', '--force', 'dist/bundle'], env);
  for (const [file, transform] of [['package.json', releasedManifest], ['package-lock.json', releasedLock]]) {
    const tmp = join(scratch, file);
    writeFileSync(tmp, json(transform(JSON.parse(git(['show', `HEAD:${file}`])))));
    const blob = git(['hash-object', '-w', tmp]);
    git(['update-index', '--cacheinfo', `100644,${blob},${file}`], env);
  }
  const tree = git(['write-tree'], env);
  const commit = git(['commit-tree', tree, '-p', 'HEAD', '-m', `release ${tag}: add the built dist/bundle`], env);
  git(['tag', '-a', tag, commit, '-m', `pgsafe ${version}`]);
  if (!process.argv.includes('--no-major')) git(['tag', '-f', '-a', major, commit, '-m', `pgsafe ${version} (latest ${major}.x)`]);
  process.stdout.write(
    `tagged ${tag}${process.argv.includes('--no-major') ? '' : ` and ${major}`} at ${commit.slice(0, 12)}\n` +
      `next:\n  git push origin ${tag}${process.argv.includes('--no-major') ? '' : ` && git push --force origin ${major}`}\n` +
      `  git checkout ${tag} && npm publish   # the tarball holds the same bundle\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
