/** Process I/O for the CLI: stdin read whole, stdout written once, a closed pipe or a full disk handled in one line. */
import { appendFileSync, readSync } from "node:fs";

const CHUNK_BYTES = 1 << 20;

/**
 * Reads fd 0 with blocking reads: no stream machinery at start-up, and each chunk filled before the next is made.
 * A non-blocking stdin (EAGAIN: its writer set O_NONBLOCK) continues through process.stdin, keeping what was read.
 */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(0, chunk, filled, chunk.length - filled, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EOF") break; // Windows: the writer closed the pipe
      if (code !== "EAGAIN") throw error;
      chunks.push(chunk.subarray(0, filled));
      for await (const rest of process.stdin) chunks.push(rest as Buffer);
      return Buffer.concat(chunks);
    }
    if (read === 0) break;
    filled += read;
    if (filled === chunk.length) {
      chunks.push(chunk);
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      filled = 0;
    }
  }
  if (chunks.length === 0) return chunk.subarray(0, filled);
  chunks.push(chunk.subarray(0, filled));
  return Buffer.concat(chunks);
}

/**
 * Helm 4 discards a post-renderer's stderr; FIX_STORAGE_LOG keeps what it would have said. Returns what went wrong
 * when the log cannot be written: the user asked for it because stderr is lost, so silence would hide every error.
 */
export function appendLog(path: string | undefined, lines: readonly string[]): string | undefined {
  if (!path || lines.length === 0) return undefined;
  const stamp = new Date().toISOString();
  try {
    appendFileSync(path, `${lines.map((line) => `${stamp} ${line}`).join("\n")}\n`);
    return undefined;
  } catch (error) {
    return `cannot write FIX_STORAGE_LOG ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (unset it, or point it at a writable file)`;
  }
}

/**
 * Writes the outcome: stderr, then stdout once. A reader that went away (EPIPE) ends the process quietly with the
 * outcome's code; any other write error (a full disk: ENOSPC) is one line on stderr and exit 2, never a stack trace.
 */
export function writeOutcome(stdout: string, stderr: readonly string[], code: number): void {
  process.exitCode = code;
  const failed = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(code);
    const reason = error.code === "ENOSPC" ? "no space left on device (ENOSPC)" : (error.code ?? error.message);
    try {
      process.stderr.write(`fix-storage: cannot write the output: ${reason}\n`);
    } finally {
      process.exit(2);
    }
  };
  process.stdout.on("error", failed);
  process.stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(code);
  });
  if (stderr.length > 0) process.stderr.write(`${stderr.join("\n")}\n`);
  if (stdout === "") return;
  try {
    process.stdout.write(stdout);
  } catch (error) {
    failed(error as NodeJS.ErrnoException);
  }
}
