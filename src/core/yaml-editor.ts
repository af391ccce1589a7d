/**
 * Lossless editing of one YAML document. Every edit is a splice of the source text at the ranges the `yaml` parser
 * reports, so bytes outside the edited node never change (no re-serialisation, no reflowed lines, no `0644` → `644`).
 * The planner (yaml-splice-planner.ts) turns a step into splices against the parsed tree.
 *
 * Parsing is most of the cost of editing, so the editor parses as rarely as it can: the document's data comes from
 * a reader that needs no tree (fast-scan) and is kept up to date by applying each step to it as data (applyRecord,
 * the meaning the run-time proof checks the text against); a step's splices wait, planned against the same tree,
 * as long as every later step is independent of them; the text is spliced only when it is read or when a step
 * depends on a waiting one, and the tree is parsed again only when another step must be planned on the new text.
 * For plain block YAML the tree is most often a fast tree (fast-compose.ts, given as `parse`); a step into a flow
 * collection, and the `document` getter, get the parser's tree of the same text.
 */
import { isMap, isSeq, type Document } from "yaml";
import { applyRecordShared, copyData } from "./apply-record.js";
import { FixStorageError } from "./errors.js";
import type { BlockStyle, Json } from "./render.js";
import { lineEnding } from "./stream.js";
import { type TreeHolder, TreeSlot } from "./tree-slot.js";
import { isFastTree, needsFullTree } from "./fast-compose.js";
import { MAX_ALIAS_COUNT, mayHoldAnchor, parseForEditing } from "./yaml-aliases.js";
import {
  blockInsertionParent,
  hasBlockScalar,
  insertionParent,
  leadsTo,
  mergeNew,
  nestedFrom,
  overlaps,
  samePath,
  type WaitingEdit,
} from "./yaml-join.js";
import { type EditStep, planStep, type SourceView, type Splice } from "./yaml-splice-planner.js";
import { formatPath, type Path, type PathSegment, resolvePath, valueAtPath } from "./yaml-path.js";

export { excessiveAliasing, firstDuplicateKey, MAX_ALIAS_COUNT, mayHoldAnchor, PARSE_OPTIONS } from "./yaml-aliases.js";
export type { EditStep } from "./yaml-splice-planner.js";
export { formatPath, type Path, type PathSegment } from "./yaml-path.js";

export class YamlEditError extends FixStorageError {}

/** A step the planner will not make on this text (not a bug): the caller may leave the document as it was. */
export class YamlEditRefused extends YamlEditError {}

/** The editor as it was before some steps, to go back to (see checkpoint). */
export interface EditorCheckpoint {
  readonly source: string;
  readonly data: { value: unknown } | undefined;
  readonly waiting: readonly WaitingEdit[];
  readonly spliced: boolean;
}

/** A step rewrites aliases or merge keys at most this many times before its edit (each rewrite removes some). */
const MAX_REWRITES = 100;

/**
 * Steps that wait together at most: each new step is checked against every waiting one, so a document with thousands
 * of steps (a List of many StatefulSets, a KRM ResourceList) would cost their square; past this the text is spliced.
 */
const MAX_WAITING = 64;

export class YamlDocumentEditor implements TreeHolder {
  /** The tree of `source`; undefined until a step must be planned on it (parsed lazily after splices). */
  private tree: Document.Parsed | undefined;
  private treeValue: { value: unknown } | undefined;
  /** The document's data with every step applied, waiting or not; undefined until first read. */
  private data: { value: unknown } | undefined;
  private waiting: WaitingEdit[] = [];
  /** True once the text is the editor's own output, so a parse error there is an editor bug. */
  private spliced = false;
  private styleCache: BlockStyle | undefined;
  private anchors: boolean | undefined;
  private blockScalars: boolean | undefined;
  private merges: boolean | undefined;

  /**
   * `initial` is the document's data when the caller has already read it (fast-scan, with no anchors, merge keys or
   * errors): the tree is then parsed only if a step is planned. `slot` is shared by the documents of a stream (an
   * editor used alone, in tests or for the KRM front end's ResourceList, has its own).
   */
  constructor(
    private source: string,
    readonly parse: (text: string) => Document.Parsed = parseForEditing,
    initial?: { value: unknown },
    private readonly slot: TreeSlot = new TreeSlot(),
  ) {
    if (initial) this.data = { value: initial.value };
    else this.currentTree();
  }

