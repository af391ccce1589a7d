/**
 * Lossless editing of one YAML document. Every edit is a splice of the source text at the ranges the `yaml` parser
 * reports, so bytes outside the edited node never change (no re-serialisation, no reflowed lines, no `0644` → `644`).
 * After each splice the text is parsed again, so every edit sees the current tree.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  parseDocument,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { FixStorageError } from "./errors.js";
import { type BlockStyle, isCollection, type Json, renderBlockLines, renderBlockValue, renderFlow } from "./render.js";
import { lineEnding } from "./stream.js";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Parse options shared by every reader of documents: merge keys resolve as Kubernetes (go-yaml) resolves them. */
export const PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: false } as const;
/** Bounds alias expansion, so an alias bomb is refused instead of exhausting memory. */
export const MAX_ALIAS_COUNT = 1000;
/** At most this many aliases are written out so that a node they share can change. */
const MAX_EXPANDED_ALIASES = 100;
/** Aliases may make a document at most this many nodes larger than it is written (go-yaml refuses such bombs too). */
const MAX_EXPANDED_NODES = 1_000_000;

type Collection = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;

interface Resolved {
  /** The node at each path prefix: nodes[0] is the root, nodes[i] is at path.slice(0, i). */
  nodes: Array<Node | null>;
  /** How many segments resolved to an existing node. */
  depth: number;
}

export class YamlEditError extends FixStorageError {}

/** One edit, addressed by path from the document root. */
export interface EditStep {
  op: "set" | "delete" | "append";
  path: Path;
  value?: Json;
}

interface Splice {
  from: number;
  to: number;
  text: string;
}

/** Thrown while recording a batch when a step needs the tree to change first (aliases, merge keys). */
class NeedsSequence extends Error {}

