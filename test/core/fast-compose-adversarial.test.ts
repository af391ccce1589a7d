/**
 * fast-compose on the corners of the plain block YAML it takes: comments and lines of white space at every
 * indentation, odd keys, empty values, indentless and compact sequences, literal blocks and multi-line plain scalars
 * at the edges of their items and of the document, flow collections on and below the key line, escapes. A document it
 * composes must be one the parser reads without error, to a tree equal in every fact the planner reads, and that
 * Kubernetes' reader reads as the parser does; an editor planning on its trees writes the parser-planned bytes.
 * The generator is specialised for that subset (most of what it writes is composed) and deterministic per seed.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { fastCompose } from "../../src/core/fast-compose.js";
import { readDocument } from "../../src/core/yaml-aliases.js";
import type { EditStep } from "../../src/core/yaml-editor.js";
import { Random } from "../fuzz/generator.js";
import { K8S_READ, k8sRead } from "../k8s-read.js";
import { editDifference, everyStepDifference, places, treeDifference } from "./fast-compose-support.js";

// --- a generator of the subset -------------------------------------------------------------------------------------

/** Values and keys renderers write, and beside each the odd ones (most of which fast-compose leaves to the parser). */
const PLAIN_VALUES = ["x", "hello world", "a#b", "a:b", "http://x.y/z?q=1#f", "~", "null", "yes", "no", "on", "1", "0644", "1.0", "-1", "true", "é", "x  y", "$(VAR)", "-x"];
const ODD_PLAIN_VALUES = [
  "Null", "NULL", "off", "y", "False", "0o17", "0x1F", "1e3", ".5", "+1", "1_000", "-.inf", ".nan", "日本語", "a'b", 'a"b', "x?", "x]",
  "x}", "a,b", "=", "a -b", "x:", "a: b", "a #b", "x #", "?x", "%x", "@x", "`x", "!x", "&x", "*x", "|x", ">x", "[x", "{x", "- x", "-",
  "x # c", "<<", "{{ .Values }}", "a\\b", "\\", "x\u00a0y", "x\u00a0", "\u2003", "x\u2028y", "x\u0085y", "x\u0001y", "\u00ff", "x\ufeffy", ":x", "x:y:z", "--",
  "---", "...", "2001-12-14", "12:30", "0b11", "0X1F", "+_1", "1e_5", "0.", "+.5e-3", "0o", "0x", "1__0",
];
const QUOTED_VALUES = ['""', "''", '"a\\"b"', '"\\u00e9"', "'a''b'", '"a # b"', '"yes"', "'1'", '"a: b"', "'it''s'"];
const ODD_QUOTED_VALUES = [
  '"\\x41"', '"\\U0001F600"', '"\\\\"', '"\\ "', '"\\/"', '"\\e"', '"\\0"', '"\\t"', '"x\\n"', '"\\N"', '"\\q"', "''''", `"'"`, `'"'`,
  '"a" x', '"a"#c', "'a'  ", '"\\u00"', '"\\x4"', '"\\uD800"', '"\\"', "'a'''", '"a""b"', "'a' 'b'", '"\\u00E9"', '"\\x0a"', '"\\b\\f\\r"',
];
const FLOWS = ["{}", "[]", "[a, b]", "{a: 1}", "{a: 1, b: [x, y]}", "[a, [b, {c: d}]]", `["a", 'b']`, "[yes, ~, 1]"];
const ODD_FLOWS = [
  "[ ]", "{ }", "[a,b]", "[a, ]", '{"a": 1}', "[a: 1]", "{a}", "{a: {b: {}}}", "[x] # c", "[x]x", "{a: b, a: c}", "[[], {}]", "[-1, -x]",
  "[a b, c]", "{a:1}", "[a #b]", "[a, b]]", "{a: [}", "[*x]", "[&x a]", "[!t a]", "[? a]", "{? a}", "[a, -]", "{a: }", "{: a}", "[,]",
  "{a: b}: c", "[a]: b", "[a:b]", "{a:b: c}", "[http://x]", "{x: http://y}", "[0644, 0x1F, .nan]", "{'a''b': 'c'}", '["\\u00e9"]', "[x\u00a0]", "{b: x\u3000}", "[\u00a0x]", `{${"k".repeat(1030)}: 1}`, `{a: ${"k".repeat(1030)}}`,
];
const KEYS = ["a", "b", "name", "a#b", "a:b", '"a: b"', "'it''s'", "é", "a b", "a.b/c", "helm.sh/chart", "x-y", "'yes'", '"1"', "a'b", 'a"b', "x?"];
const ODD_KEYS = [
  '""', "''", '"<<"', "yes", "on", "1", "true", "null", "~", "<<", "__proto__", "-a", "?a", "a ", '"a"', "'a'", "a'", 'b"', "a?", "日本",
  "x".repeat(1100), "k".repeat(1021), "k".repeat(1022), "k".repeat(1023), "k".repeat(1024), "k".repeat(1025), '"\\u00e9"', '"a\\tb"', "a,b", "[a]", "{a}", "a%", "%a", "a@", "`a", "!a", "&a",
  "*a", "a: b", "a:", "a :", "? a", "-", "--", "---a", "...", "a\u2028b", '"a"b', "'a'b", '"a":b', "0644", "0o7", "y", "Y", "n", "off",
  "1.5", ".inf", "2001-12-14", "=", "'__proto__'", '"a\\u0000"', "a\u0085b",
];

