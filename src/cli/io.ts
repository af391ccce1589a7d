/** Process I/O for the CLI: input read in chunks, stdout written after success, a closed pipe or a full disk in one line. */
import { appendFileSync, readSync, writeSync } from "node:fs";
import { SpoolReadError } from "./spool.js";

const CHUNK_BYTES = 1 << 20;

/** How chunks are given: `lent`, valid only during the call, which copies what it keeps (as StreamSplitter.push does). */
export interface ChunkOptions {
  lent?: boolean;
}

/**
 * Reads `fd` to its end with blocking reads: no stream machinery at start-up, and each chunk filled before it is given.
 * A new buffer each time, which the receiver may keep; or, when chunks are lent, one buffer filled again: memory never
 * touched before costs more than the receiver's copy (7 ms of a 40 MB stream's run). False when the fd is
 * non-blocking (EAGAIN: its writer set O_NONBLOCK), after giving what was read.
 */
export function readChunksSync(fd: number, onChunk: (chunk: Uint8Array) => void, { lent = false }: ChunkOptions = {}): boolean {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, chunk, filled, chunk.length - filled, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EOF") break; // Windows: the writer closed the pipe
      if (code !== "EAGAIN") throw error;
      if (filled > 0) onChunk(chunk.subarray(0, filled));
      return false;
    }
    if (read === 0) break;
    filled += read;
    if (filled === chunk.length) {
      onChunk(chunk);
      if (!lent) chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      filled = 0;
    }
  }
  if (filled > 0) onChunk(chunk.subarray(0, filled));
  return true;
}

/** stdin chunk by chunk, so the CLI splits it into documents as it arrives; a non-blocking stdin goes on through process.stdin. */
export async function readStdinChunks(onChunk: (chunk: Uint8Array) => void, options: ChunkOptions = {}): Promise<void> {
  if (readChunksSync(0, onChunk, options)) return;
  for await (const rest of process.stdin) onChunk(rest as Buffer);
}

/** stdin whole. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await readStdinChunks((chunk) => chunks.push(chunk));
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
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

/** Documents are gathered into writes of about this many bytes: few system calls, no copy of the whole stream. */
const BATCH_BYTES = 1 << 20;

/**
 * The parts encoded straight into one reused buffer of BATCH_BYTES (joining them into a string first, then encoding
 * it, cost ten times as much; a new buffer per batch held the whole output until the next collection). Each batch is
 * valid only until the next is asked for: a caller that keeps one copies it. A part never spans two batches:
 * documents end at line breaks, so no character is cut.
 */
function* batches(parts: Iterable<string | Uint8Array>): Generator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(BATCH_BYTES);
  let filled = 0;
  for (const part of parts) {
    // UTF-8 takes at most three bytes for each UTF-16 unit.
    const most = typeof part === "string" ? part.length * 3 : part.length;
    if (filled > 0 && filled + most > buffer.length) {
      yield buffer.subarray(0, filled);
      filled = 0;
    }
    if (most > buffer.length) {
      yield typeof part === "string" ? Buffer.from(part) : part;
      continue;
    }
    if (typeof part === "string") filled += buffer.write(part, filled);
    else {
      buffer.set(part, filled);
      filled += part.length;
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/**
 * Writes the outcome: stderr, then stdout, which the caller gives only after everything succeeded (in parts: the
 * fixed stream document by document, never joined into one string). A reader that went away (EPIPE) ends the process
 * quietly with the outcome's code; any other write error (a full disk: ENOSPC) is one line on stderr and exit 2,
 * never a stack trace. Once both are written, blocking, the process exits at once (see exitWritten).
 */
export function writeOutcome(stdout: string | Iterable<string | Uint8Array>, stderr: readonly string[], code: number): void {
  process.exitCode = code;
  const failed = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(code);
    const reason = error.code === "ENOSPC" ? "no space left on device (ENOSPC)" : (error.code ?? error.message);
    // Reading a spooled document back failed (spool.ts): only an I/O error under TMPDIR can cause it.
    const what = error instanceof SpoolReadError ? `the output stopped part-way: ${error.message}` : `cannot write the output: ${reason}`;
    try {
      process.stderr.write(`fix-storage: ${what}\n`);
    } finally {
      process.exit(2);
    }
  };
  const stderrWritten = stderr.length === 0 || writeStderr(`${stderr.join("\n")}\n`, code);
  // Blocking writes to fd 1: process.stdout is not created, since creating it makes a pipe non-blocking.
  const pending = batches(typeof stdout === "string" ? [stdout] : stdout);
  try {
    // Not for-of: leaving it would close the generator that writeThroughStream goes on with.
    for (let next = pending.next(); !next.done; next = pending.next()) {
      const bytes = next.value;
      for (let written = 0; written < bytes.length; ) {
        try {
          written += writeSync(1, bytes, written);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
          // A non-blocking stdout (the parent's pipe, or stderr's handle on the same pipe): the rest goes through
          // process.stdout, one batch at a time as the pipe drains.
          writeThroughStream(Buffer.from(bytes.subarray(written)), pending, failed);
          return;
        }
      }
    }
  } catch (error) {
    failed(error as NodeJS.ErrnoException);
    return;
  }
  if (stderrWritten) exitWritten(code);
}

/**
 * Everything is written and nothing else is pending, so the process ends here instead of returning to Node: Node
 * would then tear V8's heap down page by page (about 130 system calls after 2,000 documents), which the system does at
 * exit anyway. 16 ms less at 2,000 documents and 9 ms at 100 (npm run bench). 'exit' listeners still run.
 */
function exitWritten(code: number): never {
  process.exit(code);
}

/**
 * Blocking writes to fd 2 as well: process.stderr, a socket on a pipe, is created only when the pipe is non-blocking.
 * Nobody reading stderr (EPIPE) is no reason to stop: stdout is still written. False when the rest was handed to
 * process.stderr, which writes it after this returns.
 */
function writeStderr(text: string, code: number): boolean {
  const bytes = Buffer.from(text);
  for (let written = 0; written < bytes.length; ) {
    try {
      written += writeSync(2, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return true;
      process.stderr.on("error", (failure: NodeJS.ErrnoException) => {
        if (failure.code === "EPIPE") process.exit(code);
      });
      process.stderr.write(bytes.subarray(written));
      return false;
    }
  }
  return true;
}

function writeThroughStream(first: Uint8Array, rest: Iterator<Uint8Array>, failed: (error: NodeJS.ErrnoException) => void): void {
  const out = process.stdout;
  out.on("error", failed);
  let chunk = first;
  const pump = () => {
    for (;;) {
      const more = out.write(chunk);
      let next: IteratorResult<Uint8Array>;
      try {
        next = rest.next();
      } catch (error) {
        failed(error as NodeJS.ErrnoException);
        return;
      }
      if (next.done) return;
      // The stream keeps the chunk until it drains; the batch's buffer is reused for the next one.
      chunk = Buffer.from(next.value);
      if (!more) {
        out.once("drain", pump);
        return;
      }
    }
  };
  pump();
}
