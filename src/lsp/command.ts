import type { Command } from 'commander';

/** `pgsafe lsp`: the language server. vscode-languageserver is loaded only when it runs. */
export function registerLspCommand(program: Command): void {
  program
    .command('lsp')
    .description('run the language server over stdin/stdout (diagnostics, hover, quick fixes)')
    .option('--stdio', 'talk LSP over stdin/stdout (the default and only transport)')
    // Clients append their own flags (`--clientProcessId=<pid>`); they are not ours to reject.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => {
      const { startServer } = await import('./server.js');
      const connection = startServer({ input: process.stdin, output: process.stdout });
      // The server ends the process itself on `exit` or when the client closes stdin.
      await new Promise<void>((resolve) => connection.onExit(resolve));
    });
}
