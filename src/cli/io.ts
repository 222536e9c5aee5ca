// The streams and surroundings a command runs with: the real ones from bin/pgsafe.js, buffers in tests.

export interface OutStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: AsyncIterable<Buffer | string | Uint8Array>;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The process's own streams, working directory and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

export async function readAll(stdin: CliIo['stdin']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Colour when the stream is a terminal, unless NO_COLOR; FORCE_COLOR forces it either way. */
export function useColor(stream: OutStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !!stream.isTTY;
}
