import { FixStorageError } from "./errors.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes the input strictly: manifests are UTF-8 text, so invalid bytes or NUL mean the input is not what we think. */
export function decodeInput(bytes: Uint8Array): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new FixStorageError(`input is not valid UTF-8 (first bad byte at offset ${offset})`, lineAt(bytes, offset));
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    throw new FixStorageError("input contains a NUL byte; manifests are text", lineColumn(text, nul));
  }
  return text;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // Binary search on the longest decodable prefix; a truncated sequence at the cut also fails, so step back up to 3.
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (decodesWithSlack(bytes.subarray(0, mid))) low = mid;
    else high = mid - 1;
  }
  return low;
}

function decodesWithSlack(prefix: Uint8Array): boolean {
  for (let cut = 0; cut <= 3 && cut <= prefix.length; cut++) {
    try {
      strictUtf8.decode(prefix.subarray(0, prefix.length - cut));
      return true;
    } catch {
      // try a shorter cut
    }
  }
  return false;
}

function lineAt(bytes: Uint8Array, offset: number): { line: number } {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return { line };
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
