/**
 * The reader: splits a manifest stream into documents without parsing them, keeping every byte.
 * Concatenating `text` of all documents gives back the input exactly.
 */
import { kindLineMayMislead, statedKind } from "./stated-kind.js";
import { byteOrderMarkError, documentStartingMark, gluedMarker, gluedMarkerError, lenientUtf8, notUtf8Error, nulByteError, strictUtf8 } from "./text.js";

export interface RawDocument {
  /** 1-based position in the stream. */
  readonly index: number;
  /** Offset of the first character in the decoded stream, in UTF-16 code units (informational: nothing reads it back). */
  readonly offset: number;
  /** 1-based line of the first character in the stream. */
  readonly line: number;
  /** Exact bytes: separator line, comments, content, end marker (a spooled document's are read back on each use). */
  readonly text: string;
  /** A spooled document's facts, taken from its text while the reader had it. */
  readonly facts?: TextFacts;
  /**
   * A spooled document's exact bytes, read back without decoding them: valid only until the next read from the
   * spool, so a caller copies them at once (as a writer does).
   */
  bytes?(): Uint8Array;
}

/** What the rules ask of every document's text before they read it (see ManifestStream.mayHold). */
export interface TextFacts {
  /** The kind its one column-0 `kind:` line states (statedKind), or null. */
  readonly kind: string | null;
  /** It may spell a word without its letters: a backslash escape, or a !!binary scalar (mayEncodeAnyWord). */
  readonly escaped: boolean;
  readonly kindLineMayMislead: boolean;
  /** It starts with a `---` line: every document but the first does, except one after a `...` end marker. */
  readonly marked: boolean;
}

/**
 * Whether a word may be in the text without its letters: a backslash (an escape in a double-quoted scalar), or a
 * binary tag, whose base64 Kubernetes' reader decodes into a string (`kind: !!binary UGVy…`).
 */
export function mayEncodeAnyWord(text: string): boolean {
  return text.includes("\\") || mayHoldBinaryTag(text);
}

/** A binary tag, short (`!!binary`, `!b!binary` under a %TAG) or verbatim (`!<tag:yaml.org,2002:binary>`). */
export const BINARY_TAG = /!binary|:binary\b/;

/** BINARY_TAG.test, after a plain search for the word: the pattern stops at every `:`, which YAML is full of. */
export function mayHoldBinaryTag(text: string): boolean {
  return text.includes("binary") && BINARY_TAG.test(text);
}

/** A `---` line starts the text. */
export function startsWithMarkerLine(text: string): boolean {
  return /^---(?:[ \t\r\n]|$)/.test(text);
}

/**
 * `seen` keeps one facts object per distinct facts across the documents of a stream: a large stream's spooled
 * documents share a few, instead of each holding its own.
 */
export function textFacts(text: string, seen = new Map<string, TextFacts>()): TextFacts {
  const stated = statedKind(text);
  const escaped = mayEncodeAnyWord(text);
  const misleads = kindLineMayMislead(text);
  const marked = startsWithMarkerLine(text);
  const flags = `${escaped ? "e" : "-"}${misleads ? "m" : "-"}${marked ? "d" : "-"}${stated === undefined ? "" : ":"}`;
  let facts = seen.get(flags + (stated ?? ""));
  if (facts === undefined) {
    const kind = stated === undefined ? null : ownCopy(stated);
    facts = { kind, escaped, kindLineMayMislead: misleads, marked };
    seen.set(flags + (kind ?? ""), facts);
  }
  return facts;
}

/** A kind as a string of its own: V8 keeps a long slice as a view of the whole text, which a spool is to let go. */
function ownCopy(kind: string): string {
  return JSON.parse(JSON.stringify(kind)) as string;
}

/**
 * Where a large stream's documents are kept instead of as strings (the CLI's spool is a private temporary file), so
 * memory holds the documents the rules read, not the whole input.
 */
export interface Spool {
  /**
   * Keeps a copy of the bytes (they may be the reader's memory, reused after the call) and says where they start;
   * undefined when they could not be kept (they then stay in memory).
   */
  append(bytes: Uint8Array): number | undefined;
  /** The bytes kept there: valid until the next read, which may reuse their memory. */
  read(start: number, length: number): Uint8Array;
}