  /** What restore needs to undo every step applied after this call (text and data are never changed in place). */
  checkpoint(): EditorCheckpoint {
    return { source: this.source, data: this.data, waiting: [...this.waiting], spliced: this.spliced };
  }

  restore(to: EditorCheckpoint): void {
    this.source = to.source;
    this.data = to.data;
    this.waiting = [...to.waiting];
    this.spliced = to.spliced;
    this.anchors = undefined;
    this.blockScalars = undefined;
    this.merges = undefined;
    this.styleCache = undefined;
    this.dropTree();
  }

  dropTree(): void {
    this.tree = undefined;
    this.treeValue = undefined;
  }

  /** The text with every step applied. */
  get text(): string {
    this.flush();
    return this.source;
  }

  /** The tree of the text with every step applied. */
  get document(): Document.Parsed {
    this.flush();
    const tree = this.currentTree();
    // A fast tree holds what the planner reads; a caller of this gets the parser's.
    if (isFastTree(tree)) this.tree = this.parseFully();
    return this.tree as Document.Parsed;
  }

  /**
   * The document as plain data (merge keys resolved, alias expansion bounded), with every step applied. Later steps
   * never change what it returned: they change a copy.
   */
  value(): unknown {
    return this.currentData().value;
  }

  get(path: Path): unknown {
    return valueAtPath(this.value(), path);
  }

  /** A copy of the value at `path` (undefined when absent). */
  valueAt(path: Path): unknown {
    return copyData(valueAtPath(this.currentData().value, path));
  }

  has(path: Path): boolean {
    if (path.length === 0) return true;
    const parent = valueAtPath(this.currentData().value, path.slice(0, -1));
    const key = path[path.length - 1] as PathSegment;
    if (Array.isArray(parent)) return typeof key === "number" && key < parent.length;
    return parent !== null && typeof parent === "object" && Object.hasOwn(parent, String(key));
  }

  /** Sets the value at `path`, creating missing maps on the way. */
  set(path: Path, value: Json): void {
    this.apply({ op: "set", path, value });
  }

  /** Removes the key or item at `path`; a missing path is left alone. */
  delete(path: Path): void {
    this.apply({ op: "delete", path });
  }

  /** Appends an item to the sequence at `path` (created when absent). */
  append(path: Path, value: Json): void {
    this.apply({ op: "append", path, value });
  }

  /**
   * Applies one step: plans it on the current tree (after rewrites where the planner asks for them) and lets its
   * splices wait with the others when it is independent of them; otherwise the waiting splices go in first.
   */
  apply(step: EditStep): void {
    if (this.waiting.length >= MAX_WAITING) this.flush();
    if (this.waiting.length > 0 && this.joinMissingMap(step)) return;
    if (this.waiting.length > 0 && !this.canJoin(step)) this.flush();
    for (let rewrites = 0; rewrites <= MAX_REWRITES; ) {
      const plan = planStep(this.view(step), step);
      if (plan.kind === "refuse") {
        // Planned on the text after the waiting splices, the step may be possible (as one step at a time would be).
        if (this.waiting.length > 0) {
          this.flush();
          continue;
        }
        throw new YamlEditRefused(plan.message);
      }
      if (plan.kind === "rewrite") {
        // Writing aliases or merge keys out keeps the data; the tree changes, so nothing may wait across it.
        this.flush();
        this.splice({ splices: plan.splices, depth: -1 });
        rewrites++;
        continue;
      }
      const parent = blockInsertionParent(this.currentTree(), step);
      if (this.waiting.length > 0 && overlaps(this.source, this.waiting, plan.splices, parent, this.mayHoldBlockScalar)) {
        this.flush();
        continue;
      }
      this.waiting.push({ step, splices: plan.splices, parent, parts: [step] });
      this.applyToData(step);
      return;
    }
    throw new YamlEditRefused(`cannot edit ${formatPath(step.path)}: too many aliases`);
  }

