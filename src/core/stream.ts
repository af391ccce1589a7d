/**
 * The reader: splits a manifest stream into documents without parsing them, keeping every byte.
 * Concatenating `text` of all documents gives back the input exactly.
 */
import { decodeInput } from "./text.js";

export interface RawDocument {
  /** 1-based position in the stream. */
  index: number;
  /** Offset of the first character in the decoded stream, in UTF-16 code units (informational: nothing reads it back). */
  offset: number;
  /** 1-based line of the first character in the stream. */
  line: number;
  /** Exact bytes: separator line, comments, content, end marker. */
  text: string;
}

const MARKER_FOLLOWERS = new Set([" ", "\t", "\r", "\n"]);

function isMarkerAt(text: string, at: number, marker: "---" | "..."): boolean {
  if (!text.startsWith(marker, at)) return false;
  const next = text[at + 3];
  return next === undefined || MARKER_FOLLOWERS.has(next);
}

/** True when the text holds nothing but blank lines, comments, directives and document markers. */
export function hasNoContent(text: string): boolean {
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/^\uFEFF/, "").trim();
    if (line === "" || line.startsWith("#") || line.startsWith("%") || line === "..." || line === "---") continue;
    if (line.startsWith("--- #") || line.startsWith("... #")) continue;
    return false;
  }
  return true;
}

export function splitStream(text: string): RawDocument[] {
  const starts: number[] = [0];
  let afterEndMarker = -1;
  let startsWithMarker = false;
  for (let at = 0; at < text.length; ) {
    const newline = text.indexOf("\n", at);
    const next = newline === -1 ? text.length : newline + 1;
    const lineStart = at === 0 && text.charCodeAt(0) === 0xfeff ? 1 : at;
    if (isMarkerAt(text, lineStart, "---")) {
      if (at !== 0) starts.push(at);
      else startsWithMarker = true;
      afterEndMarker = -1;
    } else if (isMarkerAt(text, lineStart, "...")) {
      afterEndMarker = next;
    } else if (afterEndMarker !== -1 && !hasNoContent(text.slice(at, next))) {
      // A bare document after `...` starts a document of its own.
      starts.push(afterEndMarker);
      afterEndMarker = -1;
    }
    at = next;
  }
  starts.push(text.length);
  const pieces: string[] = [];
  for (let i = 0; i + 1 < starts.length; i++) pieces.push(text.slice(starts[i], starts[i + 1]));
  return documentsOf(pieces, startsWithMarker);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const LF = 0x0a;
const DASH = 0x2d;
const DOT = 0x2e;

function isByteMarkerAt(bytes: Uint8Array, at: number, mark: typeof DASH | typeof DOT): boolean {
  if (bytes[at] !== mark || bytes[at + 1] !== mark || bytes[at + 2] !== mark) return false;
  const next = bytes[at + 3];
  return next === undefined || next === 0x20 || next === 0x09 || next === 0x0d || next === LF;
}

/**
 * splitStream on the undecoded input: the markers are ASCII, so the documents are found on the bytes and each is
 * decoded on its own. No string of the whole stream is made, and a document without a non-ASCII character stays a
 * one-byte string in V8 even when another document has one. Same documents as `splitStream(decodeInput(bytes))`,
 * `offset` included (in characters of that decoded stream), and the same error for bytes that are not UTF-8 text.
 */
export function splitStreamBytes(bytes: Uint8Array): RawDocument[] {
  const starts: number[] = [0];
  let afterEndMarker = -1;
  let startsWithMarker = false;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  for (let at = 0; at < bytes.length; ) {
    const newline = bytes.indexOf(LF, at);
    const next = newline === -1 ? bytes.length : newline + 1;
    const lineStart = at === 0 && bom ? 3 : at;
    if (isByteMarkerAt(bytes, lineStart, DASH)) {
      if (at !== 0) starts.push(at);
      else startsWithMarker = true;
      afterEndMarker = -1;
    } else if (isByteMarkerAt(bytes, lineStart, DOT)) {
      afterEndMarker = next;
    } else if (afterEndMarker !== -1 && !hasNoContent(lenientUtf8.decode(bytes.subarray(at, next)))) {
      // Lenient here: bytes that are not UTF-8 are refused below, wherever the documents were cut.
      starts.push(afterEndMarker);
      afterEndMarker = -1;
    }
    at = next;
  }
  starts.push(bytes.length);
  const pieces: string[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    // Cuts are at line starts, so no character is cut in two: the stream is UTF-8 exactly when every piece is.
    let piece: string;
    try {
      piece = strictUtf8.decode(bytes.subarray(starts[i], starts[i + 1]));
    } catch {
      throw refusal(bytes);
    }
    if (piece.includes("\0")) throw refusal(bytes);
    pieces.push(piece);
  }
  return documentsOf(pieces, startsWithMarker);
}

/** The error decodeInput gives for the whole stream: its offset and line are the stream's, wherever the bad byte is. */
function refusal(bytes: Uint8Array): Error {
  try {
    decodeInput(bytes);
  } catch (error) {
    return error as Error;
  }
  return new Error("internal error: a document is not UTF-8 text but the stream is");
}

/** Pieces of the stream, cut at each document start, in order: the documents, with their offsets and lines. */
function documentsOf(cut: readonly string[], startsWithMarker: boolean): RawDocument[] {
  const pieces = [...cut];
  // Comments and directives before the first `---` belong to that document, as in YAML itself.
  const head = pieces[0] as string;
  if (!startsWithMarker && pieces.length > 1 && hasNoContent(head) && !/^\.\.\.(?:[ \t]|\r?$)/m.test(head)) {
    pieces.splice(0, 2, head + (pieces[1] as string));
  }

  const documents: RawDocument[] = [];
  let line = 1;
  let offset = 0;
  for (const text of pieces) {
    if (text === "" && documents.length > 0) continue;
    documents.push({ index: documents.length + 1, offset, line, text });
    line += countNewlines(text);
    offset += text.length;
  }
  return documents;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

const SOURCE_COMMENT = /^# Source: (.+?)\s*$/;

/** The `# Source:` comment Helm 3 writes at the top of each document (searched only in its header). */
export function sourceComment(text: string): string | undefined {
  for (const rawLine of text.split("\n", 20)) {
    const line = rawLine.replace(/^\uFEFF/, "");
    const match = SOURCE_COMMENT.exec(line);
    if (match) return match[1];
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#") && !trimmed.startsWith("---") && !trimmed.startsWith("%")) return undefined;
  }
  return undefined;
}

export function lineEnding(text: string): "\n" | "\r\n" {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}