interface Style {
  step: number;
  indentless: number;
  comments: number;
  blanks: number;
  trailing: number;
  odd: number;
}

/** Writes a random document of the subset, line by line. */
class Writer {
  readonly lines: string[] = [];
  private keysUsed = 0;

  constructor(
    private readonly random: Random,
    private readonly style: Style,
  ) {}

  private r = (p: number): boolean => this.random.chance(p);

  private pick<T>(items: readonly T[]): T {
    return this.random.pick(items);
  }

  private trail(): string {
    return this.r(this.style.trailing) ? " ".repeat(1 + this.random.int(3)) : "";
  }

  /** The space after a `:` or `-`: now and then several. */
  private space(): string {
    return this.r(0.1) ? " ".repeat(2 + this.random.int(3)) : " ";
  }

  private comment(): string {
    return this.r(this.style.comments / 2) ? `${" ".repeat(1 + this.random.int(2))}#${this.pick(["", " c", "#", " a: b", " - x"])}` : "";
  }

  /** Comment and white-space lines at any indentation, between two lines. */
  gap(column: number): void {
    while (this.r(this.style.comments)) this.lines.push(`${" ".repeat(Math.max(0, column + this.random.int(9) - 4))}# ${this.pick(["c", "", "- x", "a: b", "|"])}`);
    while (this.r(this.style.blanks)) this.lines.push(" ".repeat(this.random.int(column + 8)));
  }

  /** One of `common`, or now and then one of `odd`. */
  private some(common: readonly string[], odd: readonly string[]): string {
    return this.r(this.style.odd) ? this.pick(odd) : this.pick(common);
  }

  private key(): string {
    this.keysUsed++;
    return this.r(this.style.odd * 3 + 0.05) ? this.some(KEYS, ODD_KEYS) : `k${this.keysUsed}`;
  }

  /** A block map at `column`; the first key goes after `lead` (a `- ` of a compact item) when given. */
  map(column: number, depth: number, lead?: string): void {
    const count = 1 + this.random.int(depth > 3 ? 2 : 4);
    for (let i = 0; i < count; i++) {
      const start = i === 0 && lead !== undefined ? lead : " ".repeat(column);
      if (i > 0 || lead === undefined) this.gap(column);
      this.pair(start, column, depth);
    }
  }

  private pair(start: string, column: number, depth: number): void {
    const key = this.key();
    const head = `${start}${key}:`;
    this.value(head, column, depth, true);
  }

