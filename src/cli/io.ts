/** Process I/O for the CLI: stdin read whole, stdout written once, a closed pipe or a full disk handled in one line. */
import { appendFileSync } from "node:fs";

export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
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
