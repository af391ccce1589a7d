/**
 * The stream as rules see it: raw documents, parsed lazily. A document is parsed only when it could hold a kind a
 * rule asks for: its column-0 `kind:` line says so, or, where there is no such line (flow, JSON), its text names the
 * kind. A backslash escape could spell anything, so it always counts. Documents never parsed are written back as
 * their original bytes. A parsed document is read by fast-scan; a tree for the editor is built only when a rule plans
 * an edit of it (by fast-compose.ts where it can, else by the parser), or when fast-scan cannot read it (the parser),
 * and one at a time (tree-slot.ts). A key repeated in one map is no error (Kubernetes reads the last value), but no
 * edit is made to the object that holds it.
 */
import { type Document, isMap, isSeq, visit } from "yaml";
import { TerminalBlocks } from "./document-end.js";
import { FixStorageError, type Location } from "./errors.js";
import { parseForPlanning } from "./fast-compose.js";
import { fastScan, fastScanBothVersions, misreadCommentIn, plainReadsAlikeIn11 } from "./fast-scan.js";
import { holdsAnyOf, isRecord, sameData } from "./plain-data.js";
import type { ObjectRef } from "./records.js";
import { mayEncodeAnyWord, mayHoldBinaryTag, type RawDocument, sourceComment, splitStream, startsWithMarkerLine } from "./stream.js";
import { kindLineMayMislead, mentions, statedKind, yaml11OnlyBreak } from "./stated-kind.js";
import { lineColumn, strictUtf8 } from "./text.js";
import { TreeSlot } from "./tree-slot.js";
import { mergeOverrides, readLikeGoYaml, unclearMerge } from "./merge-order.js";
import { aliasTargets, duplicateKeys, parseForEditing, readDocument, selfContainingAlias, unreadableKey, unresolvedAlias } from "./yaml-aliases.js";
import { excessiveAliasing, mayHoldAnchor, type Path, YamlDocumentEditor } from "./yaml-editor.js";
import { isPrefix, resolvePath, valueAtPath } from "./yaml-path.js";

export const POSTRENDER_FILENAME = "postrenderer.helm.sh/postrender-filename";

export class ParsedDocument {
  /** Composed on first need: only documents that are edited, or that fast-scan cannot read, ever are. */
  private composed: YamlDocumentEditor | undefined;
  /** The data as first read: edits replace the editor's data, never change this (nothing mutates what it reads). */
  private readonly initial: unknown;
  /**
   * True when YAML 1.1 (what Kubernetes reads) reads the original text as this same data: known from the one fast-scan
   * read, so the run-time proof need not read the original again as YAML 1.1. False when not known.
   */
  readonly originalReadsAlikeIn11: boolean = false;
  /**
   * The YAML 1.2 values of the original's plain scalars that YAML 1.1 reads otherwise (a plain 0755 is 755 to one and
   * 493 to the other), when fast-scan read them all and none is a string: no key is then among them, so both readings
   * have the same maps and keys, and a part of the data that holds none of these values reads alike.
   */
  private readonly readOtherwiseIn11: ReadonlySet<unknown> | undefined;
  /** Why Kubernetes may read this document otherwise than the rules do (see doubt), or undefined. */
  doubtful: string | undefined;
  private blocks: TerminalBlocks | undefined;
  /** The data was read as go-yaml reads it, which the editor's reading is not (readOverridingMerges). */
  private readonly readAsKubernetes: boolean = false;
  /**
   * Why no rule may edit an object of this document, by object (the document, or an item of a List): a key twice in
   * one map. Kubernetes reads such a document, taking the last value (as does this reader), but an edit could land on
   * the other one. Empty for nearly every document.
   */
  private readonly refusals = new Map<number | "document", string>();
  /** The document's text as read, once: a spooled document's text is read back from the spool on every `raw.text`. */
  readonly rawText: string;

