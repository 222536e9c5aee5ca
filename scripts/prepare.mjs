// npm's `prepare` (install from a checkout or git) and `prepack` (npm pack / publish) for pgsafe.
//   prepare: the full build (dist/src for tests and scripts, plus the bundle; scripts/build.mjs) when the devDependencies are installed;
//   prepack: the bundle only (dist/bundle/ is all the package ships).
// Without the build tools (a git install whose devDependencies npm or pre-commit left out) a checkout that already
// carries dist/bundle/ (a release tag, see docs/integrations.md#releases) is used as it is; any other checkout
// stops with a message saying what to install instead, never a bare `tsc: not found`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
if (mode !== 'prepare' && mode !== 'prepack') {
  process.stderr.write('usage: node scripts/prepare.mjs prepare|prepack\n');
  process.exit(2);
}

const require = createRequire(join(root, 'package.json'));
const has = (pkg) => {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
};
const node = (...args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

const bundle = join(root, 'dist', 'bundle', 'main.cjs');
const tools = ['esbuild'];
const missing = tools.filter((t) => !has(t));

if (missing.length === 0) {
  node('scripts/gen-rules-index.mjs');
  node(mode === 'prepare' ? 'scripts/build.mjs' : 'scripts/bundle.mjs');
} else if (existsSync(bundle)) {
  process.stderr.write(`pgsafe: ${missing.join(', ')} not installed; using the prebuilt dist/bundle of this checkout\n`);
} else {
  process.stderr.write(
    `pgsafe: cannot build: dist/bundle/ is missing and the build tools (${missing.join(', ')}, devDependencies) are not installed.\n` +
      '  Install a release instead: the npm package (npm install pgsafe), or a release tag (vX.Y.Z) of the git repository,\n' +
      '  which carries the built bundle. In a development checkout, run `npm ci` (it installs the devDependencies).\n',
  );
  process.exit(1);
}