  /** The value after `head` (`key:` or `-`), whose owner is at `column`. */
  private value(head: string, column: number, depth: number, ofMap: boolean): void {
    const roll = this.random.int(depth > 4 ? 5 : 14);
    const step = this.style.step;
    switch (roll) {
      case 0:
        this.lines.push(`${head}${this.space()}${this.some(PLAIN_VALUES, ODD_PLAIN_VALUES)}${this.trail()}${this.comment()}`);
        return;
      case 1:
        this.lines.push(`${head}${this.space()}${this.some(QUOTED_VALUES, ODD_QUOTED_VALUES)}${this.trail()}${this.comment()}`);
        return;
      case 2:
        this.lines.push(`${head}${this.pick(["", " ", "  ", " ~", " null", " # c", "  #c"])}`);
        return;
      case 3:
        this.lines.push(`${head}${this.space()}${this.some(FLOWS, ODD_FLOWS)}${this.trail()}${this.comment()}`);
        return;
      case 4:
        this.multiLinePlain(head, column);
        return;
      case 5:
      case 6:
        this.literal(head, column);
        return;
      case 7:
        this.lines.push(`${head}${this.trail()}${this.comment()}`);
        this.gap(column + step);
        this.lines.push(`${" ".repeat(column + (this.r(0.2) ? 1 : step))}${this.some(FLOWS, ODD_FLOWS)}${this.trail()}${this.comment()}`);
        return;
      case 8:
      case 9:
        this.lines.push(`${head}${this.trail()}${this.comment()}`);
        this.map(column + (this.r(0.1) ? 1 : step), depth + 1);
        return;
      default: {
        this.lines.push(`${head}${this.trail()}${this.comment()}`);
        const indentless = ofMap && this.r(this.style.indentless);
        this.sequence(indentless ? column : column + (this.r(0.1) ? 1 : step), depth + 1);
      }
    }
  }

  sequence(column: number, depth: number): void {
    const count = 1 + this.random.int(3);
    for (let i = 0; i < count; i++) {
      this.gap(column);
      const dash = `${" ".repeat(column)}-`;
      const roll = this.random.int(6);
      if (roll < 2) {
        // `- key: value`, the map's keys at the column after `- ` (or further).
        const spaces = this.r(0.15) ? 1 + this.random.int(3) : 1;
        this.map(column + 1 + spaces, depth + 1, `${dash}${" ".repeat(spaces)}`);
      } else if (roll === 2) {
        this.lines.push(`${dash}${this.pick(["", " ", "  # c", " # c"])}`);
        if (this.r(0.5)) this.map(column + this.style.step, depth + 1);
      } else this.value(dash, column, depth, false);
    }
  }

  private multiLinePlain(head: string, column: number): void {
    this.lines.push(`${head}${this.space()}${this.pick(["one", "a b", "x:y", "1", "yes"])}${this.trail()}`);
    const count = 1 + this.random.int(3);
    for (let i = 0; i < count; i++) {
      while (this.r(0.25)) this.lines.push(" ".repeat(this.random.int(column + 6)));
      const deeper = column + 1 + this.random.int(4);
      this.lines.push(`${" ".repeat(deeper)}${this.some(["two", "three four", "x && y", "5", "x'", "a:b", "x-", "a#b", "x ?", "é"], ["-x", "&&", "'q'", "a #b", "two\u00a0", "\u3000two", "t\ufeff", "- x", "a: b", "#c", "x #c", "x:", "[x]", "{", "*x", "? x", "|", ">", "!x", "%x", "@x", "---", "..."])}${this.trail()}`);
    }
  }