  constructor(
    readonly raw: RawDocument,
    private readonly slot: TreeSlot = new TreeSlot(),
    text: string = raw.text,
  ) {
    this.rawText = text;
    this.refuseYaml11Breaks();
    // fast-scan reads the block YAML renderers write and falls back on anything else, so a document it accepts
    // reads exactly as the parser would read it, without errors (but for a comment the parser misreads, which it
    // reports); it saves a composed Document per read-only document.
    const fast = fastScanBothVersions(this.rawText);
    if ("value" in fast) {
      this.initial = fast.value;
      this.originalReadsAlikeIn11 = fast.sameIn11;
      const otherwise = fast.readOtherwiseIn11;
      if (otherwise !== undefined && ![...otherwise].some((value) => typeof value === "string")) this.readOtherwiseIn11 = otherwise;
      if (fast.misread !== undefined) this.refuseMisreadComment(fast.misread);
      if (fast.keyOtherwiseIn11 !== undefined) {
        // fast-scan gives the first such key: in a List, a tree gives every one, so that only their items are refused.
        const root = this.initial;
        const tree = isRecord(root) && typeof root.kind === "string" && root.kind.endsWith("List") ? parseForEditing(this.rawText) : undefined;
        this.refuseKeysReadOtherwise(tree ? plainKeysReadOtherwiseIn11(tree, this.rawText) : [fast.keyOtherwiseIn11], tree);
      }
      return;
    }
    this.composed = this.compose();
    this.refuseRepeatedKeys(this.composed.document);
    this.refuseKeysReadOtherwise(plainKeysReadOtherwiseIn11(this.composed.document, this.rawText), this.composed.document);
    let value: unknown;
    try {
      value = this.composed.value();
    } catch (cause) {
      throw located(raw, `cannot read document: ${(cause as Error).message}`, unresolvedAlias(this.composed.document) ?? 0);
    }
    // go-yaml decodes a !!binary scalar into text, the yaml package into bytes: the data rules read is not Kubernetes'.
    const binary = mayHoldBinaryTag(this.rawText) ? binaryScalar(this.composed.document) : undefined;
    if (binary !== undefined) {
      this.doubt(binary, "a !!binary scalar, which Kubernetes' reader decodes into text and this one into bytes", "write the text itself as a string");
    }
    const folded = escapedBreakBeforeEmptyLine(this.composed.document, this.rawText);
    if (folded !== undefined) {
      this.doubt(
        folded,
        "a double-quoted string whose escaped line break (a \\ ending the line) is followed by an empty line, which Kubernetes' reader keeps as a line break and this one reads as a space",
        "join the lines, or write \\n where a line break is meant",
      );
    }
    // Read by the parser, the comment misreadComment finds is read into a value: its data is not Kubernetes'.
    const misread = misreadCommentIn(this.rawText);
    if (misread !== undefined) this.doubt(misread, MISREAD_COMMENT, "put a space after the #");
    // Every composed document: a merge key may be spelled without `<<` (a tag, escaped).
    const asKubernetes = this.readOverridingMerges(this.composed.document);
    this.initial = asKubernetes ? asKubernetes.value : value;
    this.readAsKubernetes = asKubernetes !== undefined;
  }

  /**
   * A merge key that overrides a key its map set before it (merge-order.ts): Kubernetes reads the merged value, the
   * YAML merge rule the map's own. The data is read as Kubernetes reads it, and nothing in the document is edited.
   */
  private readOverridingMerges(tree: Document.Parsed): { value: unknown } | undefined {
    const unclear = unclearMerge(tree);
    if (unclear !== undefined) {
      this.doubt(
        unclear,
        "a merge key written with a tag, or in a map with a key that is no plain scalar (an alias), which Kubernetes' reader and this one may read differently",
        "write the merge key as a plain <<, in a map of plain keys",
      );
      return undefined;
    }
    const targets = aliasTargets(tree);
    const overrides = mergeOverrides(tree, targets);
    const first = overrides[0];
    if (first === undefined) return undefined;
    const value = readLikeGoYaml(tree, targets, overrides);
    if (value === undefined) throw located(this.raw, "a map with an overriding merge key (<<) has a key that is not a scalar", first);
    const { line, column } = lineColumn(this.rawText, first);
    this.refusals.set(
      "document",
      `left as rendered: the merge key (<<) at line ${this.raw.line + line - 1}, column ${column} sets a key its map set before it; Kubernetes reads the merged value there, the YAML merge rule the map's own, so no edit can be shown safe (put the merge key before the keys it may override)`,
    );
    return { value };
  }

  /** Why a document Kubernetes reads may not parse here: a line break only Kubernetes' reader takes as one. */
  private breakHint(): string {
    const found = yaml11OnlyBreak(this.rawText);
    if (!found) return "";
    const { line, column } = lineColumn(this.rawText, found.index);
    return ` (it holds a raw ${found.name} at line ${this.raw.line + line - 1}, column ${column}, a line break to Kubernetes' reader but not to this one: end lines with a line feed)`;
  }

