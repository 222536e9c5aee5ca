// test/cli's helpers: the CLI in process (see test/helpers/cli.ts).
export { BIN, git, ROOT, runCli as run, runProcess, tmp } from '../helpers/cli.js';
