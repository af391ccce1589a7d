/**
 * When the editor may plan a step on the tree its waiting splices were planned on: where a new key goes, whether two
 * steps' splices touch, and how two `set`s under a missing map become one.
 */
import { isMap, type Document } from "yaml";
import type { Json } from "./render.js";
import type { EditStep, Splice } from "./yaml-splice-planner.js";
import { type Path, resolvePath } from "./yaml-path.js";

/** A planned step whose splices are not in the text yet. */
export interface WaitingEdit {
  step: EditStep;
  splices: Splice[];
  /** For a step that adds a key: the path of the existing map that receives it. */
  parent: Path | undefined;
  /** The steps it makes: itself, or those joinMissingMap merged into it. */
  parts: readonly EditStep[];
  /** What canJoin asks of it, found once: the tree does not change while steps wait. */
  reach?: { affected: Path; inserts: Path | undefined };
}

/** For a step that adds a key, the path of the map that receives it. */
export function insertionParent(tree: Document.Parsed, step: EditStep): Path | undefined {
  if (step.op !== "set") return undefined;
  const { depth } = resolvePath(tree, step.path);
  return depth < step.path.length ? step.path.slice(0, depth) : undefined;
}

/**
 * insertionParent, when that map is in block style and has keys: a new key then goes on a line of its own after
 * the last one, whatever else is written after it (in a flow map the separator depends on the keys before).
 */
export function blockInsertionParent(tree: Document.Parsed, step: EditStep): Path | undefined {
  const parent = insertionParent(tree, step);
  if (!parent) return undefined;
  const map = resolvePath(tree, parent).nodes[parent.length];
  return isMap(map) && !map.flow && map.items.length > 0 ? parent : undefined;
}

/**
 * True when `splices` touch the waiting ones: ranges that cross, or an insert at either end of another splice (after
 * a deletion, the planner may place it differently around comments). Two inserts at one place, at a line's start,
 * are fine when the new one adds a key to the waiting one's map or to a map enclosing it (an inner map ends where
 * its outer map ends): splice() puts it after.
 */
export function overlaps(
  source: string,
  waiting: readonly WaitingEdit[],
  splices: readonly Splice[],
  parent: Path | undefined,
  /** hasBlockScalar of `source`, from the caller's cache: a document with many steps asks for every one. */
  mayHoldBlockScalar: () => boolean = () => hasBlockScalar(source),
): boolean {
  for (const entry of waiting) {
    // The new key's map is the waiting key's, or encloses it: the new insert goes after the waiting one, and the text
    // after both, which its rendering may depend on (a comment below), is what it was planned against. A new key for
    // an inner map would go before, where one at a time it would have seen the waiting key instead.
    const follows = parent !== undefined && entry.parent !== undefined && leadsTo(parent, entry.parent);
    for (const a of entry.splices) {
      for (const b of splices) {
        if (a.from < b.to && b.from < a.to) return true;
        if (a.from === a.to && b.from === b.to && a.from === b.from) {
          // Whole lines only: at the end of a text without a final line break, each insert brings its own.
          if (follows && (a.from === 0 || source[a.from - 1] === "\n")) continue;
          return true;
        }
        if ((a.from === a.to && (a.from === b.to || a.from === b.from)) || (b.from === b.to && (b.from === a.to || b.from === a.from))) return true;
        // Each was planned on the text around it: what follows new text (a literal block must not run into a deeper
        // comment), what precedes a removal (a block scalar would take in the comments it leaves). One step at a time,
        // the other's splice would have been there. Two removals plan on each other's text only through a block scalar:
        // removing the item after one also removes the deeper comment and blank lines that follow it, and which item
        // comes after it, and what follows that item, is what the other removal changes.
        if (a.text === "" && b.text === "" && !mayHoldBlockScalar()) continue;
        const [first, second] = a.from <= b.from ? [a, b] : [b, a];
        if (second.from >= first.to && second.from < followingContextEnd(source, first.to)) return true;
      }
    }
  }
  return false;
}

/** True when the text may hold a block scalar: a line that ends in a `|` or `>` header (a false positive only costs a flush). */
export function hasBlockScalar(source: string): boolean {
  return /[|>][0-9+-]*[ \t]*(?:#.*)?$/m.test(source);
}

/**
 * The end of the text after `at` that the planner may read: the rest of the line, then blank and comment lines, up to
 * and including the next line with content.
 */
function followingContextEnd(source: string, at: number): number {
  let lineEnd = source.indexOf("\n", at);
  while (lineEnd !== -1) {
    const next = source.indexOf("\n", lineEnd + 1);
    const line = source.slice(lineEnd + 1, next === -1 ? source.length : next).trim();
    if (line !== "" && !line.startsWith("#")) return next === -1 ? source.length : next + 1;
    lineEnd = next;
  }
  return source.length;
}

/**
 * True when `prefix` is `path` or leads to it. A key is named by its text, as the editor finds it: `1` and `"1"` name
 * one key of a map.
 */
export function leadsTo(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && leadsTo(a, b);
}

/** The value a `set` writes at `path[depth]`, with the rest of its path as nested maps. */
export function nestedFrom(step: EditStep, depth: number): Json {
  let value: Json = step.value ?? null;
  for (let i = step.path.length - 1; i >= depth; i--) value = { [String(step.path[i])]: value };
  return value;
}

/** Two new maps as one: `first`'s keys, then `second`'s; undefined when they both set one key to something else. */
export function mergeNew(first: Json, second: Json): Json | undefined {
  if (!isPlainMap(first) || !isPlainMap(second)) return undefined;
  const merged: { [key: string]: Json } = { ...first };
  for (const [key, value] of Object.entries(second)) {
    if (!Object.hasOwn(merged, key)) {
      merged[key] = value;
      continue;
    }
    const inner = mergeNew(merged[key] as Json, value);
    if (inner === undefined) return undefined;
    merged[key] = inner;
  }
  return merged;
}

function isPlainMap(value: Json): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
