// The README's ```console samples are real output: each `$ pgsafe …` (or `$ npx pgsafe …`) block is the command
// run by the built CLI from the repository root, without colour. test/install/readme.test.ts checks them;
// `node scripts/readme-samples.mjs --write` regenerates them (after `npm run build`).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BLOCK = /```console\n\$ (?:npx )?pgsafe ([^\n]*)\n([\s\S]*?)```/g;

/** Output of `pgsafe <args>` as a user sees it in a terminal without colour, exit code appended when not 0. */
export function sampleOutput(args) {
  const env = { ...process.env, NO_COLOR: '1' };
  for (const k of ['FORCE_COLOR', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE', 'CI_PROJECT_DIR']) delete env[k];
  const r = spawnSync(process.execPath, [join(root, 'bin', 'pgsafe.js'), ...args.split(' ').filter(Boolean)], { cwd: root, env, encoding: 'utf8' });
  return r.stdout + r.stderr;
}

/** Each sample: the command's arguments, the text the README shows, and the real output. */
export function samples(text) {
  return [...text.matchAll(BLOCK)].map((m) => ({ args: m[1], shown: m[2], real: sampleOutput(m[1]) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  if (process.argv.includes('--write')) {
    writeFileSync(file, text.replace(BLOCK, (_, args) => `\`\`\`console\n$ npx pgsafe ${args}\n${sampleOutput(args)}\`\`\``));
  } else {
    const stale = samples(text).filter((s) => s.shown !== s.real);
    for (const s of stale) process.stderr.write(`README.md: the sample of \`pgsafe ${s.args}\` is not the real output\n`);
    process.exitCode = stale.length ? 1 : 0;
  }
}
