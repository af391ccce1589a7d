/**
 * A tree for the planner without the `yaml` parser, for the plain block YAML renderers write: the nodes and source
 * tokens that parseForEditing gives, built in one pass over the lines, at a fraction of the cost (lexing, parsing and
 * composing a document is most of what editing costs).
 *
 * Only the parts the planner reads are built: maps and sequences with their items' tokens (indicators, keys, values
 * and where they end), scalars with their values and styles. A one-line flow collection is a node with its items but
 * without tokens inside: a step that reaches into one, or replaces one, is planned on the parser's tree
 * (`needsFullTree`). Anything else outside this subset (anchors, aliases, tags, merge keys, folded or keep-chomped
 * blocks, multi-line quoted scalars, a scalar other than a flow collection on the line below its key, comments
 * indented into a block scalar's end, tabs, CR line endings, directives, a second `---`, duplicate keys, non-string
 * keys, characters and escapes Kubernetes' reader refuses or reads as line breaks, `?` or a lone `-` in a flow
 * collection) gives no tree, and the parser reads the document. The planner's trees are lazy (parseForPlanning): a
 * map's nested block value is built only when read, and a part outside the subset found then is the parser's
 * (Deferred).
 * test/core/fast-compose.test.ts holds it to the parser's tree on the corpus and on generated documents, fact by
 * fact, and an editor planning on it to the bytes of one planning on the parser's tree; fast-compose-adversarial
 * does the same on documents written to probe the subset's edges, and on those documents changed a little;
 * fast-compose-lazy holds lazy trees to the parser where parts of them are outside the subset.
 */