  private literal(head: string, column: number): void {
    this.lines.push(`${head}${this.space()}${this.some(["|", "|-", "| # c", "|-  ", "|-  # c"], ["|+", ">", ">-", "|2", "|-2", "|2-", "|1", "| x", "|#c", "|--"])}${this.trail()}`);
    const indent = column + (this.r(0.15) ? 1 : this.style.step) + (this.r(0.1) ? 2 : 0);
    while (this.r(0.2)) this.lines.push(" ".repeat(this.random.int(indent + 2)));
    const count = this.r(0.05) ? 0 : 1 + this.random.int(4);
    for (let i = 0; i < count; i++) {
      const roll = this.random.int(8);
      if (roll === 0) this.lines.push(" ".repeat(this.random.int(indent + 3)));
      else if (roll === 1) this.lines.push(`${" ".repeat(indent + 1 + this.random.int(3))}deeper${this.trail()}`);
      else if (roll === 2) this.lines.push(`${" ".repeat(indent)}# not a comment`);
      else this.lines.push(`${" ".repeat(indent)}${this.some(["line", "echo $x", "- x", "a: b", "'q'", "{", "x # y", "|", "---", "..."], ["  x", "   ", "\u00a0x"])}${this.trail()}`);
    }
    if (this.r(0.3)) this.lines.push(`${" ".repeat(this.random.int(indent + 1))}# after`);
  }
}

const PRELUDES = ["", "---\n", "# Source: chart/templates/x.yaml\n", "---\n# Source: chart/templates/x.yaml\n", "--- # c\n", "\n# c\n  # c\n", "---  \n", "  \n---\n"];
const ODD_PRELUDES = ["---\n---\n", "...\n", "--- a\n", "%YAML 1.1\n---\n", "--- |\n", "---#c\n", "# c\n---\n# d\n---\n"];
const ENDINGS = ["", "", "", "# end\n", "  # end\n", "\n\n", "   \n", "#\n      # deep\n"];
const ODD_ENDINGS = ["...\n", "---\n", "--- \n", "...  # c\n", "---\na: 1\n"];

/** A random document of the subset for `seed`. */
function subsetDocument(seed: number): string {
  const random = new Random(seed);
  const style: Style = {
    step: random.pick([2, 2, 2, 4, 1, 3]),
    indentless: random.pick([0, 0.5, 1]),
    comments: random.pick([0, 0.05, 0.15, 0.3]),
    blanks: random.pick([0, 0.05, 0.15]),
    trailing: random.pick([0, 0.1, 0.3]),
    odd: random.pick([0, 0.02, 0.05, 0.1]),
  };
  const writer = new Writer(random, style);
  const root = random.chance(0.1) ? 2 : 0;
  writer.map(root, 0);
  writer.gap(root);
  const prelude = random.chance(style.odd) ? random.pick(ODD_PRELUDES) : random.pick(PRELUDES);
  const ending = random.chance(style.odd) ? random.pick(ODD_ENDINGS) : random.pick(ENDINGS);
  return prelude + writer.lines.map((line) => `${line}\n`).join("") + ending;
}

const MUTATION_CHARACTERS = [" ", "  ", "#", " #", "-", "- ", ":", ": ", "\n", "'", '"', "|", "[", "]", "{", "}", ",", "?", "&", "*", "!", "\\", "x", "---", "\u00a0"];

/** `text` with one small random change: a character put in or taken out, a line repeated, moved, dropped or shifted. */
function mutate(random: Random, text: string): string {
  const lines = text.split("\n");
  const line = random.int(Math.max(1, lines.length - 1));
  switch (random.int(6)) {
    case 0: {
      const at = random.int(text.length);
      return text.slice(0, at) + random.pick(MUTATION_CHARACTERS) + text.slice(at);
    }
    case 1: {
      const at = random.int(text.length - 1);
      return text.slice(0, at) + text.slice(at + 1);
    }
    case 2:
      lines.splice(line, 0, lines[line] as string);
      break;
    case 3:
      if (line + 1 < lines.length - 1) lines.splice(line, 2, lines[line + 1] as string, lines[line] as string);
      break;
    case 4:
      lines.splice(line, 1);
      break;
    default: {
      const shift = random.pick([-2, -1, 1, 2]);
      const current = lines[line] as string;
      lines[line] = shift > 0 ? " ".repeat(shift) + current : current.replace(new RegExp(`^ {0,${-shift}}`), "");
    }
  }
  return lines.join("\n");
}

