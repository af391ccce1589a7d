/**
 * The reader: splits a manifest stream into documents without parsing them, keeping every byte.
 * Concatenating `text` of all documents gives back the input exactly.
 */
export interface RawDocument {
  /** 1-based position in the stream. */
  index: number;
  /** Offset of the first character in the stream. */
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

  const pieces: Array<{ offset: number; text: string }> = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const offset = starts[i] as number;
    pieces.push({ offset, text: text.slice(offset, starts[i + 1]) });
  }
  // Comments and directives before the first `---` belong to that document, as in YAML itself.
  const head = (pieces[0] as { text: string }).text;
  if (!startsWithMarker && pieces.length > 1 && hasNoContent(head) && !/^\.\.\.(?:[ \t]|\r?$)/m.test(head)) {
    const [head, first] = pieces as [{ offset: number; text: string }, { offset: number; text: string }];
    pieces.splice(0, 2, { offset: head.offset, text: head.text + first.text });
  }

  const documents: RawDocument[] = [];
  let line = 1;
  for (const piece of pieces) {
    if (piece.text === "" && documents.length > 0) continue;
    documents.push({ index: documents.length + 1, offset: piece.offset, line, text: piece.text });
    line += countNewlines(piece.text);
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
