/**
 * Anchors, aliases and merge keys, and the document checks that bound them. Kubernetes' reader (go-yaml) resolves
 * merge keys and refuses alias bombs; so do we, and an edit never leaks into another object through an anchor.
 */
import {
  type CST,
  Composer,
  type DocumentOptions,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type ParseOptions,
  Parser,
  parseDocument,
  type SchemaOptions,
  visit,
  YAMLParseError,
} from "yaml";
import { plainIsStringInBothVersions } from "./fast-scan.js";
import { renderFlow, type Json } from "./render.js";
import { isMergePair } from "./yaml-path.js";

/** Parse options shared by every reader of documents: merge keys resolve as Kubernetes (go-yaml) resolves them. */
export const PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: false, logLevel: "error" } as const;
/** Bounds alias expansion, so an alias bomb is refused instead of exhausting memory. */
export const MAX_ALIAS_COUNT = 1000;
/** At most this many aliases are written out so that a node they share can change. */
export const MAX_EXPANDED_ALIASES = 100;
/** Aliases may make a document at most this many nodes larger than it is written (go-yaml refuses such bombs too). */
const MAX_EXPANDED_NODES = 1_000_000;

/** An anchor (`&name`) means aliases may share nodes: such documents are edited one step at a time. */
const ANCHOR_AT = /(?:^|[\s:[{,-])&[^\s[\]{},&]/y;

/**
 * Whether `text` may hold an anchor: the pattern above tried only around each `&`. Tried at every character, its
 * leading alternative made it the dearest test on a render's documents (scripts' `&&` and URLs' `&` are rare).
 */
export function mayHoldAnchor(text: string): boolean {
  for (let at = text.indexOf("&"); at !== -1; at = text.indexOf("&", at + 1)) {
    ANCHOR_AT.lastIndex = at === 0 ? 0 : at - 1;
    if (ANCHOR_AT.test(text)) return true;
  }
  return false;
}

type ComposeOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** parseDocument's work: the first document, an error for any more. */
function composeDocument(tokens: Iterable<CST.Token>, text: string, options: ComposeOptions): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (!doc) {
      doc = next;
      continue;
    }
    const range = next.range as [number, number, number];
    doc.errors.push(new YAMLParseError([range[0], range[1]], "MULTIPLE_DOCS", "a second document starts here, where one document was expected"));
    break;
  }
  return doc as Document.Parsed;
}

/**
 * Merge keys cost a check on every key, so they are resolved only in documents that have one. Source tokens are
 * kept: the editor finds indicators (`-`, `?`, `:`), tags and anchors in them.
 */
export function parseForEditing(text: string): Document.Parsed {
  return composeDocument(new Parser().parse(text), text, { ...PARSE_OPTIONS, merge: text.includes("<<"), keepSourceTokens: true });
}

function toData(doc: Document.Parsed): { value: unknown; error?: string } {
  const [error] = doc.errors;
  if (error) return { value: undefined, error: error.message.split("\n")[0] ?? error.message };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (cause) {
    return { value: undefined, error: (cause as Error).message };
  }
}

/** A document read as plain data under one YAML version (Kubernetes reads 1.1), merge keys resolved. */
export function readDocument(text: string, version: "1.1" | "1.2"): { value: unknown; error?: string } {
  return toData(parseDocument(text, { ...PARSE_OPTIONS, version }));
}

export interface AliasSplice {
  from: number;
  to: number;
  text: string;
}

/**
 * Splices that write out, as flow values, every alias referring to one of `anchors`: undefined when there is none,
 * a message when there are too many to write out.
 */
export function aliasExpansions(doc: Document.Parsed, anchors: ReadonlySet<string>): AliasSplice[] | string | undefined {
  const found: Node[] = [];
  visit(doc, {
    Alias: (_key, node) => {
      if (anchors.has(node.source)) found.push(node as Node);
    },
  });
  if (found.length === 0) return undefined;
  if (found.length > MAX_EXPANDED_ALIASES) {
    return `too many aliases (${found.length}) refer to a node that must change; at most ${MAX_EXPANDED_ALIASES} are written out`;
  }
  const targets = aliasTargets(doc);
  for (const alias of found) {
    const problem = writeOutProblem(targets.get(alias), targets);
    if (problem) return problem;
  }
  return found.map((alias) => {
    const range = alias.range as [number, number, number];
    const target = targets.get(alias) as Node | undefined;
    const data = target?.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) as Json;
    return { from: range[0], to: range[1], text: renderFlow(data ?? null) };
  });
}

/**
 * Why `node` (aliases in it followed) cannot be written out from its data so that every reader reads what it read
 * before, or undefined when it can: a number that is no plain decimal (`0x1F`, `012`, `1e6`) or is 2^53 or more, a
 * key that is no string (Kubernetes names `1e6: x` "1e+06", JavaScript "1000000"), or a plain scalar YAML 1.1 reads
 * as another type than YAML 1.2 (`yes`, `on`).
 */