/** A document of the subset for `seed`, changed in one to three places. */
function mutatedDocument(seed: number): string {
  const random = new Random(seed);
  let text = subsetDocument(seed);
  for (let k = 1 + random.int(3); k > 0; k--) text = mutate(random, text);
  return text;
}

// --- the editor, on fast trees and on the parser's ----------------------------------------------------------------

const STEP_VALUES = ["plain", "yes", "~", "", "a: b", "#x", "line\nbreaks\n", "two\nlines", "kept\n\n", "  lead", 7, true, null, {}, [], { a: "b" }, ["x", { f: "g" }], ["y\nz\n"]];

function randomStep(random: Random, data: unknown): EditStep | undefined {
  const candidates = places(data).filter((place) => place.path.length > 0);
  if (candidates.length === 0) return undefined;
  const place = random.pick(candidates);
  const roll = random.int(10);
  if (roll < 4) return { op: "delete", path: place.path };
  if (roll < 5 && Array.isArray(place.value)) {
    // Appended, or set one past the end.
    if (random.chance(0.3)) return { op: "set", path: [...place.path, place.value.length], value: random.pick(STEP_VALUES) as never };
    return { op: "append", path: place.path, value: random.pick(STEP_VALUES) as never };
  }
  // A path through a scalar (an empty one becomes a map).
  if (roll === 5 && (place.value === null || typeof place.value !== "object")) return { op: "set", path: [...place.path, "x"], value: random.pick(STEP_VALUES) as never };
  if (roll < 8 && place.value !== null && typeof place.value === "object" && !Array.isArray(place.value)) {
    const key = random.pick(["new", "helm.sh/x", "yes"]);
    return { op: "set", path: [...place.path, ...(random.chance(0.3) ? [key, "inner"] : [key])], value: random.pick(STEP_VALUES) as never };
  }
  return { op: "set", path: place.path, value: random.pick(STEP_VALUES) as never };
}


// --- Kubernetes' reader --------------------------------------------------------------------------------------------

/**
 * Equal data, but for scalars one reader takes as a number and the other as a string: YAML 1.1's numbers as go-yaml
 * reads them (`0X1F`, `+_1`, `0o17`, `12:30`, `.`) are not the yaml package's, which is not fast-compose's to mend.
 */
function sameReading(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameReading(item, b[i]));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a).sort();
    return isDeepStrictEqual(keys, Object.keys(b).sort()) && keys.every((key) => sameReading((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  const types = new Set([typeof a, typeof b]);
  return isDeepStrictEqual(a, b) || (types.has("number") && types.has("string"));
}

function normalised(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item) => (typeof item === "number" && !Number.isFinite(item) ? String(item) : item)));
}

/** The documents among `texts` that Kubernetes' reader reads otherwise than the parser does as YAML 1.1. */
function k8sDifferences(texts: string[]): string[] {
  // Helm's split eats the white space after `---`, the indentation of an indented first line included: a comment
  // line after it keeps that out of the comparison; one after the document keeps the line break that ends it.
  const stream = texts.map((text) => `---\n#\n${text.replace(/^(?:[ ]*(?:#[^\n]*)?\n)*---[^\n]*\n/, "")}#\n`).join("");
  const { documents } = k8sRead(stream);
  if (documents.length !== texts.length) return [`k8s-read read ${documents.length} documents of ${texts.length}`];
  const problems: string[] = [];
  texts.forEach((text, i) => {
    const go = documents[i];
    const ours = readDocument(text, "1.1");
    // Timestamps: the yaml package's YAML 1.1 reads a Date (`2001-12-14`) where go-yaml keeps a key's text.
    if (/\d{4}-\d\d?-\d\d?/.test(text)) return;
    // JSON has no NaN nor infinity: Kubernetes refuses what the parser reads as such.
    if (go instanceof Error && /unsupported value: (?:NaN|[-+]?Inf)/.test(go.message)) return;
    if (go instanceof Error) problems.push(`${JSON.stringify(text)}: Kubernetes refuses it: ${go.message}`);
    else if (ours.error === undefined && !sameReading(go, ours.value)) {
      problems.push(`${JSON.stringify(text)}: Kubernetes reads ${JSON.stringify(go)}, the parser ${JSON.stringify(normalised(ours.value))}`);
    }
  });
  return problems;
}