import { Document, isMap, isPair, isSeq, type CST, type Node, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { BlockLines, Fallback, FlowReader, INDICATOR, plainContinuation, resolvePlain, unquote } from "./fast-scan.js";
import { mayHoldAnchor, parseForEditing } from "./yaml-aliases.js";
import { resolvePath, type Path } from "./yaml-path.js";

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const DOUBLE = 0x22;
const SINGLE = 0x27;
/** Escapes YAML 1.1 lacks (`\/`) or that name half of a surrogate pair: go-yaml refuses them, the parser does not. */
const ESCAPE_UNREAD_BY_KUBERNETES = /\\(?:\/|u[dD][89a-fA-F])/;
const LONE_DASH = /[[{,\s]-[\s,\]}]/;
/**
 * Characters the readers do not agree on: control characters Kubernetes' reader (go-yaml, YAML 1.1) refuses, NEL, LS
 * and PS, which YAML 1.1 reads as line breaks, and a byte order mark, which the parser skips at the start of a line
 * (after comments too) and go-yaml keeps as text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for.
const READERS_DISAGREE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/**
 * How deep a lazy tree defers: a map inside more collections than this builds its nested values at once. Each
 * deferring level passes over the lines below it again, so this bounds that cost; no edit path of an object is this
 * deep.
 */
const MAX_DEFERRED_DEPTH = 16;

/** Trees this module built: the editor asks the parser for the real one when a step needs more than they hold. */
const composed = new WeakSet<Document.Parsed>();

export function isFastTree(tree: Document.Parsed): boolean {
  return composed.has(tree);
}

/** True when a step at `path` reaches into, or replaces, a flow collection: fast trees hold no tokens inside one. */
export function needsFullTree(tree: Document.Parsed, path: Path): boolean {
  if (!composed.has(tree)) return false;
  const { nodes, depth } = resolvePath(tree, path);
  for (let i = 0; i <= depth; i++) {
    const node = nodes[i];
    if ((isMap(node) || isSeq(node)) && node.flow) return true;
  }
  return false;
}

/** The planner's tree of `text`: a lazy fast tree when it is in the subset above, else the parser's. */
export function parseForPlanning(text: string): Document.Parsed {
  return fastCompose(text, true) ?? parseForEditing(text);
}

/**
 * The planner's tree of `text`, or undefined when it is outside the subset above. With `lazy`, a map's value that
 * is a block collection on the lines below its key is built when first read: the subset is then checked where the
 * tree is read, and a part outside it is the parser's (see Deferred). Lazy trees are only for text that parses
 * (what fast-scan read, or the editor's splices of it), and never where anchors or merge keys could let one node
 * stand at several paths: the planner then looks for them across the whole tree.
 */
export function fastCompose(text: string, lazy = false): Document.Parsed | undefined {
  if (text.includes("\t") || text.includes("\r") || READERS_DISAGREE.test(text)) return undefined;
  if (text.length === 0 || text.charCodeAt(text.length - 1) !== NEWLINE) return undefined;
  const deferring = lazy && !mayHoldAnchor(text) && !text.includes("<<");
  try {
    const root = new TreeBuilder(text, deferring ? new LazySource(text) : undefined).document();
    const doc = new Document() as unknown as Document.Parsed;
    doc.contents = root as unknown as Document.Parsed["contents"];
    composed.add(doc);
    return doc;
  } catch (error) {
    if (error instanceof Fallback) return undefined;
    throw error;
  }
}

/**
 * The parser's node classes, made without their constructors: each defines its type with Object.defineProperty,
 * which costs a cold process about twenty times a plain object. The type is set once on a prototype of each class's
 * instead, where isMap, isScalar and the like find it, so the nodes are the same to every reader of the tree.
 */
const NODE_TYPE = Symbol.for("yaml.node.type");

function typedPrototype(sample: object): object {
  const type = (sample as Record<symbol, unknown>)[NODE_TYPE];
  if (type === undefined) throw new Error("the yaml package no longer marks its nodes with Symbol.for('yaml.node.type')");
  return Object.create(Object.getPrototypeOf(sample), { [NODE_TYPE]: { value: type } });
}

const MAP_PROTOTYPE = typedPrototype(new YAMLMap());
const SEQ_PROTOTYPE = typedPrototype(new YAMLSeq());
const SCALAR_PROTOTYPE = typedPrototype(new Scalar(null));
const PAIR_PROTOTYPE = typedPrototype(new Pair(null));

function newMap(): YAMLMap {
  const map = Object.create(MAP_PROTOTYPE) as YAMLMap;
  map.items = [];
  return map;
}

function newSeq(): YAMLSeq {
  const seq = Object.create(SEQ_PROTOTYPE) as YAMLSeq;
  seq.items = [];
  return seq;
}

function newScalar(value: unknown): Scalar {
  const scalar = Object.create(SCALAR_PROTOTYPE) as Scalar;
  scalar.value = value;
  return scalar;
}

const DEFERRED = Symbol("deferred");

/** A pair whose value is built when first read; a value set on it replaces that. */
const DEFERRED_PAIR_PROTOTYPE = Object.create(PAIR_PROTOTYPE, {
  value: {
    get(this: { [DEFERRED]: Deferred }) {
      return this[DEFERRED].get().node;
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, "value", { value, writable: true, enumerable: true, configurable: true });
    },
  },
});

function newDeferredPair(key: Scalar, deferred: Deferred): Pair {
  const pair = Object.create(DEFERRED_PAIR_PROTOTYPE) as Pair & { [DEFERRED]: Deferred };
  pair.key = key;
  pair[DEFERRED] = deferred;
  return pair;
}

/** A block map's source item whose value token is built when first read, with its pair's value. */
class DeferredItem {
  readonly start: SourceToken[] = [];

  constructor(
    readonly key: CST.FlowScalar,
    readonly sep: SourceToken[],
    private readonly deferred: Deferred,
  ) {}

  get value(): CST.Token | undefined {
    return this.deferred.get().token;
  }
}

function newPair(key: Scalar, value: Node): Pair {
  const pair = Object.create(PAIR_PROTOTYPE) as Pair;
  pair.key = key;
  pair.value = value;
  return pair;
}

