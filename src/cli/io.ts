// The streams and surroundings a command runs with: the real ones from bin/pgsafe.js, buffers in tests.
import { InputTooLarge, readCapped } from '../source/read.js';
import { UsageError } from '../project/errors.js';

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

/** All of stdin, up to the input size limit (past it: a usage error naming the limit). */
export async function readAll(stdin: CliIo['stdin']): Promise<Buffer> {
  try {
    return await readCapped(stdin, 'stdin');
  } catch (err) {
    if (err instanceof InputTooLarge) throw new UsageError(err.message);
    throw err;
  }
}

/** Colour when the stream is a terminal, unless NO_COLOR; FORCE_COLOR forces it either way. */
export function useColor(stream: OutStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !!stream.isTTY;
}