// --- tests ---------------------------------------------------------------------------------------------------------

/** Documents of the subset, each with a corner: fast-compose builds the parser's tree for each. */
const CORNERS: Array<[string, string]> = [
  ["comments before the first key, at every indentation", "# a\n    # b\n  # c\na: 1\n"],
  ["comments after the last key, deeper than it", "a:\n  b: 1\n      # c\n    # d\n# e\n"],
  ["comments between sequence items, at every indentation", "a:\n  - 1\n      # c\n  # d\n# e\n  - 2\n"],
  ["comments between the items of an indentless sequence", "a:\n- 1\n    # c\n- 2\n# d\nb: 1\n"],
  ["blank lines with trailing spaces between keys", "a: 1\n      \n  \nb:\n   \n  c: 1\n        \n"],
  ["blank lines with trailing spaces before a nested map", "a:\n          \n  b: 1\n"],
  ["keys with odd characters", "a#b: 1\na:b: 2\n\"a: b\": 3\n'it''s': 4\né: 5\nhelm.sh/chart: 6\n\"\": 7\n"],
  ["a key of 1023 characters", `${"k".repeat(1023)}: 1\n`],
  ["a flow sequence of 3000 characters", `a: [${"k".repeat(3000)}]\n`],
  ["a key of 1021 characters after an empty value, indented by two", `a:\n  b:\n  ${"k".repeat(1021)}: 1\n`],
  ["trailing spaces after keys and values", "a:   \n  b: 1   \nc: x y   \nd: 'q'   \n"],
  ["empty values", "a:\nb: \nc:   # c\nd: ~\ne: null\n"],
  ["empty items, with a trailing space", "a:\n  -\n  - \n  -   # c\n  - x\n"],
  ["an empty item then a map below it", "a:\n  -\n    b: 1\n  - \n    c: 2\n"],
  ["compact items with nested maps and sequences", "a:\n- b: 1\n  c:\n    d: 2\n  e:\n  - 3\n  f:\n    - 4\n- g: |\n    x\n  h: 1\n"],
  ["compact items with more spaces after the dash", "a:\n  -   b: 1\n      c: 2\n"],
  ["a compact item ending in a block scalar, then a comment", "a:\n- b: |\n    x\n# c\n- d: 1\n"],
  ["a literal block with leading blank lines", "a: |\n\n \n  x\nb: 1\n"],
  ["a literal block with lines more indented than the first", "a: |-\n  x\n    y\n  z\nb: 1\n"],
  ["a literal block holding # lines", "a: |\n  # not a comment\n  x # y\nb: 1\n"],
  ["a literal block ending the document", "a: |\n  x\n"],
  ["a literal block ending the document, blank lines after", "a: |-\n  x\n\n  \n"],
  ["a literal block followed by a less indented comment", "a:\n  b: |\n    x\n# c\n  d: 1\n"],
  ["a literal block in a sequence", "a:\n- |\n  x\n- |-\n   y\n- z\n"],
  ["a literal block whose header has a comment", "a: | # c\n  x\nb: |- # d\n  y\n"],
  ["multi-line plain scalars with blank lines between", "a: one\n  two\n\n  three\n\n\n  four\nb: 1\n"],
  ["a multi-line plain scalar with trailing spaces", "a: one   \n  two   \nb: 1\n"],
  ["a multi-line plain scalar ending the document", "a: one\n  two\n"],
  ["a multi-line plain scalar in a sequence", "a:\n- one\n  two\n- three\n   four\n"],
  ["a multi-line plain scalar followed by a comment", "a: one\n  two\n# c\nb: 1\n"],
  ["flow collections on the key line", "a: {}\nb: []\nc: [a, b]\nd: {e: [f, {g: h}]}\n"],
  ["flow collections on the line below", "a:\n  {}\nb:\n  []\nc:\n  [a, b]\nd:\n    {e: [f, {g: h}]}\n"],
  ["dashes in flow collections that are text", "a: [-1, -x, a -b]\nb: {-: x}\n"],
  ["colons in flow collections that are text", "a: [a:b, http://x]\nb: {a:b: c:d}\n"],
  ["flow collections in a sequence", "a:\n- []\n- {}\n- [x] # c\n"],
  ["quoted scalars with escapes and comments", "a: \"x\\ny\" # c\nb: 'it''s' # d\nc: \"\\u00e9\\\"\"\n"],
  ["a document start and a Source comment", "---\n# Source: chart/templates/x.yaml\na: 1\n"],
  ["a document start with a comment", "--- # c\na: 1\n"],
  ["white space other than spaces in one-line values and keys", "a: x\u00a0\nb\u3000: y\u3000\nc:\n\u00a0d: 1\n"],
  ["null, numbers and booleans", "a: ~\nb: null\nc: 1\nd: 0644\ne: yes\nf: 1.5\ng: true\nh: -1\n"],
  ["a literal block, a short blank line and a comment after it", "a: |\n    x\n  \n# c\nb: 1\n"],
  ["a multi-line plain scalar, blank lines and a deeper comment after it", "a: one\n  two\n   \n    # c\nb: 1\n"],
  ["a multi-line plain scalar whose lines are less indented than its first", "a:\n    b: one\n     two\nc: x\n"],
  [
    "a StatefulSet as charts render it, comments and blank lines between",
    "---\n# Source: db/templates/sts.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  labels:\n    helm.sh/chart: db-1.2.3\n    \n  annotations:\n    {}\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          args:\n          - |\n            echo hi\n\n            exec db\n          # probes\n          env:\n            - name: A\n              value: \"1\"\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ \"ReadWriteOnce\" ]\n      resources:\n        requests:\n          storage: 8Gi\n",
  ],
  ["an indented root map", "  a: 1\n  b:\n    c: 2\n"],
  ["a sequence under a key indented by one", "a:\n - 1\n - 2\n"],
  ["a no-break space ending a continuation line (part of the scalar: YAML trims only spaces)", "a: one\n  two\u00a0\nb: 1\n"],
  ["an em space ending a continuation line in a sequence", "a:\n- one\n  two\u2003\n"],
  ["a no-break space ending a scalar in a flow sequence", "a: [x\u00a0]\n"],
  ["an ideographic space ending a key in a flow map", "a: {x\u3000: 1}\n"],
  ["a no-break space inside a continuation line", "a: one\n  t\u00a0wo\n"],
];

