/**
 * The planner: from one edit step and the current text and tree, the byte splices that make it. Pure: it never
 * changes the text and never throws for control flow. A step that needs the tree changed first (an alias on its path,
 * a merge key to write out) gets a `rewrite` plan: apply it, parse again and plan the step again.
 */
import { isDeepStrictEqual } from "node:util";
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { type BlockStyle, goYamlReadsAsNumber, isCollection, type Json, renderBlockLines, renderBlockValue, renderFlow } from "./render.js";
import { aliasExpansions, aliasTargets, anchorsOn, mayHoldAnchor, PARSE_OPTIONS, readDocument, writeOutProblem } from "./yaml-aliases.js";
import {
  colonOf,
  contentEnd,
  dashOf,
  entryTokens,
  entryValueStart,
  itemContentEnd,
  itemStart,
  nodeToken,
  pairToken,
  pairValueStart,
  SourceLines,
} from "./yaml-extent.js";
import { formatPath, isMergePair, keyMatches, type Path, type PathSegment, resolvePath } from "./yaml-path.js";

/** One edit, addressed by path from the document root. */
export interface EditStep {
  op: "set" | "delete" | "append";
  path: Path;
  value?: Json;
}

export interface Splice {
  from: number;
  to: number;
  text: string;
}

export type StepPlan =
  /** The splices that make the step. */
  | { kind: "edit"; splices: Splice[] }
  /** Splices that prepare the tree (aliases, merge keys written out); plan the step again after them. */
  | { kind: "rewrite"; splices: Splice[] }
  | { kind: "refuse"; message: string };

/** What the planner reads: the text, its tree, the document as data, and the document's layout. */
export interface SourceView {
  source: string;
  doc: Document.Parsed;
  style: BlockStyle;
  /** Whether the text may hold an anchor (mayHoldAnchor), when the caller knows it already. */
  anchored?: boolean;
  /** Plain data at a path (merge keys resolved). */
  get(path: Path): unknown;
}

type Collection = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;
type AnyPair = Pair<unknown, unknown>;

const refuse = (message: string): StepPlan => ({ kind: "refuse", message });
const edit = (...splices: Splice[]): StepPlan => ({ kind: "edit", splices });
const asRewrite = (plan: StepPlan): StepPlan => (plan.kind === "edit" ? { kind: "rewrite", splices: plan.splices } : plan);

export function planStep(view: SourceView, step: EditStep): StepPlan {
  const planner = new Planner(view);
  let plan = step.op === "delete" ? planner.delete(step.path) : step.op === "append" ? planner.append(step.path, step.value ?? null) : planner.set(step.path, step.value ?? null);
  if (plan.kind === "refuse") return plan;
  const orphans = (view.anchored ?? mayHoldAnchor(view.source)) ? orphanedAliases(view.doc, plan.splices) : undefined;
  if (typeof orphans === "string") return refuse(`cannot edit ${formatPath(step.path)}: ${orphans}`);
  if (orphans) plan = { kind: "rewrite", splices: orphans };
  if (plan.kind === "rewrite" && !keepsData(view.source, plan.splices)) {
    return refuse(
      `cannot edit ${formatPath(step.path)}: the aliases or merge keys that must be written out first hold values YAML 1.1 (as Kubernetes reads) and 1.2 read differently, such as 0644 or yes, or that Kubernetes reads as numbers and this reader does not, such as 0X1F`,
    );
  }
  if (plan.splices.some((splice) => tabbedLineAfter(view.source, splice))) {
    return refuse(`cannot edit ${formatPath(step.path)}: a line after it is indented with a tab, which Kubernetes' reader accepts only right after a plain scalar`);
  }
  return plan;
}

/**
 * True when the text with `splices` applied reads as the text does, in YAML 1.1 and 1.2: a write-out renders the
 * data of one version, which the other may read differently (`0644` is 420 to YAML 1.1 and 644 to 1.2).
 */
