/**
 * How a document reads when it ends where Helm's releaseutil.SplitManifests ends it: at the white space before the
 * next `---` (its separator is `(?:^|\s*\n)---\s*`). Helm reads hook manifests so (and Helm 4 post-renders hooks), and
 * so does k8s-read. The only difference this makes is to a block scalar that ends the document: with no line break
 * after its last line, go-yaml reads it without the line breaks at its end, whatever its chomping. An edit that makes
 * another block scalar the last node, or puts a node after the last one, changes that reading although the usual one
 * (kubectl's, which keeps the line breaks) agrees with the records.
 */
import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { applyRecord, copyData, type RecordedEdit } from "./apply-record.js";
import { parseForPlanning } from "./fast-compose.js";
import { fastScan } from "./fast-scan.js";
import { sameData } from "./plain-data.js";
import { readDocument } from "./yaml-aliases.js";
import { leadsTo } from "./yaml-join.js";
import { type Path, valueAtPath } from "./yaml-path.js";

/** A `|` or `>` header at a line's end: a document without one has no block scalar to lose its line breaks. */
const BLOCK_HEADER = /[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\r?\n/;

export function mayEndInBlockScalar(text: string): boolean {
  return BLOCK_HEADER.test(text);
}

/** A line that ends in a `|` or `>` header (the check is loose: a false positive only costs a parse). */
const HEADER_LINE = /[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;
/** A header alone on its line, or after node properties: its content may be indented no more than it is. */
const HEADER_FIRST = /^(?:---[ \t]+)?(?:[!&][^ \t]*[ \t]+)*[|>]/;
/**
 * The document's first node is a block scalar, whose content may start at column 0: after blank, comment, directive
 * and marker lines and lines of node properties only, a header alone on its line (after properties).
 */
const ROOT_HEADER = /^(?:(?:[ \t]*(?:[!&][^ \t\r\n]*[ \t]*)*(?:#.*)?|%.*|---[ \t]*(?:#.*)?)\r?\n)*[ \t]*(?:---[ \t]+)?(?:[!&][^ \t\r\n]*[ \t]+)*[|>]/;

/**
 * False when no block scalar can end the document, read from its last lines without a parse. A block scalar's lines
 * are indented more than the line of its `key: |` or `- |` header (a header alone on its line: at least as much), so
 * the one that ends the document has a header line less indented than every line after it; a line at column 0 ends
 * the search unless the document itself is a block scalar.
 */
export function lastLinesMayBeBlockScalar(text: string): boolean {
  let least = Number.POSITIVE_INFINITY;
  // The last `|` and `>` at or before the line being looked at: found once each by the engine's search, not per line.
  let bar = text.length;
  let angle = text.length;
  for (let end = text.length; end > 0; ) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    let content = start;
    while (content < end && text.charCodeAt(content) === 32) content++;
    const lineEnd = end;
    end = start - 1;
    let first = content;
    while (first < lineEnd && (text.charCodeAt(first) === 9 || text.charCodeAt(first) === 13)) first++;
    if (first === lineEnd) continue; // white space only
    const indent = content - start;
    if (bar >= lineEnd) bar = text.lastIndexOf("|", lineEnd - 1);
    if (angle >= lineEnd) angle = text.lastIndexOf(">", lineEnd - 1);
    if (bar >= content || angle >= content) {
      const line = text.slice(content, lineEnd);
      if (HEADER_LINE.test(line) && (indent < least || HEADER_FIRST.test(line))) return true;
    }
    least = Math.min(least, indent);
    if (least === 0) return ROOT_HEADER.test(text);
  }
  return false;
}

export interface TerminalBlock {
  /** Where its header starts. */
  header: number;
  /** Its path in the data; undefined below a key that is no scalar. */
  path: Path | undefined;
}

/**
 * A document's terminal blocks, for the texts it is asked about most: its original and its latest. Each stage of
 * edits asks about the text it starts from (the last one's result) and the one it leaves, and the run-time proof about
 * the original and the final one: each is found once.
 */
export class TerminalBlocks {
  private readonly known: Array<{ text: string; block: TerminalBlock | undefined }> = [];

  of(text: string): TerminalBlock | undefined {
    for (const entry of this.known) if (entry.text === text) return entry.block;
    const block = terminalBlock(text);
    // The first text asked about is the original: it stays; the second slot holds the latest.
    if (this.known.length === 2) this.known.pop();
    this.known.push({ text, block });
    return block;
  }
}

/**
 * The block scalar that ends the document (only white space after it), or undefined. The last node is found down the
 * last pair or item of each collection, so a lazy tree builds only that branch.
 */
function terminalBlock(text: string): TerminalBlock | undefined {
  if (!mayEndInBlockScalar(text) || !lastLinesMayBeBlockScalar(text)) return undefined;
  const tree = parseForPlanning(text);
  if (tree.errors.length > 0) return undefined;
  let node = tree.contents as Node | null;
  let path: Path | undefined = [];
  while ((isMap(node) || isSeq(node)) && !node.flow) {
    const last = node.items[node.items.length - 1];
    if (isPair(last)) path = isScalar(last.key) && path ? [...path, String(last.key.value)] : undefined;
    else path = path ? [...path, node.items.length - 1] : undefined;
    node = (isPair(last) ? last.value : last) as Node | null;
  }
  if (!isScalar(node) || (node.type !== "BLOCK_LITERAL" && node.type !== "BLOCK_FOLDED") || !node.range) return undefined;
  return text.slice(node.range[2]).trim() === "" ? { header: node.range[0], path } : undefined;
}

/**
 * The document's data as SplitManifests leaves it to be read: the block scalar that ends it read with strip chomping
 * (what go-yaml reads where no line break follows; the `yaml` package would keep one), or the usual data without one.
 */
function readAsSplit(text: string, end: TerminalBlock | undefined): { value: unknown } | undefined {
  let cut = text;
  if (end !== undefined) {
    const { header } = end;
    const [written = ""] = /^[|>][-+0-9]*/.exec(text.slice(header)) ?? [];
    cut = `${text.slice(0, header)}${written.replace(/[-+]/g, "")}-${text.slice(header + written.length).trimEnd()}\n`;
  }
  const fast = fastScan(cut);
  if ("value" in fast) return { value: fast.value };
  const full = readDocument(cut, "1.2");
  return full.error === undefined ? { value: full.value } : undefined;
}

/**
 * Whether `after` reads, cut as SplitManifests cuts it, as `before` cut so with `edits` (absolute paths) applied.
 * `before` is a text, or its data when it holds no block scalar (cutting it then changes nothing). True when neither
 * ends in a block scalar, or `before` cannot be read. A value an edit writes in place of one holding the block scalar
 * that ended the document (a hook's command, its script rewritten) loses its last line breaks as that one did: that
 * is the cut, not the edit.
 */
export function endReadingKept(
  before: string | { value: unknown },
  after: string,
  edits: readonly RecordedEdit[],
  blocks: TerminalBlocks = new TerminalBlocks(),
): boolean {
  const beforeEnd = typeof before === "string" ? blocks.of(before) : undefined;
  const afterEnd = blocks.of(after);
  if (beforeEnd === undefined && afterEnd === undefined) return true;
  const was = typeof before === "string" ? readAsSplit(before, beforeEnd) : before;
  if (was === undefined) return true;
  const now = readAsSplit(after, afterEnd);
  if (now === undefined) return false;
  let expected = copyData(was.value);
  for (const edit of edits) expected = applyRecord(expected, edit);
  const [endPath, wasEnd] = [afterEnd?.path, beforeEnd?.path];
  // One edit wrote the value both ends are in (the script moves when a retry wrapper goes in front of it).
  if (endPath && wasEnd && edits.some((edit) => leadsTo(edit.path, endPath) && leadsTo(edit.path, wasEnd))) {
    const written = valueAtPath(expected, endPath);
    if (typeof written === "string") expected = applyRecord(expected, { op: "set", path: endPath, after: written.replace(/\n+$/, "") });
  }
  return sameData(expected, now.value);
}