  /** A character Kubernetes' reader takes as a line break where this one may not: nothing read from it is certain. */
  private refuseYaml11Breaks(): void {
    const found = yaml11OnlyBreak(this.rawText);
    if (!found) return;
    const what = found.name.startsWith("carriage")
      ? `a raw ${found.name}, a line break to Kubernetes' reader that this one does not always take as one`
      : `a raw ${found.name}, a line break to Kubernetes' YAML 1.1 reader but not to YAML 1.2`;
    this.doubt(found.index, what, "write it escaped in a double-quoted string, or remove it");
  }

  /**
   * Kubernetes may read this document otherwise than the rules do: neither it nor, since a rule may take a fact from
   * it for another object, anything else in the stream is edited (see ManifestStream.doubt).
   */
  private doubt(offset: number, what: string, remedy: string): void {
    const { line, column } = lineColumn(this.rawText, offset);
    const at = `line ${this.raw.line + line - 1}, column ${column}`;
    this.refusals.set("document", `left as rendered: it holds ${what} (${at}), so no edit can be shown safe (${remedy})`);
    const source = sourceComment(this.rawText);
    this.doubtful = `document ${this.raw.index}${source ? ` (${source})` : ""} holds ${what} (${at}), so what the rules read from it may not be what Kubernetes reads (${remedy})`;
  }

  /**
   * A comment the editor's parser misreads (fast-scan.ts, misreadComment): the data is Kubernetes', but the parser's
   * tree of the document, on which edits are planned, is not. Its objects are left as they are.
   */
  private refuseMisreadComment(offset: number): void {
    if (this.refusals.has("document")) return;
    const { line, column } = lineColumn(this.rawText, offset);
    this.refusals.set(
      "document",
      `left as rendered: the comment at line ${this.raw.line + line - 1}, column ${column} has no space after its #, and stands between a key and its value on a later line, which the YAML parser fix-storage edits with then reads otherwise than Kubernetes (put a space after the #)`,
    );
  }

  /**
   * A plain key YAML 1.1 reads as another (`on` is the boolean true to Kubernetes, so its key "true"): an edit of its
   * map is planned on a key Kubernetes does not have, and could meet one it has twice. The object that holds it (the
   * List item, given the document's tree) is left as it is.
   */
  private refuseKeysReadOtherwise(offsets: readonly number[], tree: Document.Parsed | undefined): void {
    for (const at of offsets) {
      const scope = tree ? listItemAt(tree, at) : "document";
      if (this.refusals.has(scope) || this.refusals.has("document")) continue;
      const { line, column } = lineColumn(this.rawText, at);
      // A plain key ends at a colon followed by a space or the line's end (`12:30: v` is the key 12:30).
      const written = /^(.*?):(?:[ \t]|$)/m.exec(this.rawText.slice(at))?.[1]?.trim() ?? "";
      this.refusals.set(
        scope,
        `left as rendered: the key ${JSON.stringify(written)} at line ${this.raw.line + line - 1}, column ${column} is another key to Kubernetes' YAML 1.1 reader than to this one (a plain on, yes or 010 is a boolean or a number to it), so no edit can be shown safe (quote the key)`,
      );
    }
  }

  /** A repeated key refuses edits to the List item that holds it, or to the whole document when outside any item. */
  private refuseRepeatedKeys(tree: Document.Parsed): void {
    for (const offset of duplicateKeys(tree)) {
      const scope = listItemAt(tree, offset);
      if (this.refusals.has(scope)) continue;
      const { line, column } = lineColumn(this.rawText, offset);
      this.refusals.set(
        scope,
        `left as rendered: a key is repeated in one map at line ${this.raw.line + line - 1}, column ${column}; Kubernetes reads the last value, and an edit could change the other (remove the repeated key from the template)`,
      );
    }
  }

  /** Why no rule may edit the document's object (`item` of a List), or undefined. */
  editRefusal(item?: number): string | undefined {
    if (this.refusals.size === 0) return undefined;
    return this.refusals.get("document") ?? (item === undefined ? undefined : this.refusals.get(item));
  }

  private compose(): YamlDocumentEditor {
    const raw = this.raw;
    const editor = new YamlDocumentEditor(this.rawText, undefined, undefined, this.slot);
    const hint = TEMPLATE.test(this.rawText) ? TEMPLATE_HINT : "";
    const [error] = editor.document.errors;
    if (error) throw located(raw, `${shortMessage(error.message)}${hint}${this.breakHint()}`, error.pos[0]);
    const key = unreadableKey(editor.document);
    if (key !== undefined) throw located(raw, `a map key that is null, a map or a list, which Kubernetes cannot read${hint}`, key);
    if (mayHoldAnchor(this.rawText)) {
      const loop = selfContainingAlias(editor.document);
      if (loop !== undefined) throw located(raw, "an alias inside the node its anchor names: the value would contain itself", loop);
      const bomb = excessiveAliasing(editor.document);
      if (bomb !== undefined) throw located(raw, "excessive aliasing: the aliases expand to over a million nodes", bomb);
    }
    return editor;
  }