function keepsData(source: string, splices: readonly Splice[]): boolean {
  let text = source;
  for (const splice of [...splices].sort((a, b) => b.from - a.from)) text = text.slice(0, splice.from) + splice.text + text.slice(splice.to);
  // A write-out renders what the yaml package read: a plain 0X1F, a number only to go-yaml, would come out quoted.
  if (goYamlOnlyNumbers(text) < goYamlOnlyNumbers(source)) return false;
  for (const version of ["1.1", "1.2"] as const) {
    const before = readDocument(source, version);
    if (before.error !== undefined) continue;
    const after = readDocument(text, version);
    if (after.error !== undefined || !isDeepStrictEqual(before.value, after.value)) return false;
  }
  return true;
}

/**
 * Plain scalars go-yaml reads as numbers where the yaml package reads strings (`0X1F`, `0B1`, `1_0.5`), counted in
 * the data: an alias counts those of its anchor's node (once more for each alias), as its expansion would hold them.
 */
function goYamlOnlyNumbers(text: string): number {
  if (!/[0-9]/.test(text)) return 0;
  const doc = parseDocument(text, PARSE_OPTIONS);
  const inNode = (node: unknown): number => {
    let found = 0;
    visit(node as Node, {
      Scalar: (_key, scalar) => {
        if (scalar.type === "PLAIN" && typeof scalar.value === "string" && goYamlReadsAsNumber(scalar.value)) found++;
      },
    });
    return found;
  };
  const byAnchor = new Map<string, number>();
  let aliased = 0;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) aliased += byAnchor.get(node.source) ?? 0;
      else if (node.anchor) byAnchor.set(node.anchor, inNode(node));
    },
  });
  return inNode(doc.contents) + aliased;
}

/**
 * Splices that remove or replace an anchored node leave the aliases elsewhere that name it without a node: those
 * aliases are written out first (undefined when there is none, a message when there are too many).
 */
function orphanedAliases(doc: Document.Parsed, splices: readonly Splice[]): ReturnType<typeof aliasExpansions> {
  // A node that starts inside a splice goes with it (its range may run on over comment lines the splice keeps).
  const removes = (range: readonly number[] | null | undefined) =>
    range !== null && range !== undefined && splices.some((splice) => splice.from <= (range[0] as number) && (range[0] as number) < splice.to);
  const removed = new Set<string>();
  const aliases: Array<{ name: string; range: readonly number[] | null | undefined }> = [];
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) aliases.push({ name: node.source, range: node.range });
      else if (node.anchor && removes(node.range)) removed.add(node.anchor);
    },
  });
  const orphaned = new Set(aliases.filter(({ name, range }) => removed.has(name) && !removes(range)).map(({ name }) => name));
  return orphaned.size === 0 ? undefined : aliasExpansions(doc, orphaned);
}

/**
 * True when a splice leaves a blank or comment line indented with a tab right after other text than a plain scalar.
 * go-yaml reads such a line only after a plain scalar (which may go on to the next line, so the tab is read as
 * white space inside it); after anything else, Kubernetes' reader refuses the document. Only a plain scalar
 * replaced in place by a plain scalar is let through.
 */
function tabbedLineAfter(source: string, splice: Splice): boolean {
  if (!source.includes("\t")) return false;
  let line = splice.to;
  if (line > 0 && source[line - 1] !== "\n") {
    // The splice ends inside a line: what is left of it comes first.
    const lineEnd = source.indexOf("\n", line);
    if (lineEnd === -1) return false;
    const rest = source.slice(line, lineEnd).trim();
    if (rest !== "" && !rest.startsWith("#")) return false;
    if (rest === "" && PLAIN_TEXT.test(splice.text)) return false;
    line = lineEnd + 1;
  }
  while (line < source.length) {
    const end = source.indexOf("\n", line);
    const text = source.slice(line, end === -1 ? source.length : end).replace(/\r$/, "");
    const content = text.trimStart();
    if (content !== "" && !content.startsWith("#")) return false;
    if (text.slice(0, text.length - content.length).includes("\t")) return true;
    if (end === -1) return false;
    line = end + 1;
  }
  return false;
}