/** An anchor (`&name`) means aliases may share nodes: such documents are edited one step at a time. */
export const ANCHOR = /(?:^|[\s:[{,-])&[^\s[\]{},&]/;

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

export class YamlDocumentEditor {
  private current: Document.Parsed;
  private cachedValue: unknown;
  private hasValue = false;
  /** While set, splices are collected here instead of applied (see applyTogether). */
  private recording: Splice[] | undefined;

  constructor(
    private source: string,
    readonly parse: (text: string) => Document.Parsed = defaultParse,
  ) {
    this.current = parse(source);
  }

  get text(): string {
    return this.source;
  }

  get document(): Document.Parsed {
    return this.current;
  }

  /** The document as plain data (merge keys resolved, alias expansion bounded). */
  value(): unknown {
    if (!this.hasValue) {
      this.cachedValue = this.current.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      this.hasValue = true;
    }
    return this.cachedValue;
  }

  get(path: Path): unknown {
    let at: unknown = this.value();
    for (const segment of path) {
      if (at === null || typeof at !== "object") return undefined;
      at = (at as Record<string | number, unknown>)[segment];
    }
    return at;
  }

  /** The value at `path`, read from that node alone (cheaper than the whole document's data). */
  valueAt(path: Path): unknown {
    const { nodes, depth } = this.resolve(path);
    const node = nodes[depth];
    if (depth < path.length || isAlias(node) || this.hasMergeKeys()) return this.get(path);
    return node === null || node === undefined ? null : node.toJS(this.current, { maxAliasCount: MAX_ALIAS_COUNT });
  }

  has(path: Path): boolean {
    if (path.length === 0) return true;
    if (this.resolve(path).depth === path.length) return true;
    if (!this.hasMergeKeys() && !this.source.includes("*")) return false;
    const parent = this.get(path.slice(0, -1));
    return parent !== null && typeof parent === "object" && Object.hasOwn(parent, path[path.length - 1] as PathSegment);
  }

  private hasMergeKeys(): boolean {
    return this.source.includes("<<");
  }

  /** Sets the value at `path`, creating missing maps on the way. */
  set(path: Path, value: Json): void {
    this.prepare(path);
    const { nodes, depth } = this.resolve(path);
    if (depth === path.length) {
      this.replaceAt(path, nodes, value);
      return;
    }
    // Build the missing tail as one nested value and add it where the existing path ends.
    let nested: Json = value;
    for (let i = path.length - 1; i > depth; i--) nested = { [String(path[i])]: nested };
    const existing = nodes[depth];
    const key = path[depth] as PathSegment;
    if (isMap(existing)) {
      this.insertPair(existing, String(key), nested);
    } else if (isSeq(existing) && typeof key === "number" && key === existing.items.length) {
      this.appendItem(existing, nested);
    } else if ((existing === null || (isScalar(existing) && existing.value === null)) && depth > 0) {
      // `labels:` or `labels: null` — the map is absent; write one in its place.
      this.replaceAt(path.slice(0, depth), nodes, { [String(key)]: nested });
    } else {
      throw new YamlEditError(`cannot set ${formatPath(path)}: ${formatPath(path.slice(0, depth))} is not a map`);
    }
  }

  /** Removes the key or item at `path`; a missing path is left alone. */
  delete(path: Path): void {
    if (!this.has(path)) return;
    this.prepare(path);
    let { nodes, depth } = this.resolve(path);
    if (depth < path.length) {
      if (this.recording) throw new NeedsSequence();
      // The key exists only through a merge key (`<<: *base`): write the merged map out, then delete from it.
      const mapPath = path.slice(0, -1);
      this.replaceAt(mapPath, this.resolve(mapPath).nodes, this.get(mapPath) as Json);
      ({ nodes, depth } = this.resolve(path));
      if (depth < path.length) throw new YamlEditError(`cannot delete ${formatPath(path)}`);
    }
    let parent = nodes[path.length - 1];
    const key = path[path.length - 1] as PathSegment;
    if (isMap(parent) && parent.items.some(isMergePair)) {
      // A merge key may supply the same key again: write the merged map out so the deletion sticks.
      if (this.recording) throw new NeedsSequence();
      const mapPath = path.slice(0, -1);
      this.replaceAt(mapPath, nodes, this.get(mapPath) as Json);
      ({ nodes } = this.resolve(path));
      parent = nodes[path.length - 1];
    }
    if (isMap(parent)) {
      const index = parent.items.findIndex((pair) => keyMatches(pair, key));
      this.removeItem(parent, index, path.slice(0, -1), nodes);
    } else if (isSeq(parent) && typeof key === "number") {
      this.removeItem(parent, key, path.slice(0, -1), nodes);
    }
  }

  /** Appends an item to the sequence at `path` (created when absent). */
  append(path: Path, value: Json): void {
    this.prepare(path);
    const { nodes, depth } = this.resolve(path);
    const node = nodes[path.length];
    if (depth === path.length && isSeq(node)) {
      this.appendItem(node, value);
    } else {
      this.set(path, [value]);
    }
  }

  /** Applies one step. */
  apply(step: EditStep): void {
    if (step.op === "delete") this.delete(step.path);
    else if (step.op === "append") this.append(step.path, step.value ?? null);
    else this.set(step.path, step.value ?? null);
  }

  /**
   * True when `next` can join `batch`: its path and theirs do not lead through one another, so computing every
   * splice on the same tree gives what applying them one by one gives.
   */
  independent(batch: readonly EditStep[], next: EditStep): boolean {
    if (batch.length === 0) return true;
    if (ANCHOR.test(this.source)) return false;
    const reach = this.affected(next);
    const inserts = this.insertionParent(next);
    for (const step of batch) {
      const other = this.affected(step);
      if (isPrefix(other, next.path) || isPrefix(reach, step.path)) return false;
      // Two new keys for one map would both be written after its last pair.
      const theirs = this.insertionParent(step);
      if (inserts && theirs && isPrefix(inserts, theirs) && isPrefix(theirs, inserts)) return false;
    }
    if (next.op === "delete") {
      const parent = next.path.slice(0, -1);
      const siblings = batch.filter((step) => step.op === "delete" && isPrefix(parent, step.path) && step.path.length === next.path.length);
      const items = this.resolve(parent).nodes[parent.length];
      if ((isMap(items) || isSeq(items)) && siblings.length + 1 >= items.items.length) return false;
    }
    return true;
  }

  /** Applies independent steps with one parse; returns false, having changed nothing, when that is not possible. */
  applyTogether(steps: readonly EditStep[]): boolean {
    const recorded: Splice[] = [];
    this.recording = recorded;
    try {
      for (const step of steps) this.apply(step);
    } catch (error) {
      if (error instanceof NeedsSequence) return false;
      throw error;
    } finally {
      this.recording = undefined;
    }
    recorded.sort((a, b) => a.from - b.from || a.to - b.to);
    for (let i = 1; i < recorded.length; i++) {
      const [before, after] = [recorded[i - 1] as Splice, recorded[i] as Splice];
      if (before.to > after.from || (before.from === after.from && before.from === before.to)) return false;
    }
    let text = this.source;
    for (const splice of recorded.reverse()) text = text.slice(0, splice.from) + splice.text + text.slice(splice.to);
    this.source = text;
    this.reparse();
    return true;
  }

  /** For a step that adds a key, the path of the map that receives it. */
  private insertionParent(step: EditStep): Path | undefined {
    if (step.op !== "set") return undefined;
    const { depth } = this.resolve(step.path);
    return depth < step.path.length ? step.path.slice(0, depth) : undefined;
  }

  /** The part of the tree a step changes: a sequence as a whole when items move, else the node it writes. */
  private affected(step: EditStep): Path {
    const parent = step.path.slice(0, -1);
    if (step.op === "append") return step.path;
    if (typeof step.path[step.path.length - 1] === "number") return parent;
    if (step.op === "set") {
      const { depth } = this.resolve(step.path);
      return step.path.slice(0, Math.min(depth + 1, step.path.length));
    }
    return step.path;
  }

  // --- path resolution -------------------------------------------------------------------------------------------

  private resolve(path: Path): Resolved {
    const nodes: Array<Node | null> = [(this.current.contents as Node | null) ?? null];
    let depth = 0;
    for (const segment of path) {
      const node = nodes[depth];
      let next: Node | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyMatches(item, segment));
        if (!pair) break;
        next = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof segment === "number") {
        if (segment >= node.items.length) break;
        next = node.items[segment] as Node | null;
      } else {
        break;
      }
      nodes.push(next ?? null);
      depth++;
    }
    return { nodes, depth };
  }

  /**
   * Aliases on the edited path are expanded in place first, and so are aliases elsewhere that point at a node we are
   * about to change: an edit must never leak into another object through an anchor.
   */
  private prepare(path: Path): void {
    for (let guard = 0; guard < 100; guard++) {
      const { nodes, depth } = this.resolve(path);
      const aliasAt = nodes.slice(0, depth + 1).findIndex((node) => isAlias(node));
      if (aliasAt !== -1) {
        if (this.recording) throw new NeedsSequence();
        const aliasPath = path.slice(0, aliasAt);
        this.replaceAt(aliasPath, nodes, this.get(aliasPath) as Json);
        continue;
      }
      const anchors = new Set(
        nodes
          .slice(0, depth + 1)
          .map((node) => (node && "anchor" in node ? (node.anchor as string | undefined) : undefined))
          .filter((anchor): anchor is string => Boolean(anchor)),
      );
      if (anchors.size === 0) return;
      if (this.recording) throw new NeedsSequence();
      if (!this.expandAliasesTo(anchors)) return;
    }
    throw new YamlEditError(`cannot edit ${formatPath(path)}: too many aliases`);
  }

  /** Expands, in one splice, every alias that refers to one of `anchors`; returns false when there is none. */
  private expandAliasesTo(anchors: Set<string>): boolean {
    const found: Node[] = [];
    visit(this.current, {
      Alias: (_key, node) => {
        if (anchors.has(node.source)) found.push(node as Node);
      },
    });
    if (found.length === 0) return false;
    if (found.length > MAX_EXPANDED_ALIASES) {
      throw new YamlEditError(`too many aliases (${found.length}) refer to a node that must change; at most ${MAX_EXPANDED_ALIASES} are written out`);
    }
    let text = this.source;
    const start = (node: Node) => (node.range as [number, number, number])[0];
    for (const alias of found.sort((a, b) => start(b) - start(a))) {
      const range = alias.range as [number, number, number];
      const value = (alias as unknown as { resolve(doc: Document): Node | undefined }).resolve(this.current);
      const data = value?.toJS(this.current, { maxAliasCount: MAX_ALIAS_COUNT }) as Json;
      text = text.slice(0, range[0]) + renderFlow(data) + text.slice(range[1]);
    }
    this.source = text;
    this.reparse();
    return true;
  }

  // --- primitive edits ---------------------------------------------------------------------------------------------

  /** Replaces the node at `path` (which exists) with `value`. */
  private replaceAt(path: Path, nodes: Array<Node | null>, value: Json): void {
    if (path.length === 0) throw new YamlEditError("cannot replace the whole document");
    const parent = nodes[path.length - 1] as Node | null;
    const key = path[path.length - 1] as PathSegment;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => keyMatches(item, key)) as Pair<Node, Node | null>;
      this.replacePairValue(parent, pair, value);
    } else if (isSeq(parent) && typeof key === "number") {
      this.replaceSeqItem(parent, key, value);
    } else {
      throw new YamlEditError(`cannot replace ${formatPath(path)}`);
    }
  }

  private replacePairValue(map: YAMLMap<unknown, unknown>, pair: Pair<Node, Node | null>, value: Json): void {
    const old = pair.value;
    if (map.flow || isFlowNode(old)) {
      if (!old?.range) throw new YamlEditError(`cannot set the empty value of key ${String(pair.key)}`);
      this.splice(old.range[0], old.range[1], renderFlow(value));
      return;
    }
    const keyStart = (pair.key.range as [number, number, number])[0];
    const indent = this.columnOf(keyStart);
    const rendered = renderBlockValue(value, indent + this.style().step, this.style());
    if (isScalar(old) && old.value !== null && !isBlockScalar(old) && old.range && rendered.lines.length === 0) {
      this.splice(old.range[0], old.range[1], rendered.inline);
      return;
    }
    const colon = this.colonAt(pair);
    if (colon === undefined) throw new YamlEditError(`cannot find the ':' of key ${String(pair.key)}`);
    const end = this.pairEnd(pair);
    this.splice(colon + 1, end, this.tail(rendered, end));
  }

  private replaceSeqItem(seq: YAMLSeq<unknown>, index: number, value: Json): void {
    const item = seq.items[index] as Node | null;
    if (!item?.range) throw new YamlEditError("cannot replace an empty sequence item");
    if (seq.flow || isFlowNode(item)) {
      this.splice(item.range[0], item.range[1], renderFlow(value));
      return;
    }
    const dash = this.dashBefore(item.range[0]);
    const rendered = renderBlockValue(value, this.columnOf(dash) + 2, this.style());
    if (isScalar(item) && !isBlockScalar(item) && rendered.lines.length === 0) {
      this.splice(item.range[0], item.range[1], rendered.inline);
      return;
    }
    const end = this.lineEndAfter(item.range[2]);
    if (isCollection(value) && rendered.inline === "") {
      const lines = renderBlockLines([value], this.columnOf(dash), this.style());
      this.splice(dash, end, `${(lines[0] as string).trimStart()}${this.eol()}${this.joinLines(lines.slice(1))}`);
      return;
    }
    this.splice(dash + 1, end, this.tail(rendered, end));
  }

  private insertPair(map: YAMLMap<unknown, unknown>, key: string, value: Json): void {
    const entry = { [key]: value };
    if (map.flow) {
      const range = map.range as [number, number, number];
      const text = renderFlow(entry).slice(1, -1);
      const last = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
      if (!last) {
        this.splice(range[0] + 1, range[0] + 1, text);
      } else {
        const end = last.value?.range?.[1] ?? (last.key.range as [number, number, number])[1];
        this.splice(end, end, `, ${text}`);
      }
      return;
    }
    const first = map.items[0] as Pair<Node, Node | null>;
    const last = map.items[map.items.length - 1] as Pair<Node, Node | null>;
    const indent = this.columnOf((first.key.range as [number, number, number])[0]);
    const at = this.pairEnd(last);
    const lines = renderBlockLines(entry, indent, this.style());
    const lead = at > 0 && this.source[at - 1] !== "\n" ? this.eol() : "";
    this.splice(at, at, lead + this.joinLines(lines));
  }

  private appendItem(seq: YAMLSeq<unknown>, value: Json): void {
    const last = seq.items[seq.items.length - 1] as Node | null | undefined;
    if (seq.flow || !last?.range) {
      const range = seq.range as [number, number, number];
      if (!seq.flow) throw new YamlEditError("cannot append to an empty block sequence");
      if (!last?.range) this.splice(range[0] + 1, range[0] + 1, renderFlow(value));
      else this.splice(last.range[1], last.range[1], `, ${renderFlow(value)}`);
      return;
    }
    const dash = this.dashBefore(last.range[0]);
    const at = this.lineEndAfter(last.range[2]);
    const lines = renderBlockLines([value], this.columnOf(dash), this.style());
    const lead = at > 0 && this.source[at - 1] !== "\n" ? this.eol() : "";
    this.splice(at, at, lead + this.joinLines(lines));
  }

  /** Removes item `index` of a map (a pair) or a sequence; the last item leaves `{}` or `[]` behind. */
  private removeItem(collection: Collection, index: number, path: Path, nodes: Array<Node | null>): void {
    const items = collection.items as Array<Pair<Node, Node | null> | Node | null>;
    if (items.length === 1) {
      if (path.length === 0) throw new YamlEditError("cannot empty the whole document");
      this.replaceAt(path, nodes, isMap(collection) ? {} : []);
      return;
    }
    const start = (i: number) => itemStart(items[i]);
    const end = (i: number) => itemValueEnd(items[i]);
    if (collection.flow) {
      if (index > 0) this.splice(end(index - 1), end(index), "");
      else this.splice(start(0), start(1), "");
      return;
    }
    const first = isMap(collection) ? start(index) : this.dashBefore(start(index));
    const lineStart = this.lineStartOf(first);
    const itemEnd = isPair(items[index])
      ? this.pairEnd(items[index] as Pair<Node, Node | null>)
      : this.lineEndAfter(((items[index] as Node).range as [number, number, number])[2]);
    if (/^[ \t]*$/.test(this.source.slice(lineStart, first))) {
      this.splice(lineStart, itemEnd, "");
    } else if (index + 1 < items.length) {
      // The first key of a `- key: value` item: pull the next key up behind the dash.
      const next = isMap(collection) ? start(index + 1) : this.dashBefore(start(index + 1));
      this.splice(first, next, "");
    } else {
      throw new YamlEditError("cannot remove an item that shares its line with its parent");
    }
  }

  // --- text helpers ------------------------------------------------------------------------------------------------

  private splice(from: number, to: number, text: string): void {
    if (this.recording) {
      this.recording.push({ from, to, text });
      return;
    }
    this.source = this.source.slice(0, from) + text + this.source.slice(to);
    this.reparse();
  }

  private reparse(): void {
    this.current = this.parse(this.source);
    this.hasValue = false;
    if (this.current.errors.length > 0) {
      throw new YamlEditError(`internal error: an edit produced invalid YAML (${this.current.errors[0]?.message})`);
    }
  }

  private tail(rendered: { inline: string; lines: string[] }, end: number): string {
    const head = rendered.inline === "" ? "" : ` ${rendered.inline}`;
    const body = rendered.lines.length > 0 ? this.eol() + rendered.lines.join(this.eol()) : "";
    const closing = end > 0 && this.source[end - 1] === "\n" ? this.eol() : "";
    return head + body + closing;
  }

  private joinLines(lines: string[]): string {
    return lines.map((line) => line + this.eol()).join("");
  }

  private eol(): string {
    return lineEnding(this.source);
  }

  private styleCache: BlockStyle | undefined;

  /** Indentation step used by this document (the first nested key's indent), so inserted lines match. */
  private style(): BlockStyle {
    if (!this.styleCache) {
      const match = /^[^\s#-][^\n]*:[ \t]*\r?\n( +)[^\s#-]/m.exec(this.source);
      const step = match ? (match[1] as string).length : 2;
      this.styleCache = { step: step > 0 && step <= 8 ? step : 2, eol: this.eol() };
    }
    return this.styleCache;
  }

  private lineStartOf(offset: number): number {
    return this.source.lastIndexOf("\n", offset - 1) + 1;
  }

  private columnOf(offset: number): number {
    return offset - this.lineStartOf(offset);
  }

  /** The offset just past the newline that ends the line holding `offset - 1`. */
  private lineEndAfter(offset: number): number {
    if (offset > 0 && this.source[offset - 1] === "\n") return offset;
    const newline = this.source.indexOf("\n", offset);
    return newline === -1 ? this.source.length : newline + 1;
  }

  private pairEnd(pair: Pair<Node, Node | null>): number {
    const keyRange = pair.key.range as [number, number, number];
    const valueEnd = pair.value?.range?.[2] ?? keyRange[2];
    return this.lineEndAfter(Math.max(valueEnd, keyRange[2]));
  }

  private colonAt(pair: Pair<Node, Node | null>): number | undefined {
    const from = endOfKey(pair);
    const match = /^[ \t]*:/.exec(this.source.slice(from, from + 200));
    return match ? from + match[0].length - 1 : undefined;
  }

  private dashBefore(offset: number): number {
    let at = offset - 1;
    while (at >= 0 && /[ \t\r\n]/.test(this.source[at] as string)) at--;
    if (this.source[at] !== "-") throw new YamlEditError("cannot find the '-' of a sequence item");
    return at;
  }
}