  /**
   * True when `next` can be planned on the tree the waiting steps were planned on: no anchors or merge keys (they
   * share nodes between paths), and its path and theirs do not lead through one another.
   */
  private canJoin(next: EditStep): boolean {
    if (this.sharesNodes()) return false;
    const tree = this.currentTree();
    const reach = this.affected(tree, next);
    const inserts = insertionParent(tree, next);
    for (const entry of this.waiting) {
      const { step } = entry;
      entry.reach ??= { affected: this.affected(tree, step), inserts: insertionParent(tree, step) };
      const other = entry.reach.affected;
      if (leadsTo(other, next.path) || leadsTo(reach, step.path)) return false;
      // New keys for one map are all written after its last pair, in step order (see splice), as one after another
      // would be; but two steps that both create one missing map would each write it (joinMissingMap merges them).
      const theirs = entry.reach.inserts;
      if (inserts && theirs && samePath(inserts, theirs) && String(next.path[inserts.length]) === String(step.path[inserts.length])) return false;
    }
    if (next.op === "delete") {
      const parent = next.path.slice(0, -1);
      const siblings = this.waiting.filter(({ step }) => step.op === "delete" && leadsTo(parent, step.path) && step.path.length === next.path.length);
      const items = resolvePath(tree, parent).nodes[parent.length];
      if ((isMap(items) || isSeq(items)) && siblings.length + 1 >= items.items.length) return false;
    }
    return true;
  }

  /** Anchors and merge keys let one node stand at several paths: no step joins another in such a document. */
  private sharesNodes(): boolean {
    this.merges ??= this.source.includes("<<");
    return this.anchored() || this.merges;
  }

  /** hasBlockScalar of the text, found once per text (splice forgets it): overlaps asks for each step. */
  private readonly mayHoldBlockScalar = (): boolean => {
    this.blockScalars ??= hasBlockScalar(this.source);
    return this.blockScalars;
  };

  /** Whether the text may hold an anchor: asked for each step, so found once per text (splice forgets it). */
  private anchored(): boolean {
    this.anchors ??= mayHoldAnchor(this.source);
    return this.anchors;
  }

  /** The part of the tree a step changes: a sequence as a whole when items move, else the node it writes. */
  private affected(tree: Document.Parsed, step: EditStep): Path {
    const parent = step.path.slice(0, -1);
    if (step.op === "append") return step.path;
    if (typeof step.path[step.path.length - 1] === "number") return parent;
    if (step.op === "set") {
      const { depth } = resolvePath(tree, step.path);
      return step.path.slice(0, Math.min(depth + 1, step.path.length));
    }
    return step.path;
  }

  /**
   * A `set` under a map that a waiting `set` creates (two annotations where there are none): the two become one
   * step that writes the map with both keys, the text one after the other would give. False when that cannot be.
   */
  private joinMissingMap(step: EditStep): boolean {
    if (step.op !== "set" || this.sharesNodes()) return false;
    const tree = this.currentTree();
    const { depth } = resolvePath(tree, step.path);
    if (depth >= step.path.length - 1) return false;
    // Paths that part somewhere below the missing map: neither step replaces what the other writes.
    const index = this.waiting.findIndex(
      (waiting) =>
        waiting.step.op === "set" &&
        waiting.step.path.length > depth &&
        samePath(waiting.step.path.slice(0, depth + 1), step.path.slice(0, depth + 1)) &&
        resolvePath(tree, waiting.step.path).depth === depth &&
        waiting.parts.every((part) => !leadsTo(part.path, step.path) && !leadsTo(step.path, part.path)),
    );
    // Only the last waiting step: the merged map is planned against the text after it, and a later waiting insert at
    // the same place would come between (one step at a time, a key written later sees that insert after it).
    if (index === -1 || index !== this.waiting.length - 1) return false;
    const joined = this.waiting[index] as WaitingEdit;
    const value = mergeNew(nestedFrom(joined.step, depth + 1), nestedFrom(step, depth + 1));
    if (value === undefined) return false;
    const merged: EditStep = { op: "set", path: step.path.slice(0, depth + 1), value };
    const others = this.waiting.filter((waiting) => waiting !== joined);
    const waiting = this.waiting;
    this.waiting = others;
    const plan = others.length === 0 || this.canJoin(merged) ? planStep(this.view(merged), merged) : undefined;
    const parent = blockInsertionParent(tree, merged);
    if (plan?.kind !== "edit" || overlaps(this.source, others, plan.splices, parent, this.mayHoldBlockScalar)) {
      this.waiting = waiting;
      return false;
    }
    this.waiting = [...others, { step: merged, splices: plan.splices, parent, parts: [...joined.parts, step] }];
    this.applyToData(step);
    return true;
  }

