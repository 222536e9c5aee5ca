import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const url = (...p: string[]) => pathToFileURL(join(root, ...p)).href;

it('`pgsafe lint` does not load vscode-languageserver; the lsp command does', () => {
  // vscode-languageserver is CommonJS, so once imported its files sit in the require cache.
  const script = `
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const count = () => Object.keys(cache).filter((k) => k.includes('vscode-languageserver')).length;
    const { main } = await import(${JSON.stringify(url('dist', 'src', 'cli', 'main.js'))});
    const write = process.stdout.write;
    process.stdout.write = () => true;
    const code = await main(['node', 'pgsafe', 'lint', '--format', 'json', ${JSON.stringify(join(root, 'fixtures', 'plain', 'unsafe-add-index.sql'))}]);
    process.stdout.write = write;
    const afterLint = count();
    await import(${JSON.stringify(url('dist', 'src', 'lsp', 'server.js'))});
    console.log(JSON.stringify({ code, afterLint, afterServer: count() }));
    process.exitCode = 0;
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
  expect(out.code).toBe(1);
  expect(out.afterLint).toBe(0);
  expect(out.afterServer).toBeGreaterThan(0);
});

it.each(['--node-ipc', '--socket=6009', '--pipe=/tmp/pgsafe.sock'])('rejects the %s transport with exit code 2', (flag) => {
  const r = spawnSync(process.execPath, ['bin/pgsafe.js', 'lsp', flag], { cwd: root, encoding: 'utf8', input: '' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`${flag} is not supported; pgsafe's language server speaks over stdio`);
  expect(r.stdout).toBe('');
});
