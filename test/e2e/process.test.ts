// The built CLI as a real process (bin/pgsafe.js → dist/): what only a process shows. Everything else about
// the CLI is tested in process through main(argv, io) (test/e2e/cli.test.ts).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runProcess } from '../helpers/cli.js';

describe('bin/pgsafe.js', () => {
  it('exits 1 on findings and 0 on a clean file', () => {
    expect(runProcess(['lint', 'fixtures/plain/unsafe-add-index.sql']).code).toBe(1);
    expect(runProcess(['lint', 'fixtures/plain/safe-add-index.sql']).code).toBe(0);
  });

  it('reads piped stdin with -', () => {
    const r = runProcess(['lint', '-', '--stdin-filename', 'db/001.sql', '--format', 'gcc'], { input: 'DROP TABLE users;\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^db\/001\.sql:1:1: error: .*\[ban-drop-table\]$/m);
  });

  it('exits 2 with one line on stderr for an unknown option, before or after the command', () => {
    for (const args of [['lint', '--no-such-flag', 'x.sql'], ['--no-such-flag', 'lint']]) {
      const r = runProcess(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pgsafe: unknown option '--no-such-flag'/);
    }
  });

  it('stops quietly when the reader of its output goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, [BIN, 'rules'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