type SourceToken = CST.SourceToken;

/** What an item's value is: its node and its source token (none for an empty value). */
interface Built {
  node: Node;
  token: CST.Token | undefined;
}

/**
 * A lazy tree's source: its text, shared by its deferred parts, and the parser's tree of it once a part is found
 * outside the subset.
 */
class LazySource {
  private parsed: Document.Parsed | undefined;

  constructor(readonly text: string) {}

  /**
   * The parser's value of the pair whose key starts at `keyOffset`, and its token. Only the parts read are built, so
   * the parser's nodes stand in for a part outside the subset: the text is one, and so are the offsets. `end` is
   * where the value's lines were passed over: a value the parser reads past it (a reading of the parser's that the
   * fast readers do not share, which the documents edited are refused for) would overlap the fast nodes after it.
   */
  parserValue(keyOffset: number, end: number): Built {
    this.parsed ??= parseForEditing(this.text);
    // The parser may end a collection after the indentation of the line that follows it.
    let limit = end;
    while (this.text.charCodeAt(limit) === SPACE) limit++;
    // The text fast-scan read, or the editor's own splices of it: either parses (the editor checks its output).
    if (this.parsed.errors.length > 0) throw new Error(`internal error: a text fast-compose read does not parse (${this.parsed.errors[0]?.message})`);
    let node = this.parsed.contents as Node | null;
    const holds = (inner: unknown) => {
      const range = (inner as Node | null)?.range;
      return range !== undefined && range !== null && range[0] <= keyOffset && keyOffset < range[2];
    };
    while (isMap(node) || isSeq(node)) {
      let next: Node | null = null;
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          const pair = item as Pair<Node | null, Node | null>;
          if (pair.key?.range?.[0] === keyOffset) {
            const valueEnd = pair.value?.range?.[1];
            if (pair.value === null || valueEnd === undefined || valueEnd > limit) break;
            return { node: pair.value, token: (pair as { srcToken?: CST.CollectionItem }).srcToken?.value };
          }
          if (holds(pair.value)) next = pair.value;
        } else if (holds(item)) {
          next = item as Node;
        }
      }
      node = next;
    }
    throw new Error(`internal error: the parser's tree has no value within the lines of the key at offset ${keyOffset} of the text fast-compose read`);
  }
}

/**
 * A map's value that is a block collection on the lines below its key, in a lazy tree: its lines are passed over by
 * their indentation, and it is built, by the same code, when the planner first reads it (most edits reach a few
 * small maps of a large document). Built, it must end where the lines were passed over: else, or when it is outside
 * the subset, the parser's node stands in for it.
 */
class Deferred {
  private built: Built | undefined;

  constructor(
    private readonly source: LazySource,
    /** Where the key's line starts, and the collections open around it, as value() was called. */
    private readonly lineStart: number,
    private readonly depth: number,
    private readonly at: number,
    private readonly indent: number,
    private readonly end: number,
    private readonly keyOffset: number,
  ) {}

  get(): Built {
    this.built ??= this.build();
    return this.built;
  }

  private build(): Built {
    try {
      const builder = new TreeBuilder(this.source.text, this.source);
      const built = builder.valueAt(this.lineStart, this.depth, this.at, this.indent);
      // Defensive: for text fast-scan read, building reads exactly the lines passOver passed over (no test finds otherwise).
      if (builder.position() === this.end) return built;
    } catch (error) {
      if (!(error instanceof Fallback)) throw error;
    }
    return this.source.parserValue(this.keyOffset, this.end);
  }
}

const token = (type: SourceToken["type"], offset: number, source: string): SourceToken => ({ type, offset, indent: 0, source });
const scalarToken = (type: CST.FlowScalar["type"], offset: number, source: string): CST.FlowScalar => ({ type, offset, indent: 0, source });