/** Merge keys cost a check on every key, so they are resolved only in documents that have one. */
function defaultParse(text: string): Document.Parsed {
  return parseDocument(text, { ...PARSE_OPTIONS, merge: text.includes("<<") });
}

/** Offset of the first duplicate key in any map: yaml's own check is quadratic in the size of a map. */
export function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  const walk = (node: unknown): number | undefined => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) return (pair.key.range as [number, number, number])[0];
          seen.add(key);
        }
        const inner = walk(pair.value);
        if (inner !== undefined) return inner;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const inner = walk(item);
        if (inner !== undefined) return inner;
      }
    }
    return undefined;
  };
  return walk(doc.contents);
}

/** Where aliases would blow a document up (an alias bomb), the offset of the alias that crosses the limit. */
export function excessiveAliasing(doc: Document.Parsed): number | undefined {
  const sizes = new Map<unknown, number>();
  let total = 0;
  let culprit: number | undefined;
  const size = (node: unknown, depth: number): number => {
    if (culprit !== undefined || depth > 10_000) return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      let counted = sizes.get(target);
      if (counted === undefined) {
        counted = size(target, depth + 1);
        sizes.set(target, counted);
      }
      total += counted;
      if (total > MAX_EXPANDED_NODES && culprit === undefined) culprit = (node.range as [number, number, number])[0];
      return counted;
    }
    let count = 1;
    if (isMap(node)) for (const pair of node.items) count += size(pair.key, depth + 1) + size(pair.value, depth + 1);
    else if (isSeq(node)) for (const item of node.items) count += size(item, depth + 1);
    return count;
  };
  size(doc.contents, 0);
  return culprit;
}

