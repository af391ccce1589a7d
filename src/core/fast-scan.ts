/**
 * A fast, read-only reader for the plain block YAML that renderers write (`helm template`, kustomize, kubectl):
 * maps and sequences by indentation, plain, quoted and literal (`|`) scalars, one-line flow collections.
 * It returns the same data as `parseDocument(text).toJS()` — or says it cannot, and the caller uses the full parser.
 * Read as YAML 1.1 (`fastScan(text, "1.1")`, what Kubernetes reads), only plain scalars differ: they resolve with the
 * `yaml` package's own yaml-1.1 tags, so the data is that of `parseDocument(text, { version: "1.1" }).toJS()`.
 * It never guesses: anything outside that subset (anchors, aliases, tags, merge keys, folded or multi-line scalars,
 * tabs, CR line endings, directives, duplicate keys, non-string keys, a root that is not a map) is a fallback, so a
 * document it accepts is one the full parser reads without error and to the same value, but for one comment the
 * parser misreads, which it reads as Kubernetes does and reports (`misread`, see Scanner.misreadComment).
 *
 * Why: composing a yaml Document costs about ten times what reading the data costs, and most documents a rule
 * looks at are only read, never edited. Such documents need no Document at all.
 */

import { isScalar, type ScalarTag, Schema } from "yaml";

/**
 * `misread`: where the `yaml` package reads the document otherwise than this reader and Kubernetes' do (see
 * Scanner.misreadComment): the data is right, but no tree of the package's may plan an edit of it.
 */
export type FastScan = { value: Record<string, unknown>; misread?: number; keyOtherwiseIn11?: number } | { fallback: string };

/** How a plain scalar (value or key) resolves: the only thing that differs between YAML versions here. */
type Resolver = (text: string) => unknown;

export class Fallback extends Error {}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const DOUBLE = 0x22;
const SINGLE = 0x27;