  /** The block scalars that end its texts, as the edit stages and the run-time proof ask (only edited documents do). */
  get terminalBlocks(): TerminalBlocks {
    this.blocks ??= new TerminalBlocks();
    return this.blocks;
  }

  /** The editor, on first use (a rule is about to edit the document), starting from the data fast-scan read. */
  get editor(): YamlDocumentEditor {
    // fast-scan read it, so it is plain block YAML: the planner's tree is most often built without the parser.
    this.composed ??= new YamlDocumentEditor(this.rawText, parseForPlanning, { value: this.initial }, this.slot);
    return this.composed;
  }

  /** The current data: the editor's once composed, else what fast-scan read (or, see readOverridingMerges, go-yaml). */
  value(): unknown {
    return this.composed && !this.readAsKubernetes ? this.composed.value() : this.initial;
  }

  get(path: Path): unknown {
    return valueAtPath(this.value(), path);
  }

  /** The current text, without composing a document that was never edited. */
  get text(): string {
    return this.composed?.text ?? this.rawText;
  }

  /** The document's data before any edit. */
  get original(): unknown {
    return this.initial;
  }

  /** The original data as Kubernetes' YAML 1.1 reader reads it (null: it cannot), read once when first asked. */
  private readIn11: { value: unknown } | null | undefined;

  /**
   * Whether Kubernetes' reader (YAML 1.1) reads the original at `path` as this one does: not where a plain `on` or
   * `0755` is a boolean or an octal to it. A fact another object takes from here must be read alike.
   */
  readsAlikeAt(path: Path): boolean {
    if (!this.endReadsAlikeAt(path)) return false;
    // Read as Kubernetes reads it already (readOverridingMerges), or alike in both versions.
    if (this.originalReadsAlikeIn11 || this.readAsKubernetes) return true;
    if (this.readOtherwiseIn11 !== undefined && !holdsAnyOf(valueAtPath(this.initial, path), this.readOtherwiseIn11)) return true;
    if (this.readIn11 === undefined) {
      const fast = fastScan(this.rawText, "1.1");
      const read: { value: unknown; error?: string } = "value" in fast ? { value: fast.value } : readDocument(this.rawText, "1.1");
      this.readIn11 = read.error === undefined ? { value: read.value } : null;
    }
    return this.readIn11 !== null && sameData(valueAtPath(this.initial, path), valueAtPath(this.readIn11.value, path));
  }

  /**
   * False where `path` holds the block scalar that ends the document and its last line breaks: Helm's split
   * (releaseutil.SplitManifests, used for hooks and by Helm 4 post-renderers) drops them, kubectl keeps them, so the
   * value is not one thing to Kubernetes. Where the block's path is not known, nothing is taken as read alike.
   */
  private endReadsAlikeAt(path: Path): boolean {
    const end = this.terminalBlocks.of(this.rawText);
    if (end === undefined) return true;
    if (end.path === undefined) return false;
    const value = valueAtPath(this.initial, end.path);
    return !(typeof value === "string" && value.endsWith("\n") && isPrefix(path, end.path));
  }

  /** Line and column, in the document as rendered, of the node at `path`, or of the deepest part of it that exists. */
  positionOf(path: Path): { line: number; column: number } | undefined {
    const tree = parseForEditing(this.rawText);
    if (tree.errors.length > 0) return undefined;
    const { nodes, depth } = resolvePath(tree, path);
    const offset = nodes[depth]?.range?.[0];
    return offset === undefined ? undefined : lineColumn(this.rawText, offset);
  }

  /** Composed (an edit was planned on it), in doubt, or refusing an edit: it cannot be read again for free. */
  composedOrRefusing(): boolean {
    return this.composed !== undefined || this.doubtful !== undefined || this.refusals.size > 0;
  }

  get edited(): boolean {
    return this.composed !== undefined && this.composed.text !== this.rawText;
  }