/**
 * Matches the line break before each line with content (not blank, not a comment) indented `indent` spaces or fewer,
 * up to that content; by indentation, one per indent (tabs never reach here: fastCompose refuses them).
 */
const INDENTED_AT_MOST: RegExp[] = [];

function linesIndentedAtMost(indent: number): RegExp {
  let lines = INDENTED_AT_MOST[indent];
  if (lines === undefined) {
    lines = new RegExp(`\\n {0,${indent}}(?=[^ \\n#])`, "g");
    INDENTED_AT_MOST[indent] = lines;
  }
  return lines;
}

class TreeBuilder extends BlockLines {
  /** Set for a lazy tree: maps' nested values are then deferred. */
  constructor(
    text: string,
    private readonly lazy?: LazySource,
  ) {
    super(text);
  }

  /** A deferred value, built as value() would have built it at its place (see Deferred). */
  valueAt(lineStart: number, depth: number, at: number, indent: number): Built {
    this.at = lineStart;
    this.depth = depth;
    const built = this.value(at, indent, true);
    this.peek(false);
    return built;
  }

  /** Where the next line with content starts (the text's end when none). */
  position(): number {
    return this.at;
  }

  document(): YAMLMap {
    const first = this.peek(true);
    if (!first || this.isSequenceItem(first)) throw new Fallback("root is not a block map");
    const { node } = this.map(first.content - first.start, first.content);
    if (this.peek(false)) throw new Fallback("content after the root map");
    return node as YAMLMap;
  }

  /** A block map whose keys start at column `indent`, the first at `first` (on the line at `this.at`). */
  private map(indent: number, first: number): Built {
    this.enter();
    const map = newMap();
    const items: CST.BlockMap["items"] = [];
    const keys = new Set<string>();
    let keyAt = first;
    for (;;) {
      const { key, keyToken, colon } = this.key(keyAt);
      if (keys.has(key)) throw new Fallback("duplicate key");
      keys.add(key);
      const value = this.value(colon + 1, indent, true, keyToken.offset);
      const keyNode = newScalar(key);
      keyNode.type = keyToken.type === "scalar" ? "PLAIN" : keyToken.type === "double-quoted-scalar" ? "QUOTE_DOUBLE" : "QUOTE_SINGLE";
      keyNode.range = [keyToken.offset, keyToken.offset + keyToken.source.length, keyToken.offset + keyToken.source.length];
      const sep = [token("map-value-ind", colon, ":")];
      const deferred = value instanceof Deferred;
      const pair = deferred ? newDeferredPair(keyNode, value) : newPair(keyNode, value.node);
      const item: CST.BlockMap["items"][number] = deferred
        ? new DeferredItem(keyToken, sep, value)
        : { start: [], key: keyToken, sep, ...(value.token && { value: value.token }) };
      (pair as { srcToken?: unknown }).srcToken = item;
      map.items.push(pair);
      items.push(item);
      const next = this.peek(false);
      const column = next ? next.content - next.start : -1;
      if (!next || column < indent) break;
      if (column > indent || this.isSequenceItem(next)) throw new Fallback("unexpected indentation");
      keyAt = next.content;
    }
    this.depth--;
    const source: CST.BlockMap = { type: "block-map", offset: first, indent, items };
    (map as { srcToken?: unknown }).srcToken = source;
    return { node: map, token: source };
  }

