import { FixStorageError, type Location } from "./errors.js";

/** UTF-8 decoders that keep a byte order mark as text: strict refuses bad bytes, lenient replaces them. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
export const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Decodes the input strictly: manifests are UTF-8 text, so invalid bytes or NUL mean the input is not what we think. */
export function decodeInput(bytes: Uint8Array): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw notUtf8Error(bytes);
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) throw nulByteError(text, nul);
  const bom = documentStartingMark(text);
  if (bom !== -1) throw byteOrderMarkError(text, bom);
  const glued = gluedMarker(text);
  if (glued !== -1) throw gluedMarkerError(text, glued);
  return text;
}

/**
 * Offset of the first line that starts with `---` and goes on with text (`---apiVersion: v1`, `----`), or -1. Helm
 * cuts the stream there (releaseutil.SplitManifests splits on `---` after any line break), YAML and kubectl do not.
 */
export function gluedMarker(text: string): number {
  const goesOn = (start: number) => {
    const next = text[start + 3];
    return next !== undefined && next !== " " && next !== "\t" && next !== "\r" && next !== "\n";
  };
  if (text.startsWith("---") && goesOn(0)) return 0;
  for (let at = text.indexOf("\n---"); at !== -1; at = text.indexOf("\n---", at + 1)) if (goesOn(at + 1)) return at + 1;
  return -1;
}

/** The refusal of such a line: the documents Helm and Kubernetes see are not the ones this tool would read. */
export function gluedMarkerError(text: string, at: number, line = 1, document: Location = {}): FixStorageError {
  return new FixStorageError(
    "a line starts with `---` and goes on with text: Helm's split (releaseutil.SplitManifests) starts a document there, YAML and kubectl do not; put the separator on a line of its own",
    { ...document, line: line + lineColumn(text, at).line - 1, column: 1 },
  );
}

/** The refusal of bytes that are not UTF-8, located in the stream: `start` is where the bytes begin in it. */
export function notUtf8Error(bytes: Uint8Array, start = { offset: 0, line: 1 }, document: Location = {}): FixStorageError {
  const at = firstInvalidUtf8(bytes);
  const lineStart = bytes.lastIndexOf(10, at - 1) + 1;
  // The column in characters, as the parser counts them: the bytes before it on its line are valid UTF-8.
  const column = lenientUtf8.decode(bytes.subarray(lineStart, at)).length + 1;
  // A file saved as UTF-16 (PowerShell's `>`) starts with its byte order mark.
  const utf16 = start.offset === 0 && at === 0 && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const hint = utf16 ? `: it starts with a UTF-16 byte order mark (${bytes[0] === 0xff ? "little" : "big"}-endian); convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)` : "";
  return new FixStorageError(`input is not valid UTF-8 (first bad byte at offset ${start.offset + at})${hint}`, {
    ...document,
    line: start.line + lineAt(bytes, at).line - 1,
    column,
  });
}

/** The refusal of a NUL character at `nul` of `text`, which begins at the start of line `line` of the stream. */
export function nulByteError(text: string, nul: number, line = 1, document: Location = {}): FixStorageError {
  const at = lineColumn(text, nul);
  return new FixStorageError("input contains a NUL byte; manifests are text", { ...document, line: line + at.line - 1, column: at.column });
}

/**
 * Offset of the first byte order mark that starts a document's content after its `---` line (what Helm's split makes
 * the start of a document), or -1. Kubernetes' reader drops it there; the `yaml` package reads it as text (the key
 * `\ufeffapiVersion`), so no rule could see that document as Kubernetes does. Elsewhere (in a value) both keep it.
 */
export function documentStartingMark(text: string): number {
  if (!text.includes("\ufeff")) return -1;
  const found = /(?:^|\n)\ufeff?---[ \t]*\r?\n[ \t\r\n]*\ufeff/.exec(text);
  return found ? found.index + found[0].length - 1 : -1;
}

/** The refusal of such a byte order mark. */
export function byteOrderMarkError(text: string, bom: number, line = 1, document: Location = {}): FixStorageError {
  const at = lineColumn(text, bom);
  return new FixStorageError("a byte order mark (U+FEFF) starts this document after its `---` line: Kubernetes drops it, this tool would read it as part of the first key; remove it", {
    ...document,
    line: line + at.line - 1,
    column: at.column,
  });
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    if (length > 1) {
      try {
        strictUtf8.decode(bytes.subarray(i, i + length));
      } catch {
        return i;
      }
    }
    i += length;
  }
  return bytes.length;
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