  /** The objects in this document: itself, or the items of a `*List`. */
  objects(): KubeObject[] {
    const root = this.value();
    if (!isRecord(root)) return [];
    if (typeof root.kind === "string" && root.kind.endsWith("List") && Array.isArray(root.items)) {
      return root.items.flatMap((item, index) => (isRecord(item) ? [new KubeObject(this, ["items", index], index)] : []));
    }
    return typeof root.kind === "string" ? [new KubeObject(this, [])] : [];
  }

  get document(): Document.Parsed {
    return this.editor.document;
  }
}

/** A view of one Kubernetes object inside a parsed document; `value` always reflects edits made so far. */
export class KubeObject {
  constructor(
    readonly doc: ParsedDocument,
    readonly base: Path,
    readonly item?: number,
  ) {}

  get value(): Record<string, unknown> {
    return this.doc.get(this.base) as Record<string, unknown>;
  }

  get kind(): string {
    return String(this.value.kind ?? "");
  }

  get apiVersion(): string {
    return String(this.value.apiVersion ?? "");
  }

  get metadata(): Record<string, unknown> {
    const metadata = this.value.metadata;
    return isRecord(metadata) ? metadata : {};
  }

  get name(): string {
    return String(this.metadata.name ?? "");
  }

  get namespace(): string | undefined {
    const namespace = this.metadata.namespace;
    return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
  }

  labels(): Record<string, unknown> {
    const labels = this.metadata.labels;
    return isRecord(labels) ? labels : {};
  }

  annotations(): Record<string, unknown> {
    const annotations = this.metadata.annotations;
    return isRecord(annotations) ? annotations : {};
  }

  get(path: Path): unknown {
    return this.doc.get([...this.base, ...path]);
  }

  /** The object as it was before any rule edited it. */
  /** Whether Kubernetes reads the object's original at `path` as this reader does (ParsedDocument.readsAlikeAt). */
  readsAlikeAt(path: Path): boolean {
    return this.doc.readsAlikeAt([...this.base, ...path]);
  }

  original(): unknown {
    let at: unknown = this.doc.original;
    for (const segment of this.base) at = (at as Record<string | number, unknown> | undefined)?.[segment];
    return at;
  }

  private cachedRef: ObjectRef | undefined;

  /**
   * Where an error about the object points: its document, # Source, item of a List, and the line and column of the
   * node at `path` (as far as it exists; the object's first key by default). Errors alone ask, so the text is parsed
   * for it.
   */
  location(path: Path = []): Location {
    const ref = this.ref();
    const at = this.doc.positionOf([...this.base, ...path]);
    return {
      document: ref.document,
      ...(ref.source !== undefined && { source: ref.source }),
      ...(this.item !== undefined && { item: this.item }),
      line: at === undefined ? this.doc.raw.line : this.doc.raw.line + at.line - 1,
      ...(at !== undefined && { column: at.column }),
    };
  }

  /** Kind, name and origin do not change under the rules' edits, so the reference is computed once. */
  ref(): ObjectRef {
    this.cachedRef ??= this.computeRef();
    return this.cachedRef;
  }

  private computeRef(): ObjectRef {
    const filename = this.annotations()[POSTRENDER_FILENAME];
    const source = sourceComment(this.doc.rawText) ?? (typeof filename === "string" ? filename : undefined);
    return {
      document: this.doc.raw.index,
      ...(source !== undefined && { source }),
      apiVersion: this.apiVersion,
      kind: this.kind,
      ...(this.namespace !== undefined && { namespace: this.namespace }),
      name: this.name,
      ...(this.item !== undefined && { item: this.item }),
    };
  }

  /** `StatefulSet monitoring/pushgateway` */
  toString(): string {
    return `${this.kind} ${this.namespace ? `${this.namespace}/` : ""}${this.name || "(unnamed)"}`;
  }
}

/**
 * Characters of spooled documents' text whose reading is kept from one rule to the next. Rules read mostly the same
 * kinds, and reading them back from the spool for each rule took a 40 MB stream 9–18 % of its time; the peak at
 * 100 MB grows little (243–250 MiB against 225–235), since one rule (cronjob-claims) reads nearly every candidate
 * kind at once anyway. Past this much, a rule's reading of spooled documents is let go after it.
 */
export const KEEP_SPOOLED_READING = 32 * 1024 * 1024;

export class ManifestStream {
  readonly raw: RawDocument[];
  private readonly parsed = new Map<number, ParsedDocument>();
  /** Each document's kind: stated on its one `kind:` line, or verified by reading the document. */
  private readonly kinds = new Map<number, string | null>();
  /** Per document (by index): whether its kind line may mislead (MISLEADS, or TRUSTED), or was VERIFIED by reading it. */
  private readonly kindChecks: Uint8Array;
  /** One parsed tree at a time for the whole stream (see tree-slot.ts). */
  private readonly slot = new TreeSlot();
  private kindGroups: { byTrustedKind: Map<string, number[]>; others: number[]; unread: RawDocument[] } | undefined;