  /** A block sequence whose dashes are at column `indent`, its first item on the line at `this.at`. */
  private sequence(indent: number, ofKey: boolean): Built {
    this.enter();
    const seq = newSeq();
    const items: CST.BlockSequence["items"] = [];
    const text = this.text;
    const first = this.lineAt(this.at).content;
    for (;;) {
      const line = this.lineAt(this.at);
      const dash = line.content;
      let at = dash + 1;
      while (at < line.end && text.charCodeAt(at) === SPACE) at++;
      if (at < line.end && text.charCodeAt(at) === DASH && (at + 1 === line.end || text.charCodeAt(at + 1) === SPACE)) {
        throw new Fallback("compact nested sequence");
      }
      const value = at < line.end && text.charCodeAt(at) !== HASH && this.keyOnLine(at, line.end) ? this.map(at - line.start, at) : this.value(dash + 1, indent, false);
      seq.items.push(value.node);
      items.push({ start: [token("seq-item-ind", dash, "-")], ...(value.token && { value: value.token }) });
      const next = this.peek(false);
      const column = next ? next.content - next.start : -1;
      if (!next || column < indent || (column === indent && ofKey && !this.isSequenceItem(next))) break;
      if (column > indent || !this.isSequenceItem(next)) throw new Fallback("unexpected indentation");
    }
    this.depth--;
    const source: CST.BlockSequence = { type: "block-seq", offset: first, indent, items };
    (seq as { srcToken?: unknown }).srcToken = source;
    return { node: seq, token: source };
  }

  private key(at: number): { key: string; keyToken: CST.FlowScalar; colon: number } {
    const text = this.text;
    const line = this.lineAt(this.at);
    const c = text.charCodeAt(at);
    let key: string;
    let keyToken: CST.FlowScalar;
    let colon: number;
    if (c === DOUBLE || c === SINGLE) {
      const close = this.quotedEnd(at, line.end);
      if (close === -1 || text.charCodeAt(close) !== COLON) throw new Fallback("quoted key");
      key = this.unquote(at, close);
      keyToken = scalarToken(c === DOUBLE ? "double-quoted-scalar" : "single-quoted-scalar", at, text.slice(at, close));
      colon = close;
    } else {
      colon = this.plainKeyColon(at, line.end);
      // A space before the colon would be part of neither token.
      if (text.charCodeAt(colon - 1) === SPACE) throw new Fallback("space before a colon");
      key = text.slice(at, colon);
      if (resolvePlain(key) !== key) throw new Fallback("key that is not a string");
      keyToken = scalarToken("scalar", at, key);
    }
    if (key === "<<" || key === "__proto__") throw new Fallback("merge or prototype key");
    // The parser counts the 1024 characters a key may take from the line break before it after an empty value.
    if (colon - line.start >= 1024) throw new Fallback("long key");
    if (colon + 1 < line.end && text.charCodeAt(colon + 1) !== SPACE) throw new Fallback("no space after colon");
    return { key, keyToken, colon };
  }

