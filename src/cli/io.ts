/** Process I/O for the CLI: stdin read whole, stdout written once, quiet exit on a closed pipe. */
import { appendFileSync, readFileSync } from "node:fs";

export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function readFileBytes(path: string): Uint8Array {
  return readFileSync(path);
}

/** Helm 4 discards a post-renderer's stderr; FIX_STORAGE_LOG keeps what it would have said. */
export function appendLog(path: string | undefined, lines: readonly string[]): void {
  if (!path || lines.length === 0) return;
  try {
    appendFileSync(path, `${lines.map((line) => `${new Date().toISOString()} ${line}`).join("\n")}\n`);
  } catch {
    // The log is best effort: failing to write it must not fail the render.
  }
}
