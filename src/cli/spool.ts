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

class FileSpool implements Spool {
  private size = 0;
  private failed = false;
  /** Reused by every read: a new buffer per document would pile up as garbage while the output is written. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly fd: number,
    private readonly directory: string,
  ) {}

  append(bytes: Uint8Array): number | undefined {
    if (this.failed) return undefined;
    const start = this.size;
    try {
      for (let written = 0; written < bytes.length; ) {
        written += writeSync(this.fd, bytes, written, bytes.length - written, start + written);
      }
    } catch {
      // A full disk: this and every later document stay in memory; those already spooled are still read from here.
      this.failed = true;
      return undefined;
    }
    this.size += bytes.length;
    return start;
  }

  read(start: number, length: number): Uint8Array {
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    const bytes = this.scratch.subarray(0, length);
    let reason: string | undefined;
    try {
      for (let got = 0; got < length && reason === undefined; ) {
        const read = readSync(this.fd, bytes, got, length - got, start + got);
        if (read === 0) reason = "the file is shorter than what was written to it";
        got += read;
      }
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    if (reason !== undefined) throw new SpoolReadError(`cannot read back the input kept in a temporary file under ${this.directory}: ${reason}`);
    return bytes;
  }
}

/** A spooled document could not be read back: an I/O error under TMPDIR, after the input was read whole. */
export class SpoolReadError extends FixStorageError {}