/** `<<: *base`; with merge keys on, yaml gives the key as Symbol(<<). */
function isMergePair(item: unknown): boolean {
  if (!isPair(item) || !isScalar(item.key)) return false;
  const value = item.key.value;
  return value === "<<" || (typeof value === "symbol" && value.description === "<<");
}

function keyMatches(item: unknown, segment: PathSegment): boolean {
  if (!isPair(item)) return false;
  const key = item.key;
  return isScalar(key) ? String(key.value) === String(segment) : false;
}

function endOfKey(pair: Pair<Node, Node | null>): number {
  return (pair.key.range as [number, number, number])[1];
}

function isFlowNode(node: Node | null | undefined): boolean {
  return (isMap(node) || isSeq(node)) && Boolean(node.flow);
}

function isBlockScalar(node: Node): boolean {
  return isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
}

function itemStart(item: unknown): number {
  if (isPair(item)) return ((item.key as Node).range as [number, number, number])[0];
  return ((item as Node).range as [number, number, number])[0];
}

function itemValueEnd(item: unknown): number {
  if (isPair(item)) {
    const value = item.value as Node | null;
    return value?.range?.[1] ?? ((item.key as Node).range as [number, number, number])[1];
  }
  return ((item as Node).range as [number, number, number])[1];
}

/** `spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"]` */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "." : out;
}
