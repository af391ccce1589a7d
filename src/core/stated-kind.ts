/**
 * A document's kind read from its text without parsing it: its one column-0 `kind:` line, and whether that line could
 * mislead (see kindLineMayMislead), so that a document of another kind is ruled out only when that is certain.
 */

/** Line breaks to YAML 1.1 (Kubernetes' reader) only: NEL, LS, PS, and a carriage return not followed by a line feed. */
const YAML11_ONLY_BREAK = /[\u0085\u2028\u2029]|\r(?!\n)/;

/** The first character Kubernetes' reader takes for a line break and this one may not, named; or undefined. */
export function yaml11OnlyBreak(text: string): { index: number; name: string } | undefined {
  const match = YAML11_ONLY_BREAK.exec(text);
  if (!match) return undefined;
  const code = (match[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
  return { index: match.index, name: match[0] === "\r" ? "carriage return not followed by a line feed" : `U+${code}` };
}

/** A root `kind` key in any spelling but a quoted or tagged one: plain, quoted, complex, value on the next line. */
const KIND_KEYS = /^(?:\?[ \t]*)?["']?kind["']?[ \t]*(?::|$)/gm;
/** A column-0 line that is no plain key: a tag, anchor, alias, complex or quoted key, merge key, or flow root. */
const ODD_ROOT_LINE = /^[!&*?"'<{[]/m;
/** The first line with content, after blank, comment and directive lines and a bare `---`. */
const FIRST_CONTENT = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|%[^\n]*\n|---[ \t]*(?:#[^\n]*)?\r?\n)*([^\n]*)/;

/**
 * Whether a document's one column-0 `kind:` line may not be the root's `kind` as Kubernetes reads it. In a root that
 * is a plain block map (every root key a plain scalar at column 0), the root's `kind` key is a column-0 line that
 * KIND_KEYS matches; when that is the only one, it is the root's key, or (inside a value spanning lines) the root has
 * none, and the document holds no object of a wanted kind either way. Anything else may mislead: another such line, a
 * root line KIND_KEYS cannot judge, an indented or flow root, or a line break only Kubernetes' reader takes.
 */
export function kindLineMayMislead(text: string): boolean {
  if (YAML11_ONLY_BREAK.test(text) || ODD_ROOT_LINE.test(text)) return true;
  if (countUpToTwo(KIND_KEYS, text) !== 1) return true;
  const first = FIRST_CONTENT.exec(text)?.[1] ?? "";
  return /^[ \t]/.test(first) || first.startsWith("---");
}


/** Matches of a global pattern, counted up to two. */
function countUpToTwo(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let found = 0;
  while (found < 2 && pattern.exec(text) !== null) found++;
  pattern.lastIndex = 0;
  return found;
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

const KIND_LINE = /^(?:kind|"kind"|'kind')[ \t]*:[ \t]*(?:"([A-Za-z][A-Za-z0-9]*)"|'([A-Za-z][A-Za-z0-9]*)'|([A-Za-z][A-Za-z0-9]*))[ \t]*(?:#.*)?\r?$/gm;

/**
 * The kind a block-style document states on its one column-0 `kind:` line. Undefined when that is not certain
 * (flow or JSON documents, anchors, tags, escapes, several such lines): callers then fall back to a text search.
 */
export function statedKind(text: string): string | undefined {
  let kind: string | undefined;
  for (const match of text.matchAll(KIND_LINE)) {
    if (kind !== undefined) return undefined;
    kind = match[1] ?? match[2] ?? match[3];
  }
  return kind;
}