/** Documents fast-compose must leave to the parser. */
const LEFT_TO_THE_PARSER: Array<[string, string]> = [
  ["two document starts (the first document is empty)", "---\n---\na: 1\n"],
  ["a key of 1024 characters after an empty value (the parser counts from the line break)", `a:\n${"k".repeat(1024)}: 1\n`],
  ["a key of 1022 characters after an empty value, indented by two", `a:\n  b:\n  ${"k".repeat(1022)}: 1\n`],
  ["two keys that are both empty", "\"\": 1\n'': 2\n"],
  ["a blank line in a literal block wider than its text (it is text)", "a: |-\n  x\n\n   \n"],
  ["a leading blank line in a literal block wider than its text (Kubernetes refuses it)", "a: |\n\n   \n  x\nb: 1\n"],
  ["a control character, which Kubernetes refuses", "a: x\u0001y\n"],
  ["a line separator, a line break to Kubernetes", "a: x\u2028y\nb: 1\n"],
  ["a next-line character, a line break to Kubernetes", "a: x\u0085y\n"],
  ["an escaped slash, which Kubernetes refuses", 'a: "\\/"\n'],
  ["an escaped slash in a key", '"a\\/b": 1\n'],
  ["an escaped slash in a flow collection", 'a: ["\\/"]\n'],
  ["an escaped half of a surrogate pair, which Kubernetes refuses", 'a: "\\ud800"\n'],
  ["a byte order mark after a comment (the parser skips it, go-yaml keeps it)", "# c\n\ufeffa: 1\n"],
  ["a byte order mark inside a value", "a: x\ufeff\n"],
  ["a question mark in a flow sequence (Kubernetes refuses it)", "a: [http://x?y=1]\n"],
  ["a question mark in a flow map", "a: {b?: c}\n"],
  ["a key of 1100 characters in a flow map (Kubernetes refuses it)", `a: {x: 1, ${"k".repeat(1100)}: 1}\n`],
  ["a lone dash in a flow sequence (the parser reads a block sequence)", "a: [a, -]\n"],
  ["a lone dash in a flow map", "a: {b: -}\n"],
  ["a lone dash between commas", "a: [a, -,b]\n"],
];