/** Text that can only be a plain scalar when it stands as a value: no indicator first, one line. */
const PLAIN_TEXT = /^[^\s"'[\]{}|>&!*#%@`,?:-][^\n]*$/;

class Planner {
  private readonly lines: SourceLines;

  constructor(private readonly view: SourceView) {
    this.lines = new SourceLines(view.source);
  }

  set(path: Path, value: Json): StepPlan {
    const prepare = this.aliasRewrite(path) ?? this.mergeRewrite(path, path.length - 1);
    if (prepare) return prepare;
    const { nodes, depth } = resolvePath(this.view.doc, path);
    if (depth === path.length) return this.replaceAt(path, nodes, value);
    // Build the missing tail as one nested value and add it where the existing path ends.
    let nested: Json = value;
    for (let i = path.length - 1; i > depth; i--) nested = { [String(path[i])]: nested };
    const existing = nodes[depth];
    const key = path[depth] as PathSegment;
    if (isMap(existing) && (existing.flow || existing.items.length > 0)) return this.insertPair(existing, String(key), nested);
    if (isSeq(existing) && typeof key === "number" && key === existing.items.length && (existing.flow || existing.items.length > 0)) {
      return this.appendItem(existing, nested);
    }
    if (depth > 0 && isEmptyValue(existing)) {
      // `labels:`, `labels: ~`, `labels: null`: the map is absent; write one in its place.
      return this.replaceAt(path.slice(0, depth), nodes, { [String(key)]: nested });
    }
    return refuse(`cannot set ${formatPath(path)}: ${formatPath(path.slice(0, depth))} is not a map`);
  }

  delete(path: Path): StepPlan {
    if (path.length === 0) return refuse("cannot delete the whole document");
    if (!this.has(path)) return edit();
    const prepare = this.aliasRewrite(path) ?? this.mergeRewrite(path, path.length - 1);
    if (prepare) return prepare;
    const { nodes, depth } = resolvePath(this.view.doc, path);
    const mapPath = path.slice(0, -1);
    const parent = nodes[path.length - 1];
    // The key exists only through a merge key (`<<: *base`), or a merge key may supply it again: write the merged
    // map out first, so the deletion sticks.
    if (depth < path.length || (isMap(parent) && parent.items.some(isMergePair))) {
      const mapNodes = resolvePath(this.view.doc, mapPath);
      if (mapNodes.depth < mapPath.length) return refuse(`cannot delete ${formatPath(path)}`);
      if (hasTaggedMergeKey(parent)) return refuse(TAGGED_MERGE_KEY(path));
      return this.writeOut(mapPath, mapNodes.nodes, path);
    }
    const key = path[path.length - 1] as PathSegment;
    if (isMap(parent)) return this.removeItem(parent, parent.items.findIndex((pair) => keyMatches(pair, key)), mapPath, nodes);
    if (isSeq(parent) && typeof key === "number") return this.removeItem(parent, key, mapPath, nodes);
    return refuse(`cannot delete ${formatPath(path)}`);
  }

  append(path: Path, value: Json): StepPlan {
    const prepare = this.aliasRewrite(path) ?? this.mergeRewrite(path, path.length);
    if (prepare) return prepare;
    const { nodes, depth } = resolvePath(this.view.doc, path);
    const node = nodes[path.length];
    if (depth === path.length && isSeq(node) && (node.flow || node.items.length > 0)) return this.appendItem(node, value);
    return this.set(path, [value]);
  }

  private has(path: Path): boolean {
    if (resolvePath(this.view.doc, path).depth === path.length) return true;
    const parent = this.view.get(path.slice(0, -1));
    return parent !== null && typeof parent === "object" && Object.hasOwn(parent, path[path.length - 1] as PathSegment);
  }

  /**
   * Aliases on the edited path are written out first, and so are aliases elsewhere that point at a node on the path:
   * an edit must never leak into another object through an anchor.
   */
  private aliasRewrite(path: Path): StepPlan | undefined {
    const { nodes, depth } = resolvePath(this.view.doc, path);
    const onPath = nodes.slice(0, depth + 1);
    const aliasAt = onPath.findIndex((node) => isAlias(node));
    if (aliasAt > 0) return this.writeOut(path.slice(0, aliasAt), nodes, path);
    const anchors = anchorsOn(onPath);
    if (anchors.size === 0) return undefined;
    const expansions = aliasExpansions(this.view.doc, anchors);
    if (typeof expansions === "string") return refuse(`cannot edit ${formatPath(path)}: ${expansions}`);
    return expansions ? { kind: "rewrite", splices: expansions } : undefined;
  }

  /**
   * A step that must go into a node a merge key supplies (`<<: *base` gives `labels`, and a label is set): the map
   * holding the merge key is written out first, so the node is the map's own. Only a key of that map itself
   * (`within` = its depth) can be written next to the merge key, and overrides it.
   */
  private mergeRewrite(path: Path, within: number): StepPlan | undefined {
    const { nodes, depth } = resolvePath(this.view.doc, path);
    const map = nodes[depth];
    if (depth >= within || !isMap(map) || !map.items.some(isMergePair)) return undefined;
    if (this.view.get(path.slice(0, depth + 1)) === undefined) return undefined;
    if (hasTaggedMergeKey(map)) return refuse(TAGGED_MERGE_KEY(path));
    return this.writeOut(path.slice(0, depth), nodes, path);
  }

  /**
   * The node at `path` (an alias, or a map with a merge key) replaced by its data, for a step at `stepPath`, when that
   * keeps every reading.
   */
  private writeOut(path: Path, nodes: Array<Node | null>, stepPath: Path): StepPlan {
    const problem = writeOutProblem(nodes[path.length], aliasTargets(this.view.doc));
    if (problem) return refuse(`cannot edit ${formatPath(stepPath)}: ${problem}`);
    return asRewrite(this.replaceAt(path, nodes, this.view.get(path) as Json));
  }

  // --- primitive edits ---------------------------------------------------------------------------------------------

  /** Replaces the node at `path` (which exists) with `value`. */
  private replaceAt(path: Path, nodes: Array<Node | null>, value: Json): StepPlan {
    if (path.length === 0) return refuse("cannot replace the whole document");
    const parent = nodes[path.length - 1] as Node | null;
    const key = path[path.length - 1] as PathSegment;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => keyMatches(item, key));
      if (pair) return this.replacePairValue(parent, pair, value);
    } else if (isSeq(parent) && typeof key === "number") {
      return this.replaceEntry(parent, key, value);
    }
    return refuse(`cannot replace ${formatPath(path)}`);
  }

  private replacePairValue(map: YAMLMap<unknown, unknown>, pair: AnyPair, value: Json): StepPlan {
    const old = pair.value as Node | null;
    if (map.flow || isFlowCollection(old)) {
      if (!old?.range || isEmptyScalar(old)) return refuse(`cannot set the empty value of key ${String(pair.key)} in a flow map`);
      return edit({ from: flowStart(this.view.source, old.range[0]), to: old.range[1], text: renderFlow(value) });
    }
    const token = pairToken(pair);
    const colon = token && colonOf(token);
    const start = token && itemStart(token);
    const end = token && itemContentEnd(token);
    if (colon === undefined || start === undefined || end === undefined) return refuse(`cannot find the ':' of key ${String(pair.key)}`);
    const lineEnd = this.lines.lineEndAfter(Math.max(end, colon + 1));
    const rendered = renderBlockValue(value, this.lines.columnOf(start) + this.view.style.step, this.styleBefore(lineEnd));
    const valueStart = pairValueStart(token as NonNullable<typeof token>);
    if (isPlainValue(old) && valueStart !== undefined && rendered.lines.length === 0) {
      // A scalar replaced by a scalar: the comment after it stays.
      return edit({ from: valueStart, to: end, text: rendered.inline });
    }
    return edit({ from: colon + 1, to: lineEnd, text: this.tail(rendered, lineEnd) });
  }

  private replaceEntry(seq: YAMLSeq<unknown>, index: number, value: Json): StepPlan {
    const item = seq.items[index] as Node | null;
    if (seq.flow) {
      if (!item?.range) return refuse("cannot replace an empty flow sequence item");
      return edit({ from: flowStart(this.view.source, item.range[0]), to: item.range[1], text: renderFlow(value) });
    }
    const token = entryTokens(seq)?.[index];
    const dash = token && dashOf(token);
    const end = token && itemContentEnd(token);
    if (dash === undefined || end === undefined) return refuse("cannot find the '-' of a sequence item");
    const lineEnd = this.lines.lineEndAfter(end);
    const style = this.styleBefore(lineEnd);
    const rendered = renderBlockValue(value, this.lines.columnOf(dash) + 2, style);
    const valueStart = entryValueStart(token as NonNullable<typeof token>);
    if (isPlainValue(item) && valueStart !== undefined && rendered.lines.length === 0) {
      return edit({ from: valueStart, to: end, text: rendered.inline });
    }
    if (isCollection(value) && rendered.inline === "") {
      const lines = renderBlockLines([value], this.lines.columnOf(dash), style);
      const text = `${(lines[0] as string).trimStart()}${this.eol()}${this.joinLines(lines.slice(1))}`;
      return edit({ from: dash, to: lineEnd, text: this.lines.endsWithNewline(lineEnd) ? text : text.slice(0, -this.eol().length) });
    }
    return edit({ from: dash + 1, to: lineEnd, text: this.tail(rendered, lineEnd) });
  }

  private insertPair(map: YAMLMap<unknown, unknown>, key: string, value: Json): StepPlan {
    const entry = { [key]: value };
    if (map.flow) {
      const range = map.range as [number, number, number];
      const text = renderFlow(entry).slice(1, -1);
      const last = map.items[map.items.length - 1] as AnyPair | undefined;
      if (!last) return edit({ from: range[0] + 1, to: range[0] + 1, text });
      const end = flowItemEnd(last);
      if (end === undefined) return refuse(`cannot add ${key} to a flow map`);
      return edit({ from: end, to: end, text: `, ${text}` });
    }
    const first = pairToken(map.items[0] as AnyPair);
    const last = pairToken(map.items[map.items.length - 1] as AnyPair);
    const start = first && itemStart(first);
    const end = last && itemContentEnd(last);
    if (start === undefined || end === undefined) return refuse(`cannot add ${key}: the map's layout is not understood`);
    const at = this.lines.lineEndAfter(end);
    const lines = renderBlockLines(entry, this.lines.columnOf(start), this.styleBefore(at));
    return edit({ from: at, to: at, text: this.lead(at) + this.joinLines(lines) });
  }

  private appendItem(seq: YAMLSeq<unknown>, value: Json): StepPlan {
    if (seq.flow) {
      const range = seq.range as [number, number, number];
      const last = seq.items[seq.items.length - 1] as Node | null | undefined;
      if (!last?.range) return edit({ from: range[0] + 1, to: range[0] + 1, text: renderFlow(value) });
      return edit({ from: last.range[1], to: last.range[1], text: `, ${renderFlow(value)}` });
    }
    const tokens = entryTokens(seq);
    const last = tokens?.[tokens.length - 1];
    const dash = last && dashOf(last);
    const end = last && itemContentEnd(last);
    if (dash === undefined || end === undefined) return refuse("cannot find the '-' of a sequence item");
    const at = this.lines.lineEndAfter(end);
    const lines = renderBlockLines([value], this.lines.columnOf(dash), this.styleBefore(at));
    return edit({ from: at, to: at, text: this.lead(at) + this.joinLines(lines) });
  }

  /** Removes item `index` of a map (a pair) or a sequence; the last item leaves `{}` or `[]` behind. */
  private removeItem(collection: Collection, index: number, path: Path, nodes: Array<Node | null>): StepPlan {
    const items = collection.items as unknown[];
    if (index < 0 || index >= items.length) return edit();
    if (items.length === 1) {
      if (path.length === 0) return refuse("cannot empty the whole document");
      return this.replaceAt(path, nodes, isMap(collection) ? {} : []);
    }
    if (collection.flow) {
      const start = (i: number) => flowItemStart(this.view.source, items[i]);
      const end = (i: number) => flowItemEnd(items[i]);
      const [from, to] = index > 0 ? [end(index - 1), end(index)] : [start(0), start(1)];
      if (from === undefined || to === undefined) return refuse("cannot remove an item of a flow collection");
      return edit({ from, to, text: "" });
    }
    const tokens = isMap(collection) ? (collection.items as AnyPair[]).map(pairToken) : entryTokens(collection);
    const token = tokens?.[index];
    const start = token && (isMap(collection) ? itemStart(token) : dashOf(token));
    const end = token && itemContentEnd(token);
    if (start === undefined || end === undefined) return refuse("cannot remove an item whose layout is not understood");
    if (this.lines.startsLine(start)) {
      const from = this.lines.lineStartOf(start);
      const to = this.lines.lineEndAfter(end);
      // A block scalar ending the item before would take in the comment lines the removed item leaves behind (they
      // are indented past it): they go with the item.
      const after = index > 0 && endsInBlockScalar(items[index - 1]) ? this.pastDeeperComments(to, start - from) : to;
      return edit({ from, to: after, text: "" });
    }
    // The first key of a `- key: value` item: pull the next key up behind the dash.
    const next = tokens?.[index + 1];
    const nextStart = next && (isMap(collection) ? itemStart(next) : dashOf(next));
    if (nextStart === undefined) return refuse("cannot remove an item that shares its line with its parent");
    return edit({ from: start, to: nextStart, text: "" });
  }

  // --- text helpers ------------------------------------------------------------------------------------------------

  /**
   * Past the blank lines and the comment lines indented more than `indent` that start at `at` (a keep-chomped block
   * would take the blank lines in as well). A comment indented with a tab counts as deeper: right after a block
   * scalar, the yaml package reads the tab as text.
   */
  private pastDeeperComments(at: number, indent: number): number {
    const source = this.view.source;
    let line = at;
    while (line < source.length) {
      const end = source.indexOf("\n", line);
      const next = end === -1 ? source.length : end + 1;
      const text = source.slice(line, next).replace(/\r?\n$/, "");
      const content = text.trimStart();
      const margin = text.slice(0, text.length - content.length);
      if (content !== "" && !(content.startsWith("#") && (margin.length > indent || margin.includes("\t")))) break;
      line = next;
    }
    return line;
  }

  /**
   * The layout for text written just before `at`: how wide the lines of white space after it are, and how far the
   * first comment line after them is indented (a literal block ends only at a line indented less than its text).
   */
  private styleBefore(at: number): BlockStyle {
    const source = this.view.source;
    // A tab is never indentation: count a line holding one as indented as far as any text.
    const width = (indent: string) => (indent.includes("\t") ? Number.POSITIVE_INFINITY : indent.length);
    let spaceWidth = 0;
    let commentIndent = Number.NEGATIVE_INFINITY;
    for (let line = at; line < source.length; ) {
      const end = source.indexOf("\n", line);
      const text = source.slice(line, end === -1 ? source.length : end).replace(/\r$/, "");
      const indent = /^[ \t]*/.exec(text)?.[0] ?? "";
      if (indent.length === text.length) {
        spaceWidth = Math.max(spaceWidth, width(indent));
        if (end === -1) break;
        line = end + 1;
        continue;
      }
      if (text.startsWith("#", indent.length)) commentIndent = width(indent);
      break;
    }
    if (spaceWidth === 0 && commentIndent === Number.NEGATIVE_INFINITY) return this.view.style;
    return { ...this.view.style, followedBy: { commentIndent, spaceWidth } };
  }

  private tail(rendered: { inline: string; lines: string[] }, end: number): string {
    const head = rendered.inline === "" ? "" : ` ${rendered.inline}`;
    const body = rendered.lines.length > 0 ? this.eol() + rendered.lines.join(this.eol()) : "";
    return head + body + (this.lines.endsWithNewline(end) ? this.eol() : "");
  }

  private lead(at: number): string {
    return at > 0 && !this.lines.endsWithNewline(at) ? this.eol() : "";
  }

  private joinLines(lines: string[]): string {
    return lines.map((line) => line + this.eol()).join("");
  }

  private eol(): string {
    return this.view.style.eol;
  }
}

