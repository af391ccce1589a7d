/**
 * Lossless editing of one YAML document. Every edit is a splice of the source text at the ranges the `yaml` parser
 * reports, so bytes outside the edited node never change (no re-serialisation, no reflowed lines, no `0644` → `644`).
 * The planner (yaml-splice-planner.ts) turns a step into splices; this class applies them and parses again, so every
 * step sees the current tree.
 */
import { isAlias, isMap, isSeq, type Document } from "yaml";
import { FixStorageError } from "./errors.js";
import type { BlockStyle, Json } from "./render.js";
import { lineEnding } from "./stream.js";
import { ANCHOR, MAX_ALIAS_COUNT, parseForEditing } from "./yaml-aliases.js";
import { type EditStep, planStep, type SourceView, type Splice } from "./yaml-splice-planner.js";
import { formatPath, isPrefix, type Path, resolvePath, valueAtPath } from "./yaml-path.js";

export { ANCHOR, excessiveAliasing, firstDuplicateKey, MAX_ALIAS_COUNT, PARSE_OPTIONS } from "./yaml-aliases.js";
export type { EditStep } from "./yaml-splice-planner.js";
export { formatPath, type Path, type PathSegment } from "./yaml-path.js";

export class YamlEditError extends FixStorageError {}

/** A step rewrites aliases or merge keys at most this many times before its edit (each rewrite removes some). */
const MAX_REWRITES = 100;

export class YamlDocumentEditor {
  private current: Document.Parsed;
  private cachedValue: unknown;
  private hasValue = false;
  private styleCache: BlockStyle | undefined;

  constructor(
    private source: string,
    readonly parse: (text: string) => Document.Parsed = parseForEditing,
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
    return valueAtPath(this.value(), path);
  }

  /** The value at `path`, read from that node alone (cheaper than the whole document's data). */
  valueAt(path: Path): unknown {
    const { nodes, depth } = resolvePath(this.current, path);
    const node = nodes[depth];
    if (depth < path.length || isAlias(node) || this.source.includes("<<")) return this.get(path);
    return node === null || node === undefined ? null : node.toJS(this.current, { maxAliasCount: MAX_ALIAS_COUNT });
  }

  has(path: Path): boolean {
    if (path.length === 0) return true;
    if (resolvePath(this.current, path).depth === path.length) return true;
    if (!this.source.includes("<<") && !this.source.includes("*")) return false;
    const parent = this.get(path.slice(0, -1));
    return parent !== null && typeof parent === "object" && Object.hasOwn(parent, path[path.length - 1] as string | number);
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

  /** Applies one step: rewrites first where the planner asks for them, then the edit. */
  apply(step: EditStep): void {
    for (let rewrites = 0; rewrites <= MAX_REWRITES; rewrites++) {
      const plan = planStep(this.view(), step);
      if (plan.kind === "refuse") throw new YamlEditError(plan.message);
      this.splice(plan.splices);
      if (plan.kind === "edit") return;
    }
    throw new YamlEditError(`cannot edit ${formatPath(step.path)}: too many aliases`);
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
      const items = resolvePath(this.current, parent).nodes[parent.length];
      if ((isMap(items) || isSeq(items)) && siblings.length + 1 >= items.items.length) return false;
    }
    return true;
  }

  /** Applies independent steps with one parse; returns false, having changed nothing, when that is not possible. */
  applyTogether(steps: readonly EditStep[]): boolean {
    const view = this.view();
    const splices: Splice[] = [];
    for (const step of steps) {
      const plan = planStep(view, step);
      if (plan.kind !== "edit") return false;
      splices.push(...plan.splices);
    }
    splices.sort((a, b) => a.from - b.from || a.to - b.to);
    for (let i = 1; i < splices.length; i++) {
      const [before, after] = [splices[i - 1] as Splice, splices[i] as Splice];
      if (before.to > after.from || (before.from === after.from && before.from === before.to)) return false;
    }
    this.splice(splices);
    return true;
  }

  /** For a step that adds a key, the path of the map that receives it. */
  private insertionParent(step: EditStep): Path | undefined {
    if (step.op !== "set") return undefined;
    const { depth } = resolvePath(this.current, step.path);
    return depth < step.path.length ? step.path.slice(0, depth) : undefined;
  }

  /** The part of the tree a step changes: a sequence as a whole when items move, else the node it writes. */
  private affected(step: EditStep): Path {
    const parent = step.path.slice(0, -1);
    if (step.op === "append") return step.path;
    if (typeof step.path[step.path.length - 1] === "number") return parent;
    if (step.op === "set") {
      const { depth } = resolvePath(this.current, step.path);
      return step.path.slice(0, Math.min(depth + 1, step.path.length));
    }
    return step.path;
  }

  private view(): SourceView {
    return { source: this.source, doc: this.current, style: this.style(), get: (path) => this.get(path) };
  }

  /** Applies non-overlapping splices (any order) and parses the result. */
  private splice(splices: readonly Splice[]): void {
    if (splices.length === 0) return;
    let text = this.source;
    for (const splice of [...splices].sort((a, b) => b.from - a.from || b.to - a.to)) {
      text = text.slice(0, splice.from) + splice.text + text.slice(splice.to);
    }
    this.source = text;
    this.current = this.parse(this.source);
    this.hasValue = false;
    if (this.current.errors.length > 0) {
      throw new YamlEditError(`internal error: an edit produced invalid YAML (${this.current.errors[0]?.message})`);
    }
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