export function writeOutProblem(node: unknown, targets: Map<unknown, unknown> = new Map()): string | undefined {
  const seen = new Set<unknown>();
  const walk = (at: unknown, isKey: boolean): string | undefined => {
    if (seen.has(at)) return undefined;
    seen.add(at);
    if (isAlias(at)) return walk(targets.get(at), isKey);
    if (isMap(at)) {
      for (const pair of at.items) {
        const problem = (isMergePair(pair) ? undefined : walk(pair.key, true)) ?? walk(pair.value, false);
        if (problem) return problem;
      }
      return undefined;
    }
    if (isSeq(at)) {
      for (const item of at.items) {
        const problem = walk(item, false);
        if (problem) return problem;
      }
      return undefined;
    }
    if (!isScalar(at)) return isKey ? "a key that is a collection" : undefined;
    const value = at.value;
    const text = (at as { srcToken?: { source?: unknown } }).srcToken?.source;
    const source = typeof text === "string" ? text : String(value);
    if (isKey && typeof value !== "string") return `the key ${source}, which is no string (readers name such keys differently)`;
    // A plain decimal (`8080`, `0.5`, `1.0`) reads as the same float64 however it is spelled, and JSON (which
    // Kubernetes makes of it) spells it one way; hex, octal, exponents, a leading zero or 2^53 and beyond may not.
    if (typeof value === "number" && !(/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/.test(source) && Math.abs(value) <= Number.MAX_SAFE_INTEGER)) {
      return `the number ${source}, whose value would be written as ${String(value)}`;
    }
    if (typeof value === "string" && at.type === "PLAIN" && plainIsStringInBothVersions(value) !== true) {
      return `the plain scalar ${source}, which YAML 1.1 (Kubernetes) reads as another type than a string`;
    }
    return undefined;
  };
  const problem = walk(node, false);
  return problem === undefined ? undefined : `the aliases or merge keys that must be written out first hold ${problem}`;
}

/** Anchors set on any of `nodes`. */
export function anchorsOn(nodes: ReadonlyArray<Node | null>): Set<string> {
  const anchors = new Set<string>();
  for (const node of nodes) {
    const anchor = node && "anchor" in node ? (node.anchor as string | undefined) : undefined;
    if (anchor) anchors.add(anchor);
  }
  return anchors;
}

/** Offset of the first duplicate key in any map: yaml's own check is quadratic in the size of a map. */
export function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  return duplicateKeys(doc)[0];
}

/** Offsets of every key repeated in its map (its second and later occurrences), in document order. */
export function duplicateKeys(doc: Document.Parsed): number[] {
  const found: number[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) found.push((pair.key.range as [number, number, number])[0]);
          seen.add(key);
        }
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  return found.sort((a, b) => a - b);
}

/**
 * Where the first map key Kubernetes' reader refuses stands: a map or a list (itself, or through an alias), which a
 * chart template that was not rendered makes out of `{{ ... }}`, or null (empty, `~`, `null`): "invalid map key".
 */
export function unreadableKey(doc: Document.Parsed): number | undefined {
  const targets = aliasTargets(doc);
  let found: number | undefined;
  visit(doc, {
    Pair: (_key, pair, path) => {
      const key = isAlias(pair.key) ? targets.get(pair.key) : pair.key;
      const refused = isMap(key) || isSeq(key) || key === null || key === undefined || (isScalar(key) && key.value === null);
      if (!refused) return undefined;
      const at = (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? (path[path.length - 1] as Node).range?.[0];
      found = at ?? 0;
      return visit.BREAK;
    },
  });
  return found;
}

/** Where the first alias that names no anchor set before it stands (the parser's error for it has no position). */
export function unresolvedAlias(doc: Document.Parsed): number | undefined {
  for (const [alias, target] of aliasTargets(doc)) {
    if (target === undefined) return ((alias as Node).range as [number, number, number])[0];
  }
  return undefined;
}

/**
 * The node each alias names: the last node before it with that anchor. One pass over the document; Alias.resolve
 * searches the document again for every alias, which a thousand aliases in a large document make very slow.
 */
export function aliasTargets(doc: Document.Parsed): Map<unknown, unknown> {
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * The offset of an alias inside the very node its anchor names (`metadata: &a {self: *a}`): such data is infinite.
 * go-yaml, which Kubernetes reads with, refuses it ("anchor 'a' value contains itself").
 */
export function selfContainingAlias(doc: Document.Parsed): number | undefined {
  const targets = aliasTargets(doc);
  const open = new Set<unknown>();
  const walk = (node: unknown, depth: number): number | undefined => {
    if (depth > 10_000) return undefined;
    if (isAlias(node)) return open.has(targets.get(node)) ? (node.range as [number, number, number])[0] : undefined;
    if (!isMap(node) && !isSeq(node)) return undefined;
    open.add(node);
    let found: number | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        found = walk(pair.key, depth + 1) ?? walk(pair.value, depth + 1);
        if (found !== undefined) break;
      }
    } else {
      for (const item of node.items) {
        found = walk(item, depth + 1);
        if (found !== undefined) break;
      }
    }
    open.delete(node);
    return found;
  };
  return walk(doc.contents, 0);
}

/** Where aliases would blow a document up (an alias bomb), the offset of the alias that crosses the limit. */
export function excessiveAliasing(doc: Document.Parsed): number | undefined {
  const targets = aliasTargets(doc);
  const sizes = new Map<unknown, number>();
  let total = 0;
  let culprit: number | undefined;
  const size = (node: unknown, depth: number): number => {
    if (culprit !== undefined || depth > 10_000) return 0;
    if (isAlias(node)) {
      const target = targets.get(node);
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
