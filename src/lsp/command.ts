import type { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import { initParser } from '../source/index.js';

const OTHER_TRANSPORTS = /^--(node-ipc|socket|pipe)(=|$)/;

/** `pgsafe lsp`: the language server. vscode-languageserver is loaded only when it runs. */
export function registerLspCommand(program: Command, io: { stdin: unknown; stdout: unknown }): void {
  program
    .command('lsp')
    .description('run the language server over stdin/stdout (diagnostics, hover, quick fixes)')
    .option('--stdio', 'talk LSP over stdin/stdout (the default and only transport)')
    // Clients append their own flags (`--clientProcessId=<pid>`); they are not ours to reject.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_opts: unknown, cmd: Command) => {
      const other = cmd.args.find((a) => OTHER_TRANSPORTS.test(a));
      if (other) throw new UsageError(`lsp: ${other} is not supported; pgsafe's language server speaks over stdio (--stdio)`);
      // The parser's WASM loads while vscode-languageserver is imported.
      void initParser();
      const { startServer } = await import('./server.js');
      const connection = startServer({ input: io.stdin as NodeJS.ReadableStream, output: io.stdout as NodeJS.WritableStream });
      // The server ends the process itself on `exit` or when the client closes stdin.
      await new Promise<void>((resolve) => connection.onExit(resolve));
    });
}
