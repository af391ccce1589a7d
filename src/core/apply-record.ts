/**
 * The meaning of a change record as data: what the object becomes when the record is applied. The run-time proof,
 * the Flux patches and the tests all use this one function, so none of them can disagree with another about what an
 * edit does.
 */
import type { EditOp } from "./records.js";
import type { Path, PathSegment } from "./yaml-path.js";

/** The part of a change record that says what changed (relative to the object the record names). */
export interface RecordedEdit {
  op: EditOp;
  path: Path;
  after?: unknown;
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === "object";
}

/**
 * Applies one record to `root` in place and returns it. `set` creates missing (or null) maps on the way, as the
 * editor does; `delete` of a missing path changes nothing; `append` adds to a list, creating it when absent.
 */
export function applyRecord(root: unknown, record: RecordedEdit): unknown {
  if (record.path.length === 0) return record.op === "delete" ? undefined : copyData(record.after);
  const parentPath = record.path.slice(0, -1);
  const key = record.path[record.path.length - 1] as PathSegment;
  if (record.op === "delete") {
    const parent = follow(root, parentPath);
    if (Array.isArray(parent) && typeof key === "number" && key < parent.length) parent.splice(key, 1);
    else if (isContainer(parent) && !Array.isArray(parent)) delete parent[String(key)];
    return root;
  }
  const parent = create(root, parentPath);
  if (record.op === "append") {
    const list = getChild(parent, key);
    if (Array.isArray(list)) list.push(copyData(record.after));
    else setChild(parent, key, [copyData(record.after)]);
    return root;
  }
  setChild(parent, key, copyData(record.after));
  return root;
}

/**
 * A copy in which no two places share an object. A reader gives every alias of an anchor the same object; an edit to
 * one place must not show in the others, just as the editor writes the aliases out before it edits an anchored node.
 */
export function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) {
    return value !== null && typeof value === "object" ? structuredClone(value) : value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = copyData(item);
  return copy;
}

/**
 * What applyRecord gives, without changing `root`: only the maps and lists on the record's path are copied, and the
 * result shares everything else with `root` (an edited document's data costs its path, not a second document).
 */
export function applyRecordShared(root: unknown, record: RecordedEdit): unknown {
  if (record.path.length === 0 || !isContainer(root)) return applyRecord(copyData(root), record);
  // The containers applyRecord changes: every one from the root to the parent of the last key, and for `append`
  // the list itself. Missing ones it creates new.
  const depth = record.op === "append" ? record.path.length : record.path.length - 1;
  const top = shallowCopy(root);
  let at: Container = top;
  for (const segment of record.path.slice(0, depth)) {
    const child = getChild(at, segment);
    if (!isContainer(child)) break;
    const copy = shallowCopy(child);
    setChild(at, segment, copy);
    at = copy;
  }
  return applyRecord(top, record);
}

function shallowCopy(container: Container): Container {
  return Array.isArray(container) ? container.slice() : { ...container };
}

/** Applies records in order to a copy of `original`. */
export function applyRecords(original: unknown, records: readonly RecordedEdit[]): unknown {
  let value = copyData(original);
  for (const record of records) value = applyRecord(value, record);
  return value;
}

function follow(root: unknown, path: Path): unknown {
  let at = root;
  for (const segment of path) {
    if (!isContainer(at)) return undefined;
    at = getChild(at, segment);
  }
  return at;
}

/** Follows `path`, writing an empty map wherever a key is missing or null. */
function create(root: unknown, path: Path): Container {
  if (!isContainer(root)) throw new Error("applyRecord: the object is not a map");
  let at: Container = root;
  for (const segment of path) {
    let next = getChild(at, segment);
    if (next === null || next === undefined) {
      next = {};
      setChild(at, segment, next);
    }
    if (!isContainer(next)) throw new Error(`applyRecord: ${String(segment)} is not a map or list`);
    at = next;
  }
  return at;
}

function getChild(container: Container, key: PathSegment): unknown {
  return Array.isArray(container) ? (typeof key === "number" ? container[key] : undefined) : container[String(key)];
}

function setChild(container: Container, key: PathSegment, value: unknown): void {
  if (Array.isArray(container)) {
    if (typeof key !== "number" || key > container.length) throw new Error(`applyRecord: no item ${String(key)} in a list`);
    container[key] = value;
  } else {
    container[String(key)] = value;
  }
}