  /** From the stream's text, or from documents a front end already split (and decoded one by one). */
  constructor(
    input: string | readonly RawDocument[],
    private readonly keepSpooledReading = KEEP_SPOOLED_READING,
  ) {
    this.raw = typeof input === "string" ? splitStream(input) : [...input];
    this.kindChecks = new Uint8Array(this.raw.reduce((most, raw) => Math.max(most, raw.index), 0) + 1);
  }

  /**
   * Every object whose kind is one of `kinds`, from the documents that could hold them. With `relevant`, only
   * documents whose text passes it (a rule's cheap test for the words it needs, such as `volumeClaimTemplates`);
   * a document with a backslash escape is always read, since an escape can spell any word.
   */
  objects(kinds: readonly string[], relevant?: (text: string) => boolean): KubeObject[] {
    const wanted = new Set(kinds);
    const found: KubeObject[] = [];
    for (const position of this.candidates(wanted)) {
      const raw = this.raw[position] as RawDocument;
      // A document read before keeps its text: a spooled one is not read back from the spool for the text checks.
      const read = this.parsed.get(raw.index);
      const text = read === undefined ? textOnce(raw) : () => read.rawText;
      if (!this.mayHold(raw, text, kinds, relevant)) continue;
      for (const object of this.parse(raw, text).objects()) if (wanted.has(object.kind)) found.push(object);
    }
    return found;
  }

  /**
   * Positions of the documents mayHold may let through for `wanted`, in stream order: every document but those
   * whose trusted kind line names another kind, which mayHold rules out at once. Rules ask for kinds many times
   * over a stream, so its documents are grouped by kind once (see kindIndex).
   */
  private candidates(wanted: ReadonlySet<string>): number[] {
    const { byTrustedKind, others } = this.kindIndex();
    const lists = [others];
    for (const kind of wanted) {
      const positions = byTrustedKind.get(kind);
      if (positions) lists.push(positions);
    }
    if (lists.length === 1) return others;
    return lists.flat().sort((a, b) => a - b);
  }

  /**
   * The documents whose one kind line states a kind no text trick can fake (TRUSTED), by that kind, and the others:
   * no kind line, a *List, or a kind line that may mislead (mayHold reads those when it must).
   */
  private kindIndex(): { byTrustedKind: Map<string, number[]>; others: number[]; unread: RawDocument[] } {
    if (this.kindGroups) return this.kindGroups;
    const byTrustedKind = new Map<string, number[]>();
    const others: number[] = [];
    const unread: RawDocument[] = [];
    this.raw.forEach((raw, position) => {
      const text = textOnce(raw);
      // After a `...` with no `---`: Helm and kubectl read only a piece's first document, so no object is here.
      if (position > 0 && !(raw.facts ? raw.facts.marked : startsWithMarkerLine(text()))) {
        unread.push(raw);
        return;
      }
      const kind = this.statedKindOf(raw, text);
      if (kind === null || kind.endsWith("List") || this.kindCheck(raw, text) !== TRUSTED) {
        others.push(position);
        return;
      }
      const positions = byTrustedKind.get(kind);
      if (positions) positions.push(position);
      else byTrustedKind.set(kind, [position]);
    });
    this.kindGroups = { byTrustedKind, others, unread };
    return this.kindGroups;
  }

  /** Documents that follow a `...` end marker with no `---` line: Kubernetes never reads them, so no rule does. */
  unreadDocuments(): readonly RawDocument[] {
    return this.kindIndex().unread;
  }

  /** The kind on the document's one `kind:` line (null when there is none, or more than one), found once. */
  private statedKindOf(raw: RawDocument, textOf: () => string): string | null {
    let kind = this.kinds.get(raw.index);
    if (kind === undefined) {
      kind = raw.facts ? raw.facts.kind : (statedKind(textOf()) ?? null);
      this.kinds.set(raw.index, kind);
    }
    return kind;
  }

  /** Whether the document's kind line may mislead (MISLEADS or TRUSTED), checked once; VERIFIED once read. */
  private kindCheck(raw: RawDocument, textOf: () => string): number {
    const checks = this.kindChecks;
    if (checks[raw.index] === UNCHECKED) checks[raw.index] = (raw.facts?.kindLineMayMislead ?? kindLineMayMislead(textOf())) ? MISLEADS : TRUSTED;
    return checks[raw.index] as number;
  }

