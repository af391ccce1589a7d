/**
 * Where a merge key (`<<`) stands matters to Kubernetes. go-yaml (sigs.k8s.io/yaml) applies the pairs of a map in
 * order, a merge key writing the keys of its maps where it stands: it overrides a key set before it in the same map.
 * The YAML merge rule, which the yaml package follows, lets the map's own keys win wherever they stand. The two
 * readings differ exactly where a merge key sets a key that the map set before it (by a key, or by an earlier merge).
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Scalar, visit, type YAMLMap } from "yaml";
import { MAX_ALIAS_COUNT } from "./yaml-aliases.js";

export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const value = key.value;
  if (typeof value === "symbol") return value.description === "<<";
  return value === "<<" && (!key.type || key.type === "PLAIN");
}

/** The key a map's pair sets, as the yaml package names it in data (null: the empty string); undefined: not a scalar. */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? "" : String(key.value);
}

/** The maps a merge key's value names, in the order go-yaml applies them (the first named wins, so it comes last). */
function mergeSources(value: unknown, targets: ReadonlyMap<unknown, unknown>): Node[] {
  const resolve = (node: unknown) => (isAlias(node) ? targets.get(node) : node) as Node;
  const source = resolve(value);
  return isSeq(source) ? source.items.map(resolve).reverse() : [source];
}

/**
 * Where a merge key is written in a way go-yaml and the yaml package may not agree on (a tag on it, or a map with a
 * merge key and a key that is no scalar, such as an alias): such a document cannot be read as Kubernetes reads it.
 */
export function unclearMerge(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map: (_key, map) => {
      const pairs = (map as YAMLMap).items;
      const merges = pairs.filter((pair) => isMergeKey(pair.key) || (isScalar(pair.key) && pair.key.tag !== undefined && /merge$/.test(pair.key.tag)));
      if (merges.length === 0) return undefined;
      const odd = merges.find((pair) => (pair.key as Scalar).tag !== undefined) ?? pairs.find((pair) => !isScalar(pair.key));
      if (odd === undefined) return undefined;
      found = ((odd.key as Node | null)?.range ?? (map as YAMLMap).range ?? [0])[0] as number;
      return visit.BREAK;
    },
  });
  return found;
}

/** Offsets of the merge keys that override a key their map set before them: there go-yaml and YAML's rule differ. */
export function mergeOverrides(doc: Document.Parsed, targets: ReadonlyMap<unknown, unknown>): number[] {
  const found: number[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const set = new Set<string>();
      for (const pair of (map as YAMLMap).items) {
        if (!isMergeKey(pair.key)) {
          const name = keyName(pair.key);
          if (name !== undefined) set.add(name);
          continue;
        }
        const keys = mergeSources(pair.value, targets).flatMap((source) =>
          isMap(source) ? Object.keys(source.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) as object) : [],
        );
        if (keys.some((key) => set.has(key))) found.push((pair.key as { range: [number, number, number] }).range[0]);
        for (const key of keys) set.add(key);
      }
    },
  });
  return found;
}

/**
 * The document's data as go-yaml reads it: maps holding an overriding merge key are read pair by pair in order, each
 * write replacing the one before; every other node as the yaml package reads it. Undefined when such a map has a key
 * that is no scalar (never in a manifest).
 */
export function readLikeGoYaml(doc: Document.Parsed, targets: ReadonlyMap<unknown, unknown>, overrides: readonly number[]): unknown {
  const overriding = new Set(overrides);
  // The maps to read pair by pair: those holding an overriding merge key, and every node above them, through aliases.
  const walk = new Set<unknown>();
  const ancestors = new Map<unknown, readonly unknown[]>();
  visit(doc, {
    Node: (_key, node, path) => {
      ancestors.set(node, path);
      if (isMap(node) && node.items.some((pair) => isMergeKey(pair.key) && overriding.has((pair.key as { range: number[] }).range[0] as number))) {
        for (const above of [...path, node]) walk.add(above);
      }
    },
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const [alias, target] of targets) {
      if (!walk.has(target) || walk.has(alias)) continue;
      for (const above of [...(ancestors.get(alias) ?? []), alias]) walk.add(above);
      grew = true;
    }
  }
  let unreadable = false;
  const read = (node: unknown): unknown => {
    if (isAlias(node)) return read(targets.get(node));
    if (node === null || node === undefined) return null;
    if (!walk.has(node)) return (node as Node).toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
    if (isSeq(node)) return node.items.map(read);
    if (!isMap(node)) return (node as Node).toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
    const out: Record<string, unknown> = {};
    const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        for (const source of mergeSources(pair.value, targets)) for (const [key, value] of Object.entries(read(source) as object)) put(key, value);
        continue;
      }
      const name = keyName(pair.key);
      if (name === undefined) unreadable = true;
      else put(name, read(pair.value));
    }
    return out;
  };
  const value = read(doc.contents);
  return unreadable ? undefined : value;
}
