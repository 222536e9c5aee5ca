#!/usr/bin/env node
import v8 from 'node:v8';

// The parser is WASM (libpg-query). V8 compiles it with Liftoff, then re-compiles hot
// functions with TurboFan in the background; for a CLI that lives a fraction of a
// second that second compile is wasted work (measured: 0.65 s → 0.30 s of CPU for a
// single-file lint, and no slower on the 3,193-file corpus). Must be set before the
// WASM module is compiled.
v8.setFlagsFromString('--liftoff-only');

// Output piped into `head` and the like closes early: stop quietly, as other CLIs do.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// The real streams, working directory and environment; tests call main() with their own.
const { main, processIo } = await import('../dist/bundle/main.js');
main(process.argv, processIo()).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`pgsafe: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = 2;
  },
);
