/**
 * A large stream's documents kept in a private temporary file instead of memory (see StreamSplitter): the process then
 * holds the documents rules read, not the whole input, whose untouched documents are copied back to stdout byte for
 * byte. Where no such file can be made (a read-only file system, a full disk), the documents stay in memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixStorageError } from "../core/errors.js";
import type { SplitterOptions, Spool } from "../core/stream.js";

/**
 * Text held in memory before later documents are spooled. Most Helm renders are smaller (a release must fit a 1 MiB
 * Secret, compressed), so they never are.
 */
export const SPOOL_AFTER_BYTES = 8 * 1024 * 1024;

/** A spool in a new file under TMPDIR, or undefined when none can be made. */
export function openFileSpool(directory: string = tmpdir()): Spool | undefined {
  let made: string | undefined;
  try {
    made = mkdtempSync(join(directory, "fix-storage-"));
    const path = join(made, "input");
    const fd = openSync(path, "wx+", 0o600);
    removeWhileOpen(made, path, fd);
    return new FileSpool(fd, directory);
  } catch {
    if (made !== undefined) removeQuietly(made);
    return undefined;
  }
}

/**
 * The splitter options of one run: its inputs together hold SPOOL_AFTER_BYTES (however many files `check` reads
 * before it checks them), and every document past that goes to one spool (one file and one descriptor). Documents
 * under 512 bytes are held: a spooled document's bookkeeping would outweigh them.
 */
export function spoolingInputs(): SplitterOptions {
  let spool: Spool | null | undefined;
  return {
    spool: () => {
      if (spool === undefined) spool = openFileSpool() ?? null;
      return spool ?? undefined;
    },
    holdBytes: SPOOL_AFTER_BYTES,
    smallestSpooled: 512,
    heldText: { bytes: 0 },
  };
}

function removeQuietly(directory: string): void {
  try {
    rmSync(directory, { recursive: true, force: true });
  } catch {
    // Nothing to report: the file in it was already removed or is closed, and TMPDIR is the system's to clean.
  }
}

/**
 * Removes the file at once where an open file can be removed (POSIX: it then disappears even if the process is
 * killed), else when the process exits (Windows).
 */
function removeWhileOpen(directory: string, path: string, fd: number): void {
  try {
    unlinkSync(path);
    rmSync(directory, { recursive: true, force: true });
  } catch {
    process.once("exit", () => {
      try {
        closeSync(fd);
        rmSync(directory, { recursive: true, force: true });
      } catch {
        // The process is ending: a file left in TMPDIR is the system's to clean, not a reason for a stack trace.
      }
    });
  }
}

/** Appended bytes are written a chunk at a time: a write per document cost a 40 MB stream about 0.17 s. */
const WRITE_CHUNK = 1024 * 1024;
/** Bytes read at once when reads follow one another (see FileSpool.read). */
const READ_AHEAD = 1024 * 1024;

export class FileSpool implements Spool {
  /** Bytes appended, and how many of them were handed to the file (the pending chunk starts there). */
  private size = 0;
  private written = 0;
  private readonly pending = Buffer.allocUnsafe(WRITE_CHUNK);
  private pendingLength = 0;
  /** What a failed write left in memory: its documents were given a place here, and must still be read. */
  private readonly unwritten: { start: number; bytes: Buffer }[] = [];
  private failed = false;
  /** Reused by reads not served from `ahead`: a new buffer per document would pile up as garbage. */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** Bytes read ahead for reads that follow one another (see read), and where they start in the file. */
  private ahead: Buffer | undefined;
  private aheadStart = 0;
  private aheadLength = 0;
  /** Where the last read ended. */
  private lastEnd = -1;

  constructor(
    private readonly fd: number,
    private readonly directory: string,
  ) {}

  append(bytes: Uint8Array): number | undefined {
    if (this.failed) return undefined;
    if (this.pendingLength + bytes.length > WRITE_CHUNK) this.flush();
    // A full disk: this and every later document stay in memory; those already given a place are still read.
    if (this.failed) return undefined;
    const start = this.size;
    if (bytes.length >= WRITE_CHUNK) {
      if (!this.write(bytes, start)) {
        this.failed = true;
        return undefined;
      }
      this.written += bytes.length;
    } else {
      this.pending.set(bytes, this.pendingLength);
      this.pendingLength += bytes.length;
    }
    this.size += bytes.length;
    return start;
  }

  /**
   * The bytes at `start`, valid until the next read. A read that starts where the last one ended (the output, which
   * reads the spool in order) reads READ_AHEAD bytes at once, and the reads after it are served from them: a 40 MB
   * stream's run reads the file 1,941 times instead of 14,370.
   */
  read(start: number, length: number): Uint8Array {
    if (start + length > this.written) this.flush();
    const sequential = start === this.lastEnd;
    this.lastEnd = start + length;
    const ahead = this.ahead;
    if (ahead !== undefined && start >= this.aheadStart && start + length <= this.aheadStart + this.aheadLength) {
      return ahead.subarray(start - this.aheadStart, start - this.aheadStart + length);
    }
    const kept = this.unwritten.find((chunk) => start >= chunk.start && start + length <= chunk.start + chunk.bytes.length);
    if (kept !== undefined) {
      const bytes = this.scratchOf(length);
      bytes.set(kept.bytes.subarray(start - kept.start, start - kept.start + length));
      return bytes;
    }
    // Only what the file holds for certain: written, and not left in memory by a failed write.
    const readable = this.unwritten[0]?.start ?? this.written;
    if (sequential && length > 0 && length < READ_AHEAD && start + length <= readable) {
      this.ahead ??= Buffer.allocUnsafe(READ_AHEAD);
      this.aheadStart = start;
      this.aheadLength = Math.min(READ_AHEAD, readable - start);
      this.readFile(this.ahead.subarray(0, this.aheadLength), start);
      return this.ahead.subarray(0, length);
    }
    const bytes = this.scratchOf(length);
    this.readFile(bytes, start);
    return bytes;
  }

  private scratchOf(length: number): Buffer {
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    return this.scratch.subarray(0, length);
  }

  private readFile(bytes: Buffer, start: number): void {
    let reason: string | undefined;
    try {
      for (let got = 0; got < bytes.length && reason === undefined; ) {
        const read = readSync(this.fd, bytes, got, bytes.length - got, start + got);
        if (read === 0) reason = "the file is shorter than what was written to it";
        got += read;
      }
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    if (reason !== undefined) {
      this.aheadLength = 0;
      throw new SpoolReadError(`cannot read back the input kept in a temporary file under ${this.directory}: ${reason}`);
    }
  }

  /** Hands the pending chunk to the file, or, when it cannot be written, keeps it in memory. */
  private flush(): void {
    if (this.pendingLength === 0) return;
    const chunk = this.pending.subarray(0, this.pendingLength);
    if (!this.write(chunk, this.written)) {
      this.failed = true;
      this.unwritten.push({ start: this.written, bytes: Buffer.from(chunk) });
    }
    this.written += this.pendingLength;
    this.pendingLength = 0;
  }

  private write(bytes: Uint8Array, position: number): boolean {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
      return true;
    } catch {
      return false;
    }
  }
}

/** A spooled document could not be read back: an I/O error under TMPDIR, after the input was read whole. */
export class SpoolReadError extends FixStorageError {}