/** First characters that make a plain scalar or key something else (indicators). `-` is handled apart. */
export const INDICATOR = new Set(["?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`"]);

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** A plain scalar as the YAML 1.2 core schema (the `yaml` package's default) resolves it. */
export function resolvePlain(text: string): unknown {
  // Most scalars are words: only these first characters can start a null, a bool or a number.
  switch (text[0]) {
    case undefined:
    case "~":
      return NULL.test(text) ? null : text;
    case "n":
    case "N":
      return NULL.test(text) ? null : text;
    case "t":
    case "T":
    case "f":
    case "F":
      return BOOL.test(text) ? text[0] === "t" || text[0] === "T" : text;
    case "-":
    case "+":
    case ".":
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7":
    case "8":
    case "9":
      return resolveNumber(text);
    default:
      return text;
  }
}

function resolveNumber(text: string): unknown {
  if (INT_OCT.test(text)) return Number.parseInt(text.substring(2), 8);
  if (INT.test(text)) return Number.parseInt(text, 10);
  if (INT_HEX.test(text)) return Number.parseInt(text.substring(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === "nan" ? Number.NaN : text[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}

/**
 * The tags the composer tries, in order, on a plain scalar read as YAML 1.1: the first default tag whose test matches
 * resolves it (`findScalarTagByTest` in yaml's compose-scalar.js); none matching means a string. Built on first use.
 */
let yaml11Tags: ScalarTag[] | undefined;

function yaml11TagsInOrder(): ScalarTag[] {
  yaml11Tags ??= new Schema({ schema: "yaml-1.1", resolveKnownTags: false, merge: true }).tags.filter(
    (tag): tag is ScalarTag => tag.default === true && tag.test instanceof RegExp,
  );
  return yaml11Tags;
}

/** The composer's options that resolvers read (a Document's defaults). */
const RESOLVE_OPTIONS = { intAsBigInt: false };

/** A plain scalar resolved by the yaml-1.1 tags exactly as the composer does, then as `toJS()` keeps it. */
function resolveByYaml11Tags(text: string): unknown {
  for (const tag of yaml11TagsInOrder()) {
    if (!(tag.test as RegExp).test(text)) continue;
    let failed = false;
    let resolved: unknown;
    try {
      resolved = tag.resolve(text, () => (failed = true), RESOLVE_OPTIONS);
    } catch {
      failed = true;
    }
    // The composer reports a tag that cannot resolve as an error: the full reader would refuse the document.
    if (failed) throw new Fallback("plain scalar the YAML 1.1 schema cannot resolve");
    // `toJS()` keeps a scalar's value as it is (a timestamp stays a Date).
    return isScalar(resolved) ? resolved.value : resolved;
  }
  return text;
}

/**
 * Words (letters first) that a yaml-1.1 tag may match: null and bool words, and exponents without digits before them
 * (`e5`, a float). Every other word is a string; the yaml-1.1 tests agree (test/core/fast-scan-yaml11.test.ts).
 */
const YAML11_WORD = /^(?:[Nn]ull|NULL|[YyNn]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[eE][-+]?[0-9]+)$/;

/** A plain scalar as YAML 1.1 (the `yaml` package's yaml-1.1 schema) resolves it. */
function resolvePlainYaml11(text: string): unknown {
  // Most scalars are words: only these first characters can start something other than a string.
  switch (text[0]) {
    case undefined:
    case "~":
    case "-":
    case "+":
    case ".":
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7":
    case "8":
    case "9":
      return resolveByYaml11Tags(text);
    case "n":
    case "N":
    case "y":
    case "Y":
    case "t":
    case "T":
    case "f":
    case "F":
    case "o":
    case "O":
    case "e":
    case "E":
      return YAML11_WORD.test(text) ? resolveByYaml11Tags(text) : text;
    default:
      return text;
  }
}

/**
 * True when YAML 1.2 (core schema) and YAML 1.1 both read the plain scalar `text` as that same string; undefined
 * when a yaml-1.1 tag's answer is not certain. Lexing is the caller's part: this resolves only.
 */
export function plainIsStringInBothVersions(text: string): boolean | undefined {
  try {
    return resolvePlain(text) === text && resolvePlainYaml11(text) === text;
  } catch (error) {
    if (error instanceof Fallback) return undefined;
    throw error;
  }
}

/** Deeper nesting is left to the full parser, which reports it; recursion here must never exhaust the stack. */
const MAX_DEPTH = 200;

/** Plain keys that read as themselves in both YAML versions (Scanner.plainKey), forgotten past PLAIN_STRING_KEYS_KEPT. */
const PLAIN_STRING_KEYS = new Map<string, string>();
const PLAIN_STRING_KEYS_KEPT = 4096;

const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "/": "/", n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", f: "\f", " ": " " };

/**
 * The data of `text` read as YAML `version` (1.2 by default, as `parseDocument` reads; 1.1 as Kubernetes reads), or
 * why the full parser must read it.
 */
export function fastScan(text: string, version: "1.2" | "1.1" = "1.2"): FastScan {
  return scan(text, version === "1.1" ? resolvePlainYaml11 : resolvePlain);
}

function scan(text: string, resolve: Resolver): FastScan {
  // A byte order mark anywhere: the parser drops it before a key, which this reader would keep.
  if (text.includes("\t") || text.includes("\r") || text.includes("\ufeff")) return { fallback: "tab, CR or BOM" };
  if (text.length > 0 && text.charCodeAt(text.length - 1) !== NEWLINE) return { fallback: "no final line break" };
  try {
    const scanner = new Scanner(text, resolve);
    const value = scanner.document();
    return {
      value,
      ...(scanner.misread !== undefined && { misread: scanner.misread }),
      ...(scanner.keyOtherwiseIn11 !== undefined && { keyOtherwiseIn11: scanner.keyOtherwiseIn11 }),
    };
  } catch (error) {
    if (error instanceof Fallback) return { fallback: error.message };
    throw error;
  }
}

/**
 * Short plain scalars that start like a number (ports, sizes, versions), as YAML 1.2 reads them and how YAML 1.1
 * reads them: renders repeat them, and each costs up to a dozen pattern tests in each version. Their values are
 * primitives, so one reading serves every document. Only short ones: V8 may keep a longer one as a slice of its
 * document's text, which the map would then hold. Forgotten past NUMBER_LIKE_KEPT.
 */
const numberLike = new Map<string, { value: unknown; in11: In11 }>();
const NUMBER_LIKE_KEPT = 4096;
const NUMBER_LIKE_LONGEST = 12;

function startsLikeNumber(plain: string): boolean {
  const c = plain.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
}

/** How YAML 1.1 reads a plain scalar that YAML 1.2 reads as `value`: alike, otherwise, or not at all (UNREAD). */
type In11 = 0 | 1 | 2;
const ALIKE = 0;
const OTHERWISE = 1;
const UNREAD = 2;

function readingIn11(plain: string, value: unknown): In11 {
  try {
    return Object.is(resolvePlainYaml11(plain), value) ? ALIKE : OTHERWISE;
  } catch (error) {
    if (!(error instanceof Fallback)) throw error;
    return UNREAD;
  }
}

/** Whether YAML 1.1 reads the plain scalar `text` as YAML 1.2 does (false when it cannot resolve it). */
export function plainReadsAlikeIn11(text: string): boolean {
  return readingIn11(text, resolvePlain(text)) === ALIKE;
}

/**
 * The YAML 1.2 reading, and whether YAML 1.1 reads the document the same: both versions read the same structure and
 * differ only in how plain scalars (keys and values) resolve, so when every one resolves alike, the 1.1 reading is
 * this value. One pass instead of two for readers that need both (the run-time proof). When some resolve otherwise,
 * `readOtherwiseIn11` holds their YAML 1.2 values, so that a reader can tell a part of the data that no such scalar
 * is in (it reads alike) without a second reading; it is missing when YAML 1.1 cannot resolve one at all.
 */
export function fastScanBothVersions(
  text: string,
): { value: Record<string, unknown>; sameIn11: boolean; readOtherwiseIn11?: ReadonlySet<unknown>; misread?: number; keyOtherwiseIn11?: number } | { fallback: string } {
  let otherwise: Set<unknown> | undefined;
  let unread = false;
  const note = (in11: In11, value: unknown) => {
    if (in11 === UNREAD) unread = true;
    else if (in11 === OTHERWISE) {
      otherwise ??= new Set();
      otherwise.add(value);
    }
  };
  const resolve = (plain: string): unknown => {
    if (plain.length <= NUMBER_LIKE_LONGEST && startsLikeNumber(plain)) {
      let known = numberLike.get(plain);
      if (known === undefined) {
        const value = resolvePlain(plain);
        known = { value, in11: readingIn11(plain, value) };
        if (numberLike.size >= NUMBER_LIKE_KEPT) numberLike.clear();
        numberLike.set(plain, known);
      }
      if (known.in11 !== ALIKE) note(known.in11, known.value);
      return known.value;
    }
    const value = resolvePlain(plain);
    const in11 = readingIn11(plain, value);
    if (in11 !== ALIKE) note(in11, value);
    return value;
  };
  const read = scan(text, resolve);
  if (!("value" in read)) return read;
  if (unread || otherwise === undefined) return { ...read, sameIn11: !unread };
  return { ...read, sameIn11: false, readOtherwiseIn11: otherwise };
}

export interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset of its first non-space character. */
  content: number;
  /** Offset of its line break (or the end of the text). */
  end: number;
}

/**
 * Reading block YAML line by line, as fast-scan and fast-compose (the planner's tree) both do: lines, markers,
 * indicators and quotes. Both readers accept only what these say they may, so they agree on the subset's edges.
 */
export abstract class BlockLines {
  /** Start of the next line not yet read. */
  protected at = 0;
  /** Collections open around the current position. */
  protected depth = 0;
  /** The last line looked up: the readers ask for the same line several times. */
  private line: Line = { start: -1, content: -1, end: -1 };

  constructor(protected readonly text: string) {}

  protected lineAt(start: number): Line {
    if (this.line.start === start) return this.line;
    const text = this.text;
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let content = start;
    while (content < end && text.charCodeAt(content) === SPACE) content++;
    this.line = { start, content, end };
    return this.line;
  }

  /**
   * The next line with content, skipping blank and comment lines. With `prelude`, one `---` line (and `--- # …`) is
   * skipped too (a second one ends an empty document, which the parser reports); elsewhere a line starting with a
   * marker or a directive is a fallback.
   */
  protected peek(prelude: boolean): Line | undefined {
    const text = this.text;
    let marked = false;
    while (this.at < text.length) {
      const line = this.lineAt(this.at);
      const c = text.charCodeAt(line.content);
      if (line.content === line.end || c === HASH) {
        this.at = line.end + 1;
        continue;
      }
      if (line.content === line.start && (text.startsWith("---", line.start) || text.startsWith("...", line.start) || c === 0x25)) {
        if (prelude && !marked && /^---(?:[ ]+(?:#.*)?)?$/.test(text.slice(line.start, line.end))) {
          marked = true;
          this.at = line.end + 1;
          continue;
        }
        throw new Fallback("document marker or directive");
      }
      return line;
    }
    return undefined;
  }

  protected isSequenceItem(line: Line): boolean {
    return this.text.charCodeAt(line.content) === DASH && (line.content + 1 === line.end || this.text.charCodeAt(line.content + 1) === SPACE);
  }

  /** One collection deeper; deeper nesting is left to the full parser, which reports it. */
  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw new Fallback("nesting too deep");
  }

  /** True when a key (`key:` followed by a space or the line's end) starts at `at`. */
  protected keyOnLine(at: number, end: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === DOUBLE || c === SINGLE) {
      const close = this.quotedEnd(at, end);
      return close !== -1 && text.charCodeAt(close) === COLON && (close + 1 === end || text.charCodeAt(close + 1) === SPACE);
    }
    for (let i = at; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
      if (d === HASH && text.charCodeAt(i - 1) === SPACE) return false;
    }
    return false;
  }

  /** The colon that ends the plain key starting at `at` on a line ending at `end`. */
  protected plainKeyColon(at: number, end: number): number {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (INDICATOR.has(text[at] as string) || c === DASH) throw new Fallback("key starts with an indicator");
    for (let i = at; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return i;
      if (d === HASH && text.charCodeAt(i - 1) === SPACE) break;
    }
    throw new Fallback("a line that is not a key");
  }

  /** Where a plain scalar starting at `at` ends on its line: at a comment, or at the line's end. */
  protected plainScalarEnd(at: number, end: number): number {
    const text = this.text;
    for (let i = at; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d === HASH && text.charCodeAt(i - 1) === SPACE) return i;
      if (d === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) throw new Fallback("colon in a plain scalar");
    }
    return end;
  }

  /** After a value, only spaces and a comment may follow on its line. */
  protected rest(from: number, end: number): void {
    const text = this.text;
    let at = from;
    while (at < end && text.charCodeAt(at) === SPACE) at++;
    if (at < end && !(text.charCodeAt(at) === HASH && at > from)) throw new Fallback("text after a value");
  }

  /**
   * The lines of a literal block scalar whose header line ends at `end`, its content indented past `indent`: each
   * without the block's indentation (blank ones empty), where the next line starts, and where the last line with
   * content ends (after its line break; -1 when none has content).
   */
  protected literalLines(end: number, indent: number): { lines: string[]; next: number; contentEnd: number } {
    const text = this.text;
    const lines: string[] = [];
    let blockIndent = -1;
    let maxLeadingBlank = 0;
    let next = end + 1;
    let contentEnd = -1;
    while (next < text.length) {
      const line = this.lineAt(next);
      const width = line.content - line.start;
      if (line.content === line.end) {
        if (blockIndent === -1) maxLeadingBlank = Math.max(maxLeadingBlank, width);
        else if (width > blockIndent) throw new Fallback("spaces past the indentation on a blank line");
        lines.push("");
        next = line.end + 1;
        continue;
      }
      if (blockIndent === -1) {
        if (width <= indent) break;
        if (maxLeadingBlank > width) throw new Fallback("leading blank line longer than the indentation");
        blockIndent = width;
      }
      if (width < blockIndent) break;
      lines.push(text.slice(line.start + blockIndent, line.end));
      next = line.end + 1;
      contentEnd = next;
    }
    return { lines, next, contentEnd };
  }

  /** Offset of the closing quote of the quoted scalar at `at`, or -1 when it does not close on this line. */
  protected quotedEnd(at: number, end: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    for (let i = at + 1; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quote === DOUBLE && c === 0x5c) i++;
      else if (c === quote) {
        if (quote === SINGLE && text.charCodeAt(i + 1) === SINGLE) i++;
        else return i + 1;
      }
    }
    return -1;
  }
}

class Scanner extends BlockLines {
  /** The first comment the `yaml` package misreads (see misreadComment). */
  misread: number | undefined;
  /** Where the first plain key is that YAML 1.1 may read as another key (`on`, a boolean to it), or undefined. */
  keyOtherwiseIn11: number | undefined;

  constructor(
    text: string,
    private readonly resolve: Resolver,
  ) {
    super(text);
  }

  document(): Record<string, unknown> {
    const first = this.peek(true);
    if (!first) throw new Fallback("no content");
    const indent = first.content - first.start;
    // A root flow map on one line, as some renderers write JSON-like documents: read as a flow value is read.
    if (indent === 0 && this.text.charCodeAt(first.content) === 0x7b) return this.flowRoot(first);
    if (this.isSequenceItem(first)) throw new Fallback("root is not a map");
    const value = this.map(indent, first.content);
    if (this.peek(false)) throw new Fallback("content after the root map");
    return value;
  }

  private flowRoot(line: Line): Record<string, unknown> {
    const flow = new FlowReader(this.text, line.content, line.end, this.resolve);
    const value = flow.value() as Record<string, unknown>;
    this.keyOtherwiseIn11 ??= flow.keyOtherwiseIn11;
    this.rest(flow.at, line.end);
    this.at = line.end + 1;
    if (this.peek(false)) throw new Fallback("content after the root map");
    return value;
  }

  // --- collections -------------------------------------------------------------------------------------------------

  /** A block map whose keys start at column `indent`; the first key starts at `first`. */
  private map(indent: number, first: number): Record<string, unknown> {
    this.enter();
    const map: Record<string, unknown> = {};
    let keyAt = first;
    for (;;) {
      const key = this.key(keyAt);
      if (Object.hasOwn(map, key)) throw new Fallback("duplicate key");
      map[key] = this.value(this.afterKey, indent, true);
      const next = this.peek(false);
      const column = next ? next.content - next.start : -1;
      if (!next || column < indent) {
        this.depth--;
        return map;
      }
      if (column > indent || this.isSequenceItem(next)) throw new Fallback("unexpected indentation");
      keyAt = next.content;
    }
  }

  /**
   * A block sequence whose dashes are at column `indent`; `this.at` is the line of its first item. With `ofKey`,
   * it is the value of a key at that same column, and a key line ends it.
   */
  private sequence(indent: number, ofKey = false): unknown[] {
    this.enter();
    const items: unknown[] = [];
    const text = this.text;
    for (;;) {
      const line = this.lineAt(this.at);
      let at = line.content + 1;
      while (at < line.end && text.charCodeAt(at) === SPACE) at++;
      if (at < line.end && text.charCodeAt(at) === DASH && (at + 1 === line.end || text.charCodeAt(at + 1) === SPACE)) {
        throw new Fallback("compact nested sequence");
      }
      if (at < line.end && text.charCodeAt(at) !== HASH && this.keyOnLine(at, line.end)) {
        items.push(this.map(at - line.start, at));
      } else {
        items.push(this.value(line.content + 1, indent, false));
      }
      const next = this.peek(false);
      const column = next ? next.content - next.start : -1;
      if (!next || column < indent || (column === indent && ofKey && !this.isSequenceItem(next))) {
        this.depth--;
        return items;
      }
      if (column > indent || !this.isSequenceItem(next)) throw new Fallback("unexpected indentation");
    }
  }

  // --- keys and values ---------------------------------------------------------------------------------------------

  /** Where the last key read ends: after its colon (a field, not a returned pair: a map reads many keys). */
  private afterKey = 0;

  /** The key at `at` (on the current line, `this.at` is that line's start); afterKey is then the offset after its colon. */
  private key(at: number): string {
    const text = this.text;
    const line = this.lineAt(this.at);
    const c = text.charCodeAt(at);
    let key: string;
    let colon: number;
    if (c === DOUBLE || c === SINGLE) {
      const close = this.quotedEnd(at, line.end);
      if (close === -1 || text.charCodeAt(close) !== COLON) throw new Fallback("quoted key");
      key = this.quoted(at, close);
      colon = close;
    } else {
      colon = this.plainKeyColon(at, line.end);
      key = this.plainKey(trimSpaces(text.slice(at, colon)), at);
    }
    if (key === "<<" || key === "__proto__") throw new Fallback("merge or prototype key");
    // The parser counts a key's 1024 characters from its line's start (after an empty value, from the line break).
    if (colon - line.start >= 1024) throw new Fallback("long key");
    if (colon + 1 < line.end && text.charCodeAt(colon + 1) !== SPACE) throw new Fallback("no space after colon");
    this.afterKey = colon + 1;
    return key;
  }

  /**
   * A plain key as a string, else a fallback. Renders repeat a few hundred keys: one that reads as itself in YAML 1.1
   * and 1.2 alike is resolved once per process, and its string is then the one copy the engine keeps for property
   * names, which makes the map's own lookups and stores cheaper (fast-scan took a tenth less time on the bench's
   * documents).
   */
  private plainKey(written: string, at: number): string {
    const known = PLAIN_STRING_KEYS.get(written);
    if (known !== undefined) return known;
    if (this.resolve(written) !== written) throw new Fallback("key that is not a string");
    if (plainIsStringInBothVersions(written) !== true) {
      this.keyOtherwiseIn11 ??= at;
      return written;
    }
    if (PLAIN_STRING_KEYS.size >= PLAIN_STRING_KEYS_KEPT) PLAIN_STRING_KEYS.clear();
    // A property name's copy: `written` may be a view of the document's text, which the map must not hold.
    const own = Object.keys({ [written]: 0 })[0] as string;
    PLAIN_STRING_KEYS.set(own, own);
    return own;
  }



  /**
   * The value that starts at `at` on the current line (`this.at` is that line's start): inline, or on the lines
   * below. `indent` is the column of the owning key or dash; a map value may be a sequence at that same column.
   */
  private value(at: number, indent: number, ofMap: boolean): unknown {
    const text = this.text;
    const line = this.lineAt(this.at);
    while (at < line.end && text.charCodeAt(at) === SPACE) at++;
    if (at === line.end || (text.charCodeAt(at) === HASH && text.charCodeAt(at - 1) === SPACE)) {
      this.at = line.end + 1;
      const next = this.peek(false);
      if (!next) return null;
      const column = next.content - next.start;
      if (column > indent) {
        if (this.isSequenceItem(next)) return this.sequence(column);
        if (this.keyOnLine(next.content, next.end)) return this.map(column, next.content);
        // A scalar or flow collection on the line below its key (`annotations:\n  {}`, as Helm's toYaml writes).
        this.misread ??= this.misreadComment(line.end + 1, next, indent);
        return this.value(next.content, indent, ofMap);
      }
      if (column === indent && ofMap && this.isSequenceItem(next)) return this.sequence(column, true);
      return null;
    }
    const c = text[at] as string;
    let value: unknown;
    let end: number;
    if (c === "|") {
      return this.literal(at, line.end, indent);
    } else if (c === '"' || c === "'") {
      const close = this.quotedEnd(at, line.end);
      if (close === -1) throw new Fallback("multi-line quoted scalar");
      value = this.quoted(at, close);
      end = close;
    } else if (c === "[" || c === "{") {
      const flow = new FlowReader(text, at, line.end, this.resolve);
      value = flow.value();
      end = flow.at;
      this.keyOtherwiseIn11 ??= flow.keyOtherwiseIn11;
    } else if (INDICATOR.has(c) || (c === "-" && (at + 1 === line.end || text.charCodeAt(at + 1) === SPACE))) {
      throw new Fallback(`value starts with ${c}`);
    } else {
      end = this.plainScalarEnd(at, line.end);
      const first = trimSpaces(text.slice(at, end));
      if (end === line.end && this.mayContinue(line.end + 1, indent)) {
        const folded = this.continuation(line.end + 1, indent);
        if (folded !== undefined) return this.resolve(first + folded);
      }
      value = this.resolve(first);
      end = line.end;
    }
    this.rest(end, line.end);
    this.at = line.end + 1;
    return value;
  }

  /**
   * A comment line whose `#` no space follows (`#x`), indented no further than the key or dash at column `indent`,
   * between it and its plain scalar on a later line (the lines from `from` to `next`): the `yaml` package (2.x) then
   * reads the lines after the scalar into it, or a key out of it, where Kubernetes' reader and this one read the
   * scalar alone. Its offset, or undefined. (A block scalar, a quoted one or a flow collection is read alike.)
   */
  private misreadComment(from: number, next: Line, indent: number): number | undefined {
    const text = this.text;
    const c = text.charCodeAt(next.content);
    if (c === DOUBLE || c === SINGLE || c === 0x5b || c === 0x7b || c === 0x7c || c === 0x3e) return undefined;
    for (let at = from; at < next.start; ) {
      const line = this.lineAt(at);
      const after = text.charCodeAt(line.content + 1);
      const bare = text.charCodeAt(line.content) === HASH && line.content + 1 < line.end && after !== SPACE;
      if (bare && line.content - line.start <= indent) return line.content;
      at = line.end + 1;
    }
    return undefined;
  }

  /**
   * False when the next line has content indented no further than `indent`, which ends a plain scalar (most do):
   * plainContinuation's own first test, made on the line cache the next read uses. Change the two together.
   */
  private mayContinue(next: number, indent: number): boolean {
    if (next >= this.text.length) return false;
    const line = this.lineAt(next);
    return line.content === line.end || line.content - line.start > indent;
  }

  /** The continuation lines of a multi-line plain scalar (see plainContinuation); `this.at` moves past them. */
  private continuation(from: number, indent: number): string | undefined {
    const found = plainContinuation(this.text, from, indent);
    if (!found) return undefined;
    this.at = found.next;
    return found.folded;
  }

  private quoted(at: number, close: number): string {
    return unquote(this.text, at, close);
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose header is at `at`; content must be indented past `indent`. */
  private literal(at: number, end: number, indent: number): string {
    const text = this.text;
    let i = at + 1;
    let chomp = "clip";
    const c = text[i];
    if (c === "-" || c === "+") {
      chomp = c === "-" ? "strip" : "keep";
      i++;
    }
    this.rest(i, end);
    const { lines, next } = this.literalLines(end, indent);
    let last = lines.length;
    while (last > 0 && lines[last - 1] === "") last--;
    const body = lines.slice(0, last).join("\n");
    // Trailing blank lines belong to the scalar only with `|+`; otherwise the next reader sees them as blank lines.
    this.at = next;
    if (chomp === "strip") return body;
    if (chomp === "clip") return last > 0 ? `${body}\n` : "";
    return last > 0 ? `${body}\n${"\n".repeat(lines.length - last)}` : "\n".repeat(lines.length);
  }
}

/**
 * Scanner.misreadComment for a document fast-scan does not read (the parser reads it): found in the text alone, line
 * by line, so a block scalar's text may be taken for the lines it looks like (the document is then only doubted).
 * The offset of the first such comment's `#`, or undefined.
 */
export function misreadCommentIn(text: string): number | undefined {
  if (!BARE_COMMENT.test(text)) return undefined;
  let owner: number | undefined;
  let comment: number | undefined;
  let start = 0;
  for (const line of text.split("\n")) {
    const column = line.length - line.replace(/^ +/, "").length;
    const rest = line.slice(column);
    const lineStart = start;
    start += line.length + 1;
    if (rest === "" || rest === "\r") continue;
    if (rest.startsWith("#")) {
      const bare = rest.length > 1 && rest[1] !== " " && rest[1] !== "\r";
      if (owner !== undefined && comment === undefined && bare && column <= owner) comment = lineStart + column;
      continue;
    }
    if (owner !== undefined && comment !== undefined && column > owner && plainScalarLine(rest)) return comment;
    owner = valueBelowOwner(line);
    comment = undefined;
  }
  return undefined;
}

const BARE_COMMENT = /^ *#[^ \r\n]/m;

/** The column of the key or dash whose value starts on a later line (`key:`, `- key:`, `-`), or undefined. */
function valueBelowOwner(line: string): number | undefined {
  const body = line.replace(/\s+#.*$/, "").replace(/\s+$/, "");
  const match = /^((?: *- +)*)( *)(-|[^\s-][^#]*:)$/.exec(body);
  if (!match) return undefined;
  return (match[1] as string).length + (match[2] as string).length;
}

/** A line that can only be a plain scalar (or its first line): no indicator first, no `key:` in it. */
function plainScalarLine(rest: string): boolean {
  if (INDICATOR.has(rest[0] as string) || /^-(?: |$)/.test(rest)) return false;
  return !/:(?: |$)/.test(rest);
}

/**
 * The continuation lines of a multi-line plain scalar that starts at or before `from` (lines indented past `indent`,
 * folded: one line break becomes a space, blank lines become line breaks), or undefined when the scalar ends on its
 * first line. `next` is the start of the line after the last one, `end` the offset just past its last character.
 */
export function plainContinuation(text: string, from: number, indent: number): { folded: string; next: number; end: number } | undefined {
  let folded = "";
  let breaks = 0;
  let at = from;
  let found: { next: number; end: number } | undefined;
  while (at < text.length) {
    let lineEnd = text.indexOf("\n", at);
    if (lineEnd === -1) lineEnd = text.length;
    let content = at;
    while (content < lineEnd && text.charCodeAt(content) === SPACE) content++;
    if (content === lineEnd) {
      breaks++;
      at = lineEnd + 1;
      continue;
    }
    if (content - at <= indent || text.charCodeAt(content) === HASH) break;
    const part = trimSpaces(text.slice(content, lineEnd));
    if (INDICATOR.has(part[0] as string) || part[0] === "-" || part.includes(": ") || part.endsWith(":") || part.includes(" #")) {
      throw new Fallback("multi-line plain scalar");
    }
    folded += breaks > 0 ? "\n".repeat(breaks) : " ";
    folded += part;
    breaks = 0;
    at = lineEnd + 1;
    found = { next: at, end: content + part.length };
  }
  return found && { folded, ...found };
}

/**
 * Without the spaces at its end. YAML trims only its own white space (spaces; tabs never reach here): `trimEnd` would
 * also take U+00A0 and other Unicode spaces, which are part of the scalar.
 */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SPACE) end--;
  return end === text.length ? text : text.slice(0, end);
}

export function unquote(text: string, at: number, close: number): string {
  const inner = text.slice(at + 1, close - 1);
  if (text.charCodeAt(at) === SINGLE) return inner.includes("''") ? inner.replaceAll("''", "'") : inner;
  if (!inner.includes("\\")) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = inner[++i] as string;
    if (e === "x" || e === "u") {
      const digits = inner.slice(i + 1, i + (e === "x" ? 3 : 5));
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (e === "x" ? 2 : 4)) throw new Fallback("escape");
      out += String.fromCharCode(Number.parseInt(digits, 16));
      i += digits.length;
      continue;
    }
    const escaped = ESCAPES[e];
    if (escaped === undefined) throw new Fallback(`escape \\${e}`);
    out += escaped;
  }
  return out;
}

/** One-line flow collections of scalars and nested flow collections: `["a", b]`, `{a: 1}`, `[]`. */
export class FlowReader {
  private depth = 0;
  /** Where the first plain key is that YAML 1.1 may read as another key (`on`, a boolean to it), or undefined. */
  keyOtherwiseIn11: number | undefined;

  constructor(
    private readonly text: string,
    public at: number,
    private readonly end: number,
    private readonly resolve: Resolver,
  ) {}

  value(): unknown {
    this.spaces();
    const c = this.text[this.at];
    if (c === "[") return this.list();
    if (c === "{") return this.object();
    if (c === '"' || c === "'") return this.quoted();
    return this.resolve(this.plain());
  }

  private list(): unknown[] {
    if (++this.depth > MAX_DEPTH) throw new Fallback("nesting too deep");
    this.at++;
    const items: unknown[] = [];
    this.spaces();
    if (this.text[this.at] === "]") {
      this.at++;
      this.depth--;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.spaces();
      const c = this.text[this.at];
      this.at++;
      if (c === "]") {
        this.depth--;
        return items;
      }
      if (c !== ",") throw new Fallback("flow sequence");
      this.spaces();
      if (this.text[this.at] === "]") throw new Fallback("trailing comma");
    }
  }

  private object(): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) throw new Fallback("nesting too deep");
    this.at++;
    const map: Record<string, unknown> = {};
    this.spaces();
    if (this.text[this.at] === "}") {
      this.at++;
      this.depth--;
      return map;
    }
    for (;;) {
      this.spaces();
      const c = this.text[this.at];
      const quoted = c === '"' || c === "'";
      const keyAt = this.at;
      const key = quoted ? this.quoted() : this.plain();
      if (typeof key !== "string" || this.resolve(key) !== key || key === "" || key === "<<" || key === "__proto__") throw new Fallback("flow key");
      if (!quoted && this.keyOtherwiseIn11 === undefined && plainIsStringInBothVersions(key) !== true) this.keyOtherwiseIn11 = keyAt;
      if (this.text[this.at] !== ":" || this.text[this.at + 1] !== " ") throw new Fallback("flow map entry");
      this.at++;
      if (Object.hasOwn(map, key)) throw new Fallback("duplicate key");
      map[key] = this.value();
      this.spaces();
      const d = this.text[this.at];
      this.at++;
      if (d === "}") {
        this.depth--;
        return map;
      }
      if (d !== ",") throw new Fallback("flow map");
      this.spaces();
      if (this.text[this.at] === "}") throw new Fallback("trailing comma");
    }
  }

  private quoted(): string {
    const text = this.text;
    const quote = text.charCodeAt(this.at);
    for (let i = this.at + 1; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (quote === DOUBLE && c === 0x5c) i++;
      else if (c === quote) {
        if (quote === SINGLE && text.charCodeAt(i + 1) === SINGLE) i++;
        else {
          const value = unquote(text, this.at, i + 1);
          this.at = i + 1;
          return value;
        }
      }
    }
    throw new Fallback("multi-line quoted scalar");
  }

  /** A plain scalar inside a flow collection: up to `,`, `]`, `}` or `: `; stricter than YAML, never looser. */
  private plain(): string {
    const text = this.text;
    const start = this.at;
    const first = text[start] as string;
    // A dash followed by a space, or alone (`[a, -]`), would start a block sequence: the parser refuses either.
    if (INDICATOR.has(first) || (first === "-" && /^-(?:[ ,\]}]|$)/.test(text.slice(start, start + 2)))) {
      throw new Fallback("flow scalar starts with an indicator");
    }
    let i = start;
    for (; i < this.end; i++) {
      const c = text[i];
      if (c === "," || c === "]" || c === "}" || c === "[" || c === "{") break;
      if (c === ":" && (text[i + 1] === " " || text[i + 1] === "," || text[i + 1] === "]" || text[i + 1] === "}")) break;
      if (c === "#" || c === '"' || c === "'") throw new Fallback("flow scalar");
    }
    this.at = i;
    const value = trimSpaces(text.slice(start, i));
    if (value === "") throw new Fallback("empty flow scalar");
    return value;
  }

  private spaces(): void {
    while (this.at < this.end && this.text.charCodeAt(this.at) === SPACE) this.at++;
  }
}
