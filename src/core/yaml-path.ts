/** Paths into a YAML document: how rules address nodes, how they are resolved in the tree, and how users read them. */
import { isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Resolved {
  /** The node at each path prefix: nodes[0] is the root, nodes[i] is at path.slice(0, i). */
  nodes: Array<Node | null>;
  /** How many segments resolved to an existing node. */
  depth: number;
}

/** Follows `path` from the root as far as it exists in the tree (aliases and merge keys are not followed). */
export function resolvePath(doc: Document.Parsed, path: Path): Resolved {
  const nodes: Array<Node | null> = [(doc.contents as Node | null) ?? null];
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

/** The value at `path` in plain data, or undefined. */
export function valueAtPath(data: unknown, path: Path): unknown {
  let at: unknown = data;
  for (const segment of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return at;
}

export function keyMatches(item: unknown, segment: PathSegment): boolean {
  if (!isPair(item)) return false;
  const key = item.key;
  return isScalar(key) ? String(key.value) === String(segment) : false;
}

/** `<<: *base`; with merge keys on, yaml gives the key as Symbol(<<). */
export function isMergePair(item: unknown): boolean {
  if (!isPair(item) || !isScalar(item.key)) return false;
  const { value, type } = item.key;
  // Only a plain `<<` merges (in the yaml package and in go-yaml alike): a quoted "<<" is an ordinary key.
  return (value === "<<" && (type === undefined || type === "PLAIN")) || (typeof value === "symbol" && value.description === "<<");
}

export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
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