/**
 * A `<<` key with a tag of its own (`!!str <<`): the yaml package merges it, go-yaml (Kubernetes) reads an ordinary
 * key. Writing its map out would give Kubernetes the merged keys instead.
 */
function hasTaggedMergeKey(map: Node | null | undefined): boolean {
  return isMap(map) && map.items.some((pair) => isMergePair(pair) && isScalar(pair.key) && pair.key.tag !== undefined && pair.key.tag !== "tag:yaml.org,2002:merge");
}

const TAGGED_MERGE_KEY = (path: Path) =>
  `cannot edit ${formatPath(path)}: a tagged << key on its way is a merge key to the yaml package and an ordinary key to Kubernetes' reader`;

/** `labels:`, `labels: ~`, `labels: null`, or a tagged empty block collection. */
function isEmptyValue(node: Node | null | undefined): boolean {
  if (node === null || node === undefined) return true;
  if (isScalar(node)) return node.value === null;
  return (isMap(node) || isSeq(node)) && !node.flow && node.items.length === 0;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
}

/** A non-null scalar written on its own (not a block scalar): it can be replaced in place. */
function isPlainValue(node: Node | null | undefined): boolean {
  return isScalar(node) && node.value !== null && node.type !== "BLOCK_LITERAL" && node.type !== "BLOCK_FOLDED";
}