describe("corners of the subset", () => {
  it.each(CORNERS)("%s", (_name, text) => {
    expect(fastCompose(text)).toBeDefined();
    expect(treeDifference(text)).toBeUndefined();
    expect(treeDifference(text, true)).toBeUndefined();
    expect(everyStepDifference(text)).toBeUndefined();
    for (let seed = 1; seed <= 5; seed++) expect(editDifference(text, new Random(seed), randomStep)).toBeUndefined();
  });

  it.skipIf(!K8S_READ)("Kubernetes reads the corners as the parser does", () => {
    expect(k8sDifferences(CORNERS.map(([, text]) => text))).toEqual([]);
  });

  it.each(LEFT_TO_THE_PARSER)("none for %s", (_name, text) => {
    expect(fastCompose(text)).toBeUndefined();
  });
});

describe("generated documents of the subset", () => {
  it("trees fast-compose builds are the parser's, fact by fact", () => {
    const problems: string[] = [];
    let composed = 0;
    const total = 1500;
    for (let seed = 1; seed <= total; seed++) {
      const text = subsetDocument(seed);
      if (fastCompose(text)) composed++;
      const problem = treeDifference(text) ?? treeDifference(text, true);
      if (problem) problems.push(`seed ${seed} ${JSON.stringify(text)}: ${problem}`);
    }
    console.log(`composed ${composed} of ${total}`);
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it("documents changed a little: fast-compose builds the parser's tree or leaves them to it", () => {
    const problems: string[] = [];
    let composed = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const text = mutatedDocument(seed);
      if (fastCompose(text)) composed++;
      const problem = treeDifference(text) ?? treeDifference(text, true);
      if (problem) problems.push(`seed ${seed} ${JSON.stringify(text)}: ${problem}`);
    }
    console.log(`composed ${composed} changed documents of 2000`);
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it.skipIf(!K8S_READ)("Kubernetes reads what fast-compose composes as the parser does", () => {
    const texts: string[] = [];
    for (let seed = 1; seed <= 1500; seed++) {
      const text = subsetDocument(seed);
      if (fastCompose(text)) texts.push(text);
    }
    for (let seed = 1; seed <= 2000; seed++) {
      const text = mutatedDocument(seed);
      if (fastCompose(text)) texts.push(text);
    }
    expect(k8sDifferences(texts).slice(0, 5)).toEqual([]);
  });

  it("an editor planning on fast trees writes the parser-planned bytes", () => {
    const problems: string[] = [];
    let edited = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const text = subsetDocument(seed);
      if (!fastCompose(text)) continue;
      edited++;
      const problem = editDifference(text, new Random(seed), randomStep);
      if (problem) problems.push(`seed ${seed} ${JSON.stringify(text)}: ${problem}`);
    }
    console.log(`edited ${edited}`);
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