  parse(raw: RawDocument, text: () => string = () => raw.text): ParsedDocument {
    let doc = this.parsed.get(raw.index);
    if (!doc) {
      const source = text();
      try {
        doc = new ParsedDocument(raw, this.slot, source);
      } catch (cause) {
        // The parser recursing into collections nested some thousand levels deep runs out of stack where it does not
        // report it as an error of the document.
        if (!(cause instanceof RangeError)) throw cause;
        throw located({ ...raw, text: source }, shortMessage(cause.message), 0);
      }
      this.parsed.set(raw.index, doc);
    }
    return doc;
  }

  /**
   * Called after each rule: keeps the reading of spooled documents up to `keepSpooledReading` characters of their
   * text, first read first, and lets go of the rest, which a later rule reads again from the spool. Edited documents,
   * and those that refuse edits or are in doubt, are always kept: their text and reasons are the run's.
   */
  releaseSpooled(): void {
    let kept = 0;
    for (const [index, doc] of this.parsed) {
      if (doc.raw.facts === undefined || doc.composedOrRefusing()) continue;
      kept += doc.rawText.length;
      if (kept > this.keepSpooledReading) this.parsed.delete(index);
    }
  }

  /** The first document parsed so far that Kubernetes may read otherwise than the rules do (ParsedDocument.doubt). */
  doubt(): string | undefined {
    for (const doc of this.parsed.values()) if (doc.doubtful !== undefined) return doc.doubtful;
    return undefined;
  }

  /** Documents parsed so far, in stream order. */
  parsedDocuments(): ParsedDocument[] {
    return [...this.parsed.values()].sort((a, b) => a.raw.index - b.raw.index);
  }

  /** The output: edited documents as edited, every other document as its original bytes. */
  output(): string {
    return joinParts(this.outputParts());
  }

  /**
   * The output document by document, so a front end can write it without joining a second copy of the stream: edited
   * documents' text, a spooled document's bytes as read back, every other document's text. Each pass reads anew.
   */
  outputParts(): Iterable<string | Uint8Array> {
    const { raw, parsed } = this;
    return {
      *[Symbol.iterator]() {
        for (const document of raw) {
          const doc = parsed.get(document.index);
          if (doc?.edited) yield doc.text;
          else yield document.bytes?.() ?? doc?.rawText ?? document.text;
        }
      },
    };
  }

  /** Conservative: false only when the document's text shows it cannot hold what the caller wants. */
  private mayHold(raw: RawDocument, textOf: () => string, kinds: readonly string[], relevant: ((text: string) => boolean) | undefined): boolean {
    // A spooled document's facts were taken as it was read: its text is read back only if it may be wanted.
    const facts = raw.facts;
    // Asked only of a document its kind does not rule out: most are ruled out by their kind alone.
    const escaped = (): boolean => facts?.escaped ?? mayEncodeAnyWord(textOf());
    let kind = this.statedKindOf(raw, textOf);
    // A stated kind is one line of text, which a multi-line quoted scalar or a line break only Kubernetes' reader
    // takes can fake: before it rules out a document that names a wanted kind, the document is read.
    const checks = this.kindChecks;
    const ruledOut = kind !== null && checks[raw.index] !== VERIFIED && !kind.endsWith("List") && !kinds.includes(kind);
    if (ruledOut && this.kindCheck(raw, textOf) === MISLEADS && (escaped() || kinds.some((wanted) => mentions(textOf(), wanted)))) {
      kind = this.readKind(raw, textOf);
      this.kinds.set(raw.index, kind);
      checks[raw.index] = VERIFIED;
    }
    if (kind?.endsWith("List")) return true;
    if (kind !== null) {
      if (!kinds.includes(kind)) return false;
    } else if (!escaped() && !kinds.some((wanted) => textOf().includes(wanted))) {
      return false;
    }
    return relevant === undefined || escaped() || relevant(textOf());
  }

  /**
   * The kind of a document read in full; null when it cannot be read here (it is then a candidate, and its error is
   * the run's). The reading is kept, as parse() keeps it: a rule that wants the document does not read it again, and
   * one Kubernetes may read otherwise stops later edits (see doubt).
   */
  private readKind(raw: RawDocument, text: () => string): string | null {
    let doc: ParsedDocument;
    try {
      doc = this.parse(raw, text);
    } catch {
      return null;
    }
    const root = doc.value();
    return isRecord(root) && typeof root.kind === "string" ? root.kind : null;
  }
}