export interface SplitterOptions {
  /** Opened once the documents held as text pass `holdBytes`; each later document is spooled (see spooled()). */
  spool?: () => Spool | undefined;
  holdBytes?: number;
  /** Bytes of the smallest document spooled (at least 1). */
  smallestSpooled?: number;
  /** Bytes held so far, counted across every splitter given the same object: holdBytes is then one run's. */
  heldText?: { bytes: number };
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

/**
 * False when splitStream gives the text as one document without looking at its lines: no line after the first starts
 * with `---` or `...`, and the first is no `...` (content after an end marker starts a document of its own).
 */
export function mayHoldSeveralDocuments(text: string): boolean {
  return text.includes("\n---") || text.includes("\n...") || /^\uFEFF?\.\.\./.test(text);
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

const LF = 0x0a;
const DASH = 0x2d;
const DOT = 0x2e;
/** A line feed and the marker after it: a document's start or end is looked for with a search, not line by line. */
const DASHES_AFTER_LF = Buffer.from("\n---");
const DOTS_AFTER_LF = Buffer.from("\n...");

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
export function splitStreamBytes(bytes: Uint8Array, options: SplitterOptions = {}): RawDocument[] {
  const splitter = new StreamSplitter(options);
  splitter.push(bytes);
  return splitter.end();
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** Where the next line starts: after the line feed at or after `at`, or at the end. */
function lineEnd(block: Buffer, at: number): number {
  const newline = block.indexOf(LF, at);
  return newline === -1 ? block.length : newline + 1;
}

/** A copy (Buffer's own slice() is a view). */
function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * splitStreamBytes on bytes as they are read: each document is decoded as soon as the next one starts, so only the
 * document being read is held as bytes, never the whole stream. Lines are scanned once they are complete; documents
 * are cut only at line starts, so no character is cut in two (the stream is UTF-8 exactly when every piece is).
 * After bytes that are not UTF-8 text the rest is read but ignored, and `end` throws decodeInput's error.
 * `push` does not keep its chunk: a reader may fill the same buffer again. The documents inside a chunk are decoded
 * from it; only the bytes of the document still being read are copied.
 */
export class StreamSplitter {
  /** Stream offset of the first byte not scanned yet (always a line start). */
  private offset = 0;
  /** Bytes of a line whose newline has not arrived (copies). */
  private partialLine: Uint8Array[] = [];
  /** Scanned bytes of the document being read, from `pieceStart` to `offset`: views of the chunk being pushed, copies after. */
  private held: Uint8Array[] = [];
  private pieceStart = 0;
  private afterEndMarker = -1;
  private startsWithMarker = false;
  private readonly pieces: Piece[] = [];
  private notUtf8: Error | undefined;
  private nul: Error | undefined;
  /** A byte order mark starting a document after its `---`, then a line `---text` (refused in decodeInput's order). */
  private bom: Error | undefined;
  private glued: Error | undefined;
  /**
   * Stream offsets of lines not yet cut that start with `---` and are no marker (the scan for markers looks at every
   * such line): only a piece holding one is searched for the line gluedMarker refuses.
   */
  private dashLines: number[] = [];
  /** Bytes of the documents held as text so far (shared with a run's other splitters), and the spool once opened. */
  private readonly heldText: { bytes: number };
  /** null: none could be opened. */
  private spool: Spool | null | undefined;
  private readonly factsSeen = new Map<string, TextFacts>();

  constructor(private readonly options: SplitterOptions = {}) {
    this.heldText = options.heldText ?? { bytes: 0 };
  }

  push(chunk: Uint8Array): void {
    if (this.notUtf8 !== undefined || chunk.length === 0) return;
    const bytes = asBuffer(chunk);
    const lastNewline = bytes.lastIndexOf(LF);
    if (lastNewline === -1) {
      this.partialLine.push(copyOf(bytes));
      return;
    }
    let from = 0;
    if (this.partialLine.length > 0) {
      from = bytes.indexOf(LF) + 1;
      this.partialLine.push(bytes.subarray(0, from));
      this.scan(asBuffer(concatBytes(this.partialLine)));
      this.partialLine = [];
    }
    if (lastNewline + 1 > from) this.scan(bytes.subarray(from, lastNewline + 1));
    if (lastNewline + 1 < bytes.length) this.partialLine.push(copyOf(bytes.subarray(lastNewline + 1)));
    // What stays of the chunk is copied: the caller may reuse its memory. Only blocks this push added can be views of
    // it, and they are last: a walk over every held block would cost a document of many chunks their square.
    const held = this.held;
    for (let i = held.length - 1; i >= 0 && (held[i] as Uint8Array).buffer === bytes.buffer; i--) held[i] = copyOf(held[i] as Uint8Array);
  }

  end(): RawDocument[] {
    if (this.partialLine.length > 0 && this.notUtf8 === undefined) this.scan(asBuffer(concatBytes(this.partialLine)));
    this.partialLine = [];
    this.cut(this.offset);
    const refusal = this.notUtf8 ?? this.nul ?? this.bom ?? this.glued;
    if (refusal !== undefined) throw refusal;
    return documentsOf(this.pieces, this.startsWithMarker);
  }

  /**
   * Whole lines (the last one without its newline only at the end of the stream). Only lines that may matter are
   * looked at: the first, those that start with `---` or `...`, and after an end marker every line up to content.
   */
  private scan(block: Buffer): void {
    if (this.notUtf8 !== undefined) return;
    this.held.push(block);
    const base = this.offset;
    // Where the next "\n---" and "\n..." are (their line feed), once searched; -1 when there is none.
    let dashes = -2;
    let dots = -2;
    for (let at = 0; at < block.length; ) {
      this.scanLine(block, base, at);
      if (this.afterEndMarker !== -1) {
        const newline = block.indexOf(LF, at);
        if (newline === -1) break;
        at = newline + 1;
        continue;
      }
      if (dashes !== -1 && dashes < at) dashes = block.indexOf(DASHES_AFTER_LF, at);
      if (dots !== -1 && dots < at) dots = block.indexOf(DOTS_AFTER_LF, at);
      if (dashes === -1 && dots === -1) break;
      at = (dashes === -1 ? dots : dots === -1 ? dashes : Math.min(dashes, dots)) + 1;
    }
    this.offset = base + block.length;
  }

  /** The line at `at` of a block that starts at stream offset `base`. */
  private scanLine(block: Buffer, base: number, at: number): void {
    const bom = base + at === 0 && block[0] === 0xef && block[1] === 0xbb && block[2] === 0xbf;
    const lineStart = bom ? 3 : at;
    if (isByteMarkerAt(block, lineStart, DASH)) {
      if (base + at !== 0) this.cut(base + at);
      else this.startsWithMarker = true;
      this.afterEndMarker = -1;
      return;
    }
    if (isByteMarkerAt(block, lineStart, DOT)) {
      this.afterEndMarker = base + lineEnd(block, at);
    } else if (this.afterEndMarker !== -1 && !hasNoContent(lenientUtf8.decode(block.subarray(at, lineEnd(block, at))))) {
      // A bare document after `...` starts a document of its own. Lenient here: bytes that are not UTF-8 are
      // refused when the document is decoded.
      this.cut(this.afterEndMarker);
      this.afterEndMarker = -1;
    }
    if (block[lineStart] === DASH && block[lineStart + 1] === DASH && block[lineStart + 2] === DASH) this.dashLines.push(base + at);
  }

  /** Decodes the held bytes before `offset` (a line start) as one piece; the rest stays held. */
  private cut(offset: number): void {
    if (this.notUtf8 !== undefined) return;
    const piece: Uint8Array[] = [];
    const rest: Uint8Array[] = [];
    let start = this.pieceStart;
    for (const block of this.held) {
      const end = start + block.length;
      if (end <= offset) piece.push(block);
      else if (start >= offset) rest.push(block);
      else {
        piece.push(block.subarray(0, offset - start));
        rest.push(block.subarray(offset - start));
      }
      start = end;
    }
    const bytes = piece.length === 0 ? new Uint8Array(0) : concatBytes(piece);
    const pieceStart = this.pieceStart;
    this.held = rest;
    this.pieceStart = offset;
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      this.notUtf8 = notUtf8Error(bytes, { offset: pieceStart, line: this.nextPieceLine() }, this.documentOf(lenientUtf8.decode(bytes)));
      this.held = [];
      return;
    }
    const nul = text.indexOf("\0");
    if (nul !== -1) this.nul ??= nulByteError(text, nul, this.nextPieceLine(), this.documentOf(text));
    const bom = documentStartingMark(text);
    if (bom !== -1) this.bom ??= byteOrderMarkError(text, bom, this.nextPieceLine(), this.documentOf(text));
    // A piece may be cut before lines already scanned (a bare document after `...`): lines past `offset` stay.
    const dashed = this.dashLines.length > 0 && (this.dashLines[0] as number) < offset;
    if (dashed) this.dashLines = this.dashLines.filter((line) => line >= offset);
    const glued = dashed ? gluedMarker(text) : -1;
    if (glued !== -1) this.glued ??= gluedMarkerError(text, glued, this.nextPieceLine(), this.documentOf(text));
    this.pieces.push(this.spooled(bytes, text) ?? text);
  }

  /** The line the piece being cut starts on: found only for a refusal, so no line is counted while reading. */
  private nextPieceLine(): number {
    let line = 1;
    for (const piece of this.pieces) line += typeof piece === "string" ? countNewlines(piece) : piece.newlines;
    return line;
  }

  /**
   * The piece as kept in the spool, once the documents held as text pass holdBytes; undefined to hold it as text. The
   * first two pieces are always held: the first may be only the comments before the first document's marker, which
   * documentsOf joins to the second. So is a piece with no kind line, whose text every rule must search, and one
   * shorter than smallestSpooled, whose bookkeeping would outweigh its text.
   */
  private spooled(bytes: Uint8Array, text: string): SpooledDocument | undefined {
    const { spool: open, holdBytes = Number.POSITIVE_INFINITY, smallestSpooled = 1 } = this.options;
    const past = open !== undefined && this.spool !== null && this.pieces.length >= 2 && this.heldText.bytes + bytes.length > holdBytes;
    const facts = past && bytes.length >= smallestSpooled ? textFacts(text, this.factsSeen) : undefined;
    if (facts !== undefined && facts.kind !== null) {
      if (this.spool === undefined) this.spool = open?.() ?? null;
      const start = this.spool?.append(bytes);
      if (this.spool && start !== undefined) {
        return new SpooledDocument(this.spool, start, bytes.length, text.length, countNewlines(text), facts);
      }
    }
    this.heldText.bytes += bytes.length;
    return undefined;
  }

  /** Which document the piece being cut belongs to, as the finished stream will number it, and its # Source. */
  private documentOf(text: string): { document: number; source?: string } {
    const document = documentsOf([...this.pieces, text === "" ? " " : text], this.startsWithMarker).length;
    const source = sourceComment(text);
    return { document, ...(source !== undefined && { source }) };
  }
}

/**
 * A document whose bytes are in a spool: its text is read back whenever it is asked for, and never kept here. It is
 * made when its piece is cut, and numbered and placed by documentsOf once the pieces before it are known (one object
 * per document: a large stream has many).
 */
class SpooledDocument implements RawDocument {
  index = 0;
  offset = 0;
  line = 0;

  constructor(
    private readonly spool: Spool,
    private readonly start: number,
    private readonly length: number,
    /** What documentsOf needs to know without its text. */
    readonly characters: number,
    readonly newlines: number,
    readonly facts: TextFacts,
  ) {}

  /** Checked as UTF-8 when it was read, so decoding it again cannot fail. */
  get text(): string {
    return strictUtf8.decode(this.bytes());
  }

  bytes(): Uint8Array {
    return this.spool.read(this.start, this.length);
  }
}

type Piece = string | SpooledDocument;

/** Pieces of the stream, cut at each document start, in order: the documents, with their offsets and lines. */
function documentsOf(cut: readonly Piece[], startsWithMarker: boolean): RawDocument[] {
  const pieces = [...cut];
  // Comments and directives before the first `---` belong to that document, as in YAML itself. The first two pieces
  // are never spooled (StreamSplitter.spooled).
  const head = pieces[0] as string;
  if (!startsWithMarker && pieces.length > 1 && hasNoContent(head) && !/^\.\.\.(?:[ \t]|\r?$)/m.test(head)) {
    pieces.splice(0, 2, head + (pieces[1] as string));
  }

  const documents: RawDocument[] = [];
  let line = 1;
  let offset = 0;
  for (const piece of pieces) {
    if (typeof piece !== "string") {
      piece.index = documents.length + 1;
      piece.offset = offset;
      piece.line = line;
      documents.push(piece);
      line += piece.newlines;
      offset += piece.characters;
      continue;
    }
    if (piece === "" && documents.length > 0) continue;
    documents.push({ index: documents.length + 1, offset, line, text: piece });
    line += countNewlines(piece);
    offset += piece.length;
  }
  return documents;
}

export function countNewlines(text: string): number {
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
