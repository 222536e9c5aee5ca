#!/usr/bin/env node
// Output piped into `head` and the like closes early: stop quietly, as other CLIs do.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const { main } = await import('../dist/src/cli/main.js');
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`pgsafe: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = 2;
  },
);