  /**
   * The value starting at `at` on the current line (`this.at` is its start), or on the lines below: a nested block
   * collection, or nothing. `indent` is the column of the owning key or dash.
   */
  private value(at: number, indent: number, ofMap: boolean): Built;
  /** With `keyOffset`, the value of the key there: in a lazy tree, a nested collection is deferred. */
  private value(at: number, indent: number, ofMap: boolean, keyOffset: number): Built | Deferred;
  private value(at: number, indent: number, ofMap: boolean, keyOffset?: number): Built | Deferred {
    const text = this.text;
    const start = this.at;
    const line = this.lineAt(start);
    const owner = at - 1;
    const valueStart = at;
    while (at < line.end && text.charCodeAt(at) === SPACE) at++;
    if (at === line.end || (text.charCodeAt(at) === HASH && text.charCodeAt(at - 1) === SPACE)) {
      this.at = line.end + 1;
      const next = this.peek(false);
      const column = next ? next.content - next.start : -1;
      const defer = (sameIndent: boolean): Deferred | undefined => {
        if (this.lazy === undefined || keyOffset === undefined || this.depth > MAX_DEFERRED_DEPTH) return undefined;
        return new Deferred(this.lazy, start, this.depth, valueStart, indent, this.passOver(indent, sameIndent), keyOffset);
      };
      if (next && column > indent) {
        if (this.isSequenceItem(next)) return defer(false) ?? this.sequence(column, false);
        // `annotations:` then `{}` on the next line, as Helm's toYaml writes an empty map (no key starts so).
        const c = text.charCodeAt(next.content);
        if (c === 0x5b || c === 0x7b) return this.flow(next.content, next.end, indent);
        if (this.keyOnLine(next.content, next.end)) return defer(false) ?? this.map(column, next.content);
        throw new Fallback("a scalar on the line below its key");
      }
      if (next && column === indent && ofMap && this.isSequenceItem(next)) return defer(true) ?? this.sequence(column, true);
      // Nothing: the parser's empty scalar, just past the indicator.
      const empty = newScalar(null);
      empty.type = "PLAIN";
      empty.range = [owner + 1, owner + 1, owner + 1];
      return { node: empty, token: undefined };
    }
    const c = text[at] as string;
    let built: Built;
    let end: number;
    if (c === "|") return this.literal(at, line.end, indent);
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at, line.end);
      if (close === -1) throw new Fallback("multi-line quoted scalar");
      const scalar = newScalar(this.unquote(at, close));
      scalar.type = c === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE";
      const source = scalarToken(c === '"' ? "double-quoted-scalar" : "single-quoted-scalar", at, text.slice(at, close));
      built = { node: scalar, token: source };
      end = close;
    } else if (c === "[" || c === "{") {
      return this.flow(at, line.end, indent);
    } else if (INDICATOR.has(c) || (c === "-" && (at + 1 === line.end || text.charCodeAt(at + 1) === SPACE))) {
      throw new Fallback(`value starts with ${c}`);
    } else {
      end = this.plainScalarEnd(at, line.end);
      const continued = end === line.end ? plainContinuation(text, line.end + 1, indent) : undefined;
      while (text.charCodeAt(end - 1) === SPACE) end--;
      const first = text.slice(at, end);
      const scalar = newScalar(resolvePlain(continued ? first + continued.folded : first));
      scalar.type = "PLAIN";
      if (continued) {
        // A multi-line plain scalar: its token runs to the last character of its last line.
        scalar.range = [at, continued.end, continued.end];
        this.at = continued.next;
        return this.ended({ node: scalar, token: scalarToken("scalar", at, text.slice(at, continued.end)) }, indent);
      }
      built = { node: scalar, token: scalarToken("scalar", at, first) };
    }
    (built.node as Scalar).range = [at, end, end];
    this.rest(end, line.end);
    this.at = line.end + 1;
    return this.ended(built, indent);
  }

  /**
   * Passes over the lines of a nested block collection that starts on the current line, as building it would: every
   * line indented past its owner's column `indent`, and, for a sequence at that column (`sameIndent`), its items;
   * blank and comment lines between. Building it reads the same lines or finds a line it cannot read. Returns where
   * the next line with content starts, as building it leaves `at`.
   */
  private passOver(indent: number, sameIndent: boolean): number {
    const text = this.text;
    let at = this.at;
    // `at` starts a line: found from the line break before it, each line that may end the collection is one match.
    if (at === 0 || text.charCodeAt(at - 1) !== NEWLINE) throw new Error("internal error: passOver from the middle of a line");
    const lines = linesIndentedAtMost(indent);
    lines.lastIndex = at - 1;
    for (;;) {
      const found = lines.exec(text);
      if (found === null) {
        at = text.length;
        break;
      }
      at = found.index + 1;
      const content = found.index + found[0].length;
      if (content - at < indent || !sameIndent) break;
      const item = text.charCodeAt(content) === DASH && (content + 1 === text.length || text.charCodeAt(content + 1) === SPACE || text.charCodeAt(content + 1) === NEWLINE);
      if (!item) break;
    }
    this.at = at;
    return at;
  }

  /** After a value: anything indented past its owner on the lines below is not read here. */
  private ended(built: Built, indent: number): Built {
    const next = this.peek(false);
    if (next && next.content - next.start > indent) throw new Fallback("a line indented past a scalar");
    return built;
  }

  /** A one-line flow collection at `at`: a node with its items, and a token that says only where it ends. */
  private flow(at: number, lineEnd: number, indent: number): Built {
    const text = this.text;
    const reader = new FlowReader(text, at, lineEnd, resolvePlain);
    const value = reader.value();
    const end = reader.at;
    const written = text.slice(at, end);
    if (ESCAPE_UNREAD_BY_KUBERNETES.test(written)) throw new Fallback("an escape Kubernetes refuses");
    // The parser reads a lone `-` in a flow collection (`[a, -]`) as a block sequence and refuses it.
    if (LONE_DASH.test(written)) throw new Fallback("a lone dash in a flow collection");
    // go-yaml ends a plain scalar at a `?` in a flow collection, and refuses what follows (`[a?b]`).
    if (written.includes("?")) throw new Fallback("a question mark in a flow collection");
    // go-yaml refuses a key of more than 1024 characters in a flow map too; the parser takes one.
    if (written.length > 1000 && written.includes("{")) throw new Fallback("a long flow map");
    const open = text[at] as "[" | "{";
    const node = new Document().createNode(value) as YAMLMap | YAMLSeq;
    node.flow = true;
    const source: CST.FlowCollection = {
      type: "flow-collection",
      offset: at,
      indent,
      start: token(open === "{" ? "flow-map-start" : "flow-seq-start", at, open),
      items: [],
      end: [token(open === "{" ? "flow-map-end" : "flow-seq-end", end - 1, open === "{" ? "}" : "]")],
    };
    (node as { srcToken?: unknown }).srcToken = source;
    this.rest(end, lineEnd);
    this.at = lineEnd + 1;
    return this.ended({ node, token: source }, indent);
  }

  /** A quoted scalar's value; an escape Kubernetes' reader refuses is left to the parser, which reports nothing. */
  private unquote(at: number, close: number): string {
    if (this.text.charCodeAt(at) === DOUBLE && ESCAPE_UNREAD_BY_KUBERNETES.test(this.text.slice(at, close))) throw new Fallback("an escape Kubernetes refuses");
    return unquote(this.text, at, close);
  }

  /**
   * A literal block scalar, `|` or `|-`, whose header is at `at`. Its token ends after the line break of its last
   * line with content, as the parser's does; blank lines after it are not part of it.
   */
  private literal(at: number, end: number, indent: number): Built {
    const text = this.text;
    let i = at + 1;
    const strip = text[i] === "-";
    if (strip) i++;
    this.rest(i, end);
    const headerEnd = i;
    const { lines, next, contentEnd } = this.literalLines(end, indent);
    if (contentEnd === -1) throw new Fallback("empty block scalar");
    let last = lines.length;
    while (last > 0 && lines[last - 1] === "") last--;
    const body = lines.slice(0, last).join("\n");
    const scalar = newScalar(strip ? body : `${body}\n`);
    scalar.type = "BLOCK_LITERAL";
    scalar.range = [at, contentEnd, contentEnd];
    const source: CST.BlockScalar = {
      type: "block-scalar",
      offset: at,
      indent,
      props: [token("block-scalar-header", at, text.slice(at, headerEnd))],
      source: text.slice(headerEnd, contentEnd),
    };
    // Comment lines indented past the block's owner, though less than its text, are where a block scalar's end is
    // subtle (the planner removes them with the item after it): the parser reads those documents.
    for (let line = next; line < text.length; ) {
      const { content, end: lineEnd, start } = this.lineAt(line);
      if (content !== lineEnd && text.charCodeAt(content) !== HASH) break;
      if (content !== lineEnd && content - start > indent) throw new Fallback("a comment indented past a block scalar's owner");
      line = lineEnd + 1;
    }
    this.at = next;
    const after = this.peek(false);
    if (after && after.content - after.start > indent) throw new Fallback("a line indented past a block scalar");
    return { node: scalar, token: source };
  }
}
