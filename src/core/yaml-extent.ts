/**
 * Where things are in the source text, read from the parser's source tokens: the indicators (`-`, `?`, `:`), the
 * properties (tags, anchors) and where a node's content ends. Content ends before any trailing comment line, so an
 * edit that replaces or removes a node never takes the comments and keys that follow it.
 */
import type { CST, Node, Pair, YAMLSeq } from "yaml";

export type CollectionItem = CST.CollectionItem;

const INDICATORS = new Set(["seq-item-ind", "explicit-key-ind", "map-value-ind", "anchor", "tag"]);
const PROPERTIES = new Set(["anchor", "tag"]);

function tokenEnd(token: { offset: number; source: string }): number {
  return token.offset + token.source.length;
}

/** Offset just past the last character of a token's content (comments and line breaks after it excluded). */
export function contentEnd(token: CST.Token | null | undefined): number | undefined {
  if (!token) return undefined;
  switch (token.type) {
    case "alias":
    case "scalar":
    case "single-quoted-scalar":
    case "double-quoted-scalar":
      return tokenEnd(token);
    case "block-scalar": {
      const header = token.props[token.props.length - 1];
      const bodyStart = header && "source" in header ? tokenEnd(header as CST.SourceToken) : token.offset;
      return bodyStart + token.source.length;
    }
    case "flow-collection": {
      const close = token.end.find((end) => end.type === "flow-map-end" || end.type === "flow-seq-end");
      return close ? tokenEnd(close) : token.offset + 1;
    }
    case "block-map":
    case "block-seq":
      for (let i = token.items.length - 1; i >= 0; i--) {
        const end = itemContentEnd(token.items[i] as CollectionItem);
        if (end !== undefined) return end;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Content end of a collection item (a pair or a sequence entry): its value, else its last indicator or property. */
export function itemContentEnd(item: CollectionItem): number | undefined {
  const value = contentEnd(item.value);
  if (value !== undefined) return value;
  let end: number | undefined;
  for (const token of [...item.start, ...(item.sep ?? [])]) if (INDICATORS.has(token.type)) end = Math.max(end ?? 0, tokenEnd(token));
  const key = contentEnd(item.key);
  if (key !== undefined) end = Math.max(end ?? 0, key);
  return end;
}

/** Where an item begins: its first indicator or property, else its key or value. */
export function itemStart(item: CollectionItem): number | undefined {
  const first = item.start.find((token) => INDICATORS.has(token.type));
  if (first) return first.offset;
  const key = item.key ?? item.value;
  return key ? key.offset : undefined;
}

/** The `-` of a block sequence entry. */
export function dashOf(item: CollectionItem): number | undefined {
  return item.start.find((token) => token.type === "seq-item-ind")?.offset;
}

/** The `:` of a pair. */
export function colonOf(item: CollectionItem): number | undefined {
  return item.sep?.find((token) => token.type === "map-value-ind")?.offset;
}

/** Where a pair's value begins, its tag or anchor included. */
export function pairValueStart(item: CollectionItem): number | undefined {
  const props = item.sep?.find((token) => PROPERTIES.has(token.type));
  return props?.offset ?? item.value?.offset;
}

/** Where a sequence entry's value begins, its tag or anchor included. */
export function entryValueStart(item: CollectionItem): number | undefined {
  const dash = item.start.findIndex((token) => token.type === "seq-item-ind");
  const props = item.start.slice(dash + 1).find((token) => PROPERTIES.has(token.type));
  return props?.offset ?? item.value?.offset;
}

/** The source item of a pair (kept when the document is parsed with keepSourceTokens). */
export function pairToken(pair: Pair<unknown, unknown>): CollectionItem | undefined {
  return (pair as { srcToken?: CollectionItem }).srcToken;
}

/** The source items of a block sequence's entries, one per entry of `seq.items`. */
export function entryTokens(seq: YAMLSeq<unknown>): CollectionItem[] | undefined {
  const token = (seq as { srcToken?: CST.Token }).srcToken;
  if (token?.type !== "block-seq") return undefined;
  return token.items.filter((item) => item.start.some((start) => start.type === "seq-item-ind"));
}

/** A node's own source token (scalars, collections). */
export function nodeToken(node: Node | null | undefined): CST.Token | undefined {
  return (node as { srcToken?: CST.Token } | null | undefined)?.srcToken;
}

/** Text helpers over the document source. */
export class SourceLines {
  constructor(readonly source: string) {}

  /** Where the line holding `offset` starts: after a byte order mark that starts the text, which is no column. */
  lineStartOf(offset: number): number {
    const start = this.source.lastIndexOf("\n", offset - 1) + 1;
    return start === 0 && offset > 0 && this.source.startsWith("\uFEFF") ? 1 : start;
  }

  columnOf(offset: number): number {
    return offset - this.lineStartOf(offset);
  }

  /** The offset just past the newline that ends the line holding `offset - 1`. */
  lineEndAfter(offset: number): number {
    if (offset > 0 && this.source[offset - 1] === "\n") return offset;
    const newline = this.source.indexOf("\n", offset);
    return newline === -1 ? this.source.length : newline + 1;
  }

  /** True when only spaces or tabs precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return /^[ \t]*$/.test(this.source.slice(this.lineStartOf(offset), offset));
  }

  endsWithNewline(offset: number): boolean {
    return offset > 0 && this.source[offset - 1] === "\n";
  }
}
