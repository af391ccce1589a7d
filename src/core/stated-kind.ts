/**
 * A document's kind read from its text without parsing it: its one column-0 `kind:` line, and whether that line could
 * mislead (see kindLineMayMislead), so that a document of another kind is ruled out only when that is certain.
 */

/** Line breaks to YAML 1.1 (Kubernetes' reader) only: NEL, LS, PS, and a carriage return not followed by a line feed. */
const YAML11_ONLY_BREAK = /[\u0085\u2028\u2029]|\r(?!\n)/;

/** The first character Kubernetes' reader takes for a line break and this one may not, named; or undefined. */
export function yaml11OnlyBreak(text: string): { index: number; name: string } | undefined {
  // Every parsed document is asked: the searches say no for nearly all of them, and the pattern then finds where.
  if (!hasYaml11OnlyBreak(text)) return undefined;
  const match = YAML11_ONLY_BREAK.exec(text);
  if (!match) return undefined;
  const code = (match[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
  return { index: match.index, name: match[0] === "\r" ? "carriage return not followed by a line feed" : `U+${code}` };
}

const LF = 0x0a;

/** A root `kind` key in any spelling but a quoted or tagged one: plain, quoted, complex, value on the next line. */
const KIND_KEY = /^(?:\?[ \t]*)?["']?kind["']?[ \t]*(?::|$)/my;
/**
 * A column-0 line that is no plain key (a tag, anchor, alias, complex or quoted key, merge key, or flow root): the
 * first, or one after a line feed. Searching for the line feed is much faster than trying `^` at every character.
 */
const ODD_FIRST = /^[!&*?"'<{[]/;
const ODD_LINE = /\n[!&*?"'<{[]/;
/** The first line with content, after blank, comment and directive lines and a bare `---`. */
const FIRST_CONTENT = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|%[^\n]*\n|---[ \t]*(?:#[^\n]*)?\r?\n)*([^\n]*)/;

/**
 * Whether a document's one column-0 `kind:` line may not be the root's `kind` as Kubernetes reads it. In a root that
 * is a plain block map (every root key a plain scalar at column 0), the root's `kind` key is a column-0 line that
 * KIND_KEY matches; when that is the only one, it is the root's key, or (inside a value spanning lines) the root has
 * none, and the document holds no object of a wanted kind either way. Anything else may mislead: another such line, a
 * root line KIND_KEY cannot judge, an indented or flow root, or a line break only Kubernetes' reader takes.
 */
export function kindLineMayMislead(text: string): boolean {
  // Past this check every line starts at the text's start or after a line feed, which is where ODD_* look.
  if (hasYaml11OnlyBreak(text) || ODD_FIRST.test(text) || ODD_LINE.test(text)) return true;
  if (kindKeyLines(text) !== 1) return true;
  const first = FIRST_CONTENT.exec(text)?.[1] ?? "";
  return /^[ \t]/.test(first) || first.startsWith("---");
}

/** YAML11_ONLY_BREAK.test, without a pass of the pattern over every character: a lone CR is searched only where one is. */
function hasYaml11OnlyBreak(text: string): boolean {
  if (text.includes("\u0085") || text.includes("\u2028") || text.includes("\u2029")) return true;
  for (let cr = text.indexOf("\r"); cr !== -1; cr = text.indexOf("\r", cr + 1)) if (text.charCodeAt(cr + 1) !== LF) return true;
  return false;
}

/** Where a line starts, as `^` in a multiline pattern takes it: after LF, CR, LS or PS. */
function isLineStart(text: string, at: number): boolean {
  if (at === 0) return true;
  const before = text.charCodeAt(at - 1);
  return before === LF || before === 0x0d || before === 0x2028 || before === 0x2029;
}

/**
 * How many lines KIND_KEY matches, counted up to two. Found from the text's `kind` words (few), not by trying the
 * pattern at every line: only `?`, blanks and quotes may stand between a matching line's start and its `kind`.
 */
function kindKeyLines(text: string): number {
  let found = 0;
  for (let at = text.indexOf("kind"); at !== -1 && found < 2; at = text.indexOf("kind", at + 4)) {
    let start = at;
    while (start > 0 && isKeyPrefix(text.charCodeAt(start - 1))) start--;
    if (!isLineStart(text, start)) continue;
    KIND_KEY.lastIndex = start;
    if (KIND_KEY.test(text)) found++;
  }
  return found;
}

/** `?`, space, tab, `"`, `'`. */
function isKeyPrefix(code: number): boolean {
  return code === 0x3f || code === 0x20 || code === 0x09 || code === 0x22 || code === 0x27;
}

const MENTIONS = new Map<string, RegExp>();

/** Whether `word` occurs in `text` as a word of its own: how any YAML scalar that is exactly `word` is written. */
export function mentions(text: string, word: string): boolean {
  let pattern = MENTIONS.get(word);
  if (pattern === undefined) {
    pattern = new RegExp(`(?<![A-Za-z0-9])${word}(?![A-Za-z0-9])`);
    MENTIONS.set(word, pattern);
  }
  return pattern.test(text);
}

const KIND_LINE = /^(?:kind|"kind"|'kind')[ \t]*:[ \t]*(?:"([A-Za-z][A-Za-z0-9]*)"|'([A-Za-z][A-Za-z0-9]*)'|([A-Za-z][A-Za-z0-9]*))[ \t]*(?:#.*)?\r?$/my;

/**
 * The kind a block-style document states on its one column-0 `kind:` line. Undefined when that is not certain
 * (flow or JSON documents, anchors, tags, escapes, several such lines): callers then fall back to a text search.
 * The pattern is tried only where a line starts with `kind`, `"kind"` or `'kind'`, found from the text's `kind` words.
 */
export function statedKind(text: string): string | undefined {
  let kind: string | undefined;
  for (let at = text.indexOf("kind"); at !== -1; at = text.indexOf("kind", at + 4)) {
    const quote = at > 0 ? text.charCodeAt(at - 1) : 0;
    const start = quote === 0x22 || quote === 0x27 ? at - 1 : at;
    if (!isLineStart(text, start)) continue;
    KIND_LINE.lastIndex = start;
    const match = KIND_LINE.exec(text);
    if (match === null) continue;
    if (kind !== undefined) return undefined;
    kind = match[1] ?? match[2] ?? match[3];
  }
  return kind;
}
