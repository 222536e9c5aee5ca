// docs/editors.md's Neovim snippet, run as written in a headless Neovim: the one for the installed version
// (vim.lsp.config from 0.11, the start_client autocommand before). Runs when `nvim` is installed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sh, tempDir, write } from './helpers.js';

const version = /NVIM v(\d+)\.(\d+)/.exec(sh('nvim', ['--version'], ROOT).stdout);
const lua = [...readFileSync(join(ROOT, 'docs/editors.md'), 'utf8').matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]);

describe.skipIf(!version)('Neovim snippet in docs/editors.md', () => {
  it(`shows pgsafe's diagnostics in Neovim ${version?.[1]}.${version?.[2]}`, () => {
    const modern = Number(version![1]) > 0 || Number(version![2]) >= 11;
    const snippet = lua.find((l) => (modern ? l.includes("vim.lsp.enable('pgsafe')") : l.includes('vim.lsp.start_client')));
    expect(snippet).toBeDefined();
    const dir = tempDir('nvim');
    // `pgsafe` on PATH, as the snippet expects.
    write(dir, { 'bin/pgsafe': `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/pgsafe.js')}" "$@"\n`, 'init.lua': snippet!, 'm/001.sql': 'CREATE INDEX i ON t (a);\n' });
    sh('chmod', ['+x', join(dir, 'bin/pgsafe')], dir);
    writeFileSync(join(dir, 'check.lua'), [
      "vim.cmd('edit m/001.sql')",
      'local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 100)',
      "for _, d in ipairs(vim.diagnostic.get(0)) do io.stdout:write(string.format('%d:%d %s\\n', d.lnum + 1, d.col + 1, d.code or '')) end",
      "io.stdout:write(ok and 'DIAGNOSTICS\\n' or 'NONE\\n')",
      "vim.cmd('qa!')",
    ].join('\n'));
    const r = sh('nvim', ['--headless', '-u', join(dir, 'init.lua'), '-c', `luafile ${join(dir, 'check.lua')}`], dir, { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, XDG_STATE_HOME: dir, XDG_DATA_HOME: dir });
    expect(r.stdout + r.stderr).toContain('DIAGNOSTICS');
    expect(r.stdout).toContain('1:1 require-concurrent-index-creation');
  }, 60_000);
});