/** A document's text, read at most once: a spooled document's `raw.text` reads it back from the spool each time. */
function textOnce(raw: RawDocument): () => string {
  let text: string | undefined;
  return () => {
    text ??= raw.text;
    return text;
  };
}

const UNCHECKED = 0;
const TRUSTED = 1;
const MISLEADS = 2;
const VERIFIED = 3;

const MISREAD_COMMENT =
  "a comment with no space after its # between a key or a dash and its value on a later line, which the YAML parser fix-storage reads with reads into the value, and Kubernetes' reader does not";

/** Template actions outside any string: a document that holds them and does not parse is most likely unrendered. */
/** Where the first scalar tagged !!binary starts, if any. */
function binaryScalar(document: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(document, {
    Scalar(_, node) {
      if (node.tag !== "tag:yaml.org,2002:binary") return undefined;
      found = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return found;
}

/** The item of a `kind: *List` document that holds `offset`, or "document" (outside any item, or no List). */
function listItemAt(tree: Document.Parsed, offset: number): number | "document" {
  const root = tree.contents;
  const items = isMap(root) && String(root.get("kind") ?? "").endsWith("List") ? root.get("items", true) : undefined;
  const ranges = isSeq(items) ? items.items.map((item) => (item as { range?: [number, number, number] } | null)?.range) : [];
  const item = ranges.findIndex((range) => range !== undefined && range[0] <= offset && offset < range[2]);
  return item === -1 ? "document" : item;
}

/** Where the plain keys are that YAML 1.1 reads otherwise than YAML 1.2, in the parser's tree of `text`. */
function plainKeysReadOtherwiseIn11(document: Document.Parsed, text: string): number[] {
  const found: number[] = [];
  visit(document, {
    Pair(_, pair) {
      const key = pair.key as { type?: string; range?: [number, number, number] } | null;
      if (key?.type === "PLAIN" && key.range && !plainReadsAlikeIn11(text.slice(key.range[0], key.range[1]))) found.push(key.range[0]);
    },
  });
  return found;
}

/** An odd run of backslashes (the last one escapes the line break) ending a line, then an empty line. */
const ESCAPED_BREAK_BEFORE_EMPTY_LINE = /(\\+)\r?\n[ \t]*\r?\n/g;

/**
 * Where a double-quoted scalar holds an escaped line break followed by an empty line. YAML keeps the empty line as a
 * line feed there (l-empty after an escaped break), as go-yaml does; the `yaml` package folds it into a space, so the
 * rules and the proof would read another string than Kubernetes.
 */
function escapedBreakBeforeEmptyLine(document: Document.Parsed, text: string): number | undefined {
  // matchAll starts where a global pattern's last test ended: search, which leaves it alone.
  if (text.search(ESCAPED_BREAK_BEFORE_EMPTY_LINE) === -1) return undefined;
  let found: number | undefined;
  visit(document, {
    Scalar(_, node) {
      if (node.type !== "QUOTE_DOUBLE" || !node.range) return undefined;
      const [start, end] = node.range;
      const source = text.slice(start, end);
      for (const match of source.matchAll(ESCAPED_BREAK_BEFORE_EMPTY_LINE)) {
        if ((match[1] as string).length % 2 === 1) {
          found = start + match.index;
          return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  return found;
}

const TEMPLATE = /\{\{-?\s/;
const TEMPLATE_HINT = " (it holds {{ }}: if this is a chart template, render it first, e.g. helm template RELEASE CHART | fix-storage)";


/** The parser quotes whole tokens in some messages; one line of a readable length is enough to find the spot. */
function shortMessage(message: string): string {
  // The parser recursing into a collection nested some thousand levels deep runs out of stack.
  if (message.includes("Maximum call stack size exceeded")) return "collections nest too deeply for fix-storage to read";
  const line = message.split("\n")[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function located(raw: RawDocument, message: string, offset: number): FixStorageError {
  const { line, column } = lineColumn(raw.text, offset);
  const source = sourceComment(raw.text);
  return new FixStorageError(message, {
    document: raw.index,
    ...(source !== undefined && { source }),
    line: raw.line + line - 1,
    column,
  });
}

/** Parts of a stream joined into its text. */
export function joinParts(parts: Iterable<string | Uint8Array>): string {
  return Array.from(parts, (part) => (typeof part === "string" ? part : strictUtf8.decode(part))).join("");
}

export { isRecord };