function isFlowCollection(node: Node | null | undefined): boolean {
  return (isMap(node) || isSeq(node)) && Boolean(node.flow);
}

/** In a flow collection, where a node begins with its tag or anchor: those are the words right before it. */
function flowStart(source: string, offset: number): number {
  let start = offset;
  for (;;) {
    let at = start;
    while (at > 0 && (source[at - 1] === " " || source[at - 1] === "\t")) at--;
    if (at === start) return start;
    let word = at;
    while (word > 0 && !/[\s,[\]{}]/.test(source[word - 1] as string)) word--;
    if (!/^[!&]/.test(source.slice(word, at))) return start;
    start = word;
  }
}

function flowItemStart(source: string, item: unknown): number | undefined {
  if (isPair(item)) {
    const token = pairToken(item);
    if (token) return itemStart(token);
    return (item.key as Node | null)?.range?.[0];
  }
  const range = (item as Node | null)?.range;
  return range ? flowStart(source, range[0]) : undefined;
}

function flowItemEnd(item: unknown): number | undefined {
  if (isPair(item)) {
    const token = pairToken(item);
    if (token) return itemContentEnd(token);
    return (item.value as Node | null)?.range?.[1] ?? (item.key as Node | null)?.range?.[1];
  }
  const token = nodeToken(item as Node);
  return contentEnd(token) ?? (item as Node | null)?.range?.[1];
}

/** True when the last thing an item holds, however deep, is a block scalar (`|` or `>`). */
function endsInBlockScalar(item: unknown): boolean {
  let node: unknown = isPair(item) ? item.value : item;
  while ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    node = isPair(last) ? last.value : last;
  }
  return isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
}