  /** The data follows the step at once, so readers see it before the text is spliced. */
  private currentData(): { value: unknown } {
    this.data ??= { value: this.readTree() };
    return this.data;
  }

  /** A new value for each step, sharing what the step leaves alone: what a reader was given never changes. */
  private applyToData(step: EditStep): void {
    const after = step.op === "delete" ? undefined : step.value;
    this.data = { value: applyRecordShared(this.currentData().value, { op: step.op, path: step.path, after }) };
  }

  /** What the planner reads: the tree and the data of the text as it is now, before waiting splices. */
  private view(step: EditStep): SourceView {
    let tree = this.currentTree();
    // A step into a flow collection is planned on the parser's tree of the same text (fast-compose.ts).
    if (needsFullTree(tree, step.path)) {
      tree = this.parseFully();
      this.tree = tree;
    }
    return { source: this.source, doc: tree, style: this.style(), anchored: this.anchored(), get: (path) => valueAtPath(this.valueOfTree(tree), path) };
  }

  private valueOfTree(tree: Document.Parsed): unknown {
    if (this.waiting.length === 0) return this.currentData().value;
    this.treeValue ??= { value: tree.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    return this.treeValue.value;
  }

  private currentTree(): Document.Parsed {
    this.slot.use(this);
    if (!this.tree) {
      this.tree = this.parse(this.source);
      if (this.spliced && this.tree.errors.length > 0) {
        throw new YamlEditError(`internal error: an edit produced invalid YAML (${this.tree.errors[0]?.message})`);
      }
    }
    return this.tree;
  }

  private parseFully(): Document.Parsed {
    const tree = parseForEditing(this.source);
    if (this.spliced && tree.errors.length > 0) {
      throw new YamlEditError(`internal error: an edit produced invalid YAML (${tree.errors[0]?.message})`);
    }
    return tree;
  }

  private readTree(): unknown {
    return this.currentTree().toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }

  /** Puts the waiting splices into the text. */
  private flush(): void {
    if (this.waiting.length === 0) return;
    const groups = this.waiting.map(({ splices, parent }) => ({ splices, depth: parent?.length ?? -1 }));
    this.waiting = [];
    this.splice(...groups);
  }

  /**
   * Applies non-overlapping splices; the tree is parsed again only when a step needs it. Inserts at one place keep
   * the order applying them one by one gives: within a step's splices (applied from the end), the later one first;
   * across steps, keys for an inner map (which ends where its outer map ends) before keys for the outer one, and
   * keys for one map in step order.
   */
  private splice(...groups: ReadonlyArray<{ splices: readonly Splice[]; depth: number }>): void {
    const ordered = groups.flatMap(({ splices, depth }, group) => splices.map((splice, index) => ({ splice, group, depth, index })));
    if (ordered.length === 0) return;
    ordered.sort(
      (a, b) => a.splice.from - b.splice.from || a.splice.to - b.splice.to || b.depth - a.depth || a.group - b.group || b.index - a.index,
    );
    const parts: string[] = [];
    let at = 0;
    for (const { splice } of ordered) {
      parts.push(this.source.slice(at, splice.from), splice.text);
      at = splice.to;
    }
    parts.push(this.source.slice(at));
    this.source = parts.join("");
    this.anchors = undefined;
    this.blockScalars = undefined;
    this.merges = undefined;
    this.dropTree();
    this.spliced = true;
  }

  /** Indentation step used by this document (the first nested key's indent), so inserted lines match. */
  private style(): BlockStyle {
    if (!this.styleCache) {
      const match = /^[^\s#-][^\n]*:[ \t]*\r?\n( +)[^\s#-]/m.exec(this.source);
      const step = match ? (match[1] as string).length : 2;
      this.styleCache = { step: step > 0 && step <= 8 ? step : 2, eol: lineEnding(this.source) };
    }
    return this.styleCache;
  }
}
