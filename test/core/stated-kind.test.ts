/**
 * statedKind and kindLineMayMislead find the `kind` words of a text and try their patterns only there, instead of
 * running multi-line patterns over every line. They must answer exactly as those patterns did: the patterns are kept
 * here as the oracle, and compared on literal cases, generated documents and every document of the examples and the
 * corpus.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kindLineMayMislead, statedKind } from "../../src/core/stated-kind.js";
import { splitStreamBytes } from "../../src/core/stream.js";
import { corpusFiles, corpusMissing, EXAMPLES } from "../helpers.js";

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 1000), seed: process.env.FC_SEED === undefined ? 20_261_201 : Number(process.env.FC_SEED) } as const;

// The oracle: the patterns as they were run over the whole text.
const ORACLE_KIND_LINE = /^(?:kind|"kind"|'kind')[ \t]*:[ \t]*(?:"([A-Za-z][A-Za-z0-9]*)"|'([A-Za-z][A-Za-z0-9]*)'|([A-Za-z][A-Za-z0-9]*))[ \t]*(?:#.*)?\r?$/gm;
const ORACLE_YAML11_ONLY_BREAK = /[\u0085\u2028\u2029]|\r(?!\n)/;
const ORACLE_KIND_KEYS = /^(?:\?[ \t]*)?["']?kind["']?[ \t]*(?::|$)/gm;
const ORACLE_ODD_ROOT_LINE = /^[!&*?"'<{[]/m;
const ORACLE_FIRST_CONTENT = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|%[^\n]*\n|---[ \t]*(?:#[^\n]*)?\r?\n)*([^\n]*)/;

function oracleStatedKind(text: string): string | undefined {
  let kind: string | undefined;
  for (const match of text.matchAll(ORACLE_KIND_LINE)) {
    if (kind !== undefined) return undefined;
    kind = match[1] ?? match[2] ?? match[3];
  }
  return kind;
}

function oracleKindLineMayMislead(text: string): boolean {
  if (ORACLE_YAML11_ONLY_BREAK.test(text) || ORACLE_ODD_ROOT_LINE.test(text)) return true;
  ORACLE_KIND_KEYS.lastIndex = 0;
  let found = 0;
  while (found < 2 && ORACLE_KIND_KEYS.exec(text) !== null) found++;
  ORACLE_KIND_KEYS.lastIndex = 0;
  if (found !== 1) return true;
  const first = ORACLE_FIRST_CONTENT.exec(text)?.[1] ?? "";
  return /^[ \t]/.test(first) || first.startsWith("---");
}

function expectAsOracle(text: string): void {
  expect(statedKind(text), JSON.stringify(text)).toBe(oracleStatedKind(text));
  expect(kindLineMayMislead(text), JSON.stringify(text)).toBe(oracleKindLineMayMislead(text));
}

describe("statedKind: the kind of the one column-0 kind line", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["a Helm document", "---\n# Source: c/templates/sts.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: a\n", "StatefulSet"],
    ["indented kind lines are not the root's", "kind: StatefulSet\nspec:\n  volumeClaimTemplates:\n  - kind: PersistentVolumeClaim\n", "StatefulSet"],
    ["two column-0 kind lines", "kind: Job\n---x\nkind: CronJob\n", undefined],
    ["double-quoted key and value", '"kind": "Job"\n', "Job"],
    ["single-quoted key and value", "'kind': 'Job'\n", "Job"],
    ["mismatched quotes", "\"kind': Job\n", undefined],
    ["blanks around the colon and a comment", "kind \t:  Job \t# the kind\n", "Job"],
    ["a comment right after the value", "kind: Job#x\n", "Job"],
    ["a value that is not a word", "kind: Job-x\n", undefined],
    ["a value on the next line", "kind:\n  Job\n", undefined],
    ["an indented kind only", "  kind: Job\n", undefined],
    ["a longer key", "kinds: Job\nxkind: Job\n", undefined],
    ["CRLF", "apiVersion: v1\r\nkind: ConfigMap\r\n", "ConfigMap"],
    ["after a lone CR", "a: 1\rkind: Job", "Job"],
    ["after LS and PS", "a: 1\u2028kind: Job\u2029b: 2", "Job"],
    ["after NEL, which the pattern does not take as a break", "a: 1\u0085kind: Job\n", undefined],
    ["at the very start, no newline", "kind: Job", "Job"],
    ["a BOM before it", "\uFEFFkind: Job\n", undefined],
    ["a lone CR after the value", "kind: Job\rx", "Job"],
  ];
  it.each(cases)("%s", (_name, text, kind) => {
    expect(statedKind(text)).toBe(kind);
    expect(oracleStatedKind(text)).toBe(kind);
  });
});

describe("kindLineMayMislead: when the one kind line may not be the root's kind", () => {
  const cases: Array<[string, string, boolean]> = [
    ["a plain block map", "---\n# Source: c/t.yaml\napiVersion: v1\nkind: ConfigMap\ndata:\n  kind: x\n", false],
    ["two kind keys", "kind: ConfigMap\nkind: StatefulSet\n", true],
    ["no kind key", "apiVersion: v1\n", true],
    ["a complex key", "? kind\n: StatefulSet\n", true],
    ["a quoted key", "'kind': ConfigMap\n", true],
    ["a value on the next line", "kind:\n  ConfigMap\n", false],
    ["a flow root", "{kind: ConfigMap}\n", true],
    ["an anchor at column 0", "&a kind: ConfigMap\n", true],
    ["a merge key", "kind: ConfigMap\n<<: {a: 1}\n", true],
    ["an indented root", "  kind: ConfigMap\n  a: 1\nkind: ConfigMap\n", true],
    ["a root after comments, directives and a bare marker", "# c\n%YAML 1.1\n--- # c\nkind: ConfigMap\n", false],
    ["a marker with content as the first content line", "--- a: 1\nkind: ConfigMap\n", true],
    ["CRLF", "apiVersion: v1\r\nkind: ConfigMap\r\n", false],
    ["a lone CR", "kind: ConfigMap\ra: 1\n", true],
    ["a raw NEL", "kind: ConfigMap\na: \u0085\n", true],
    ["a raw LS", "kind: ConfigMap\na: \u2028\n", true],
    ["a raw PS", "kind: ConfigMap\na: \u2029\n", true],
    ["kind words in values only", "kind: ConfigMap\ndata:\n  a: kind\n  b: |\n    kind: StatefulSet\n", false],
    ["a tab before the colon", "kind\t: ConfigMap\n", false],
  ];
  it.each(cases)("%s", (_name, text, misleads) => {
    expect(kindLineMayMislead(text)).toBe(misleads);
    expect(oracleKindLineMayMislead(text)).toBe(misleads);
  });
});

describe("the same answers as the patterns run over every line", () => {
  const KEYS = ["kind", '"kind"', "'kind'", "? kind", "?\tkind", "?kind", "? 'kind'", '"kind\'', "kinds", "xkind", "kind kind", "Kind", ""];
  const COLONS = [":", " :", "\t:", ":", "", "::"];
  const VALUES = [" Job", ' "Job"', " 'Job'", " Job # c", " Job#c", " Job-x", "", " Jöb", "\tStatefulSet\t", " {a: 1}", " kind", " 'Job"];
  const INDENTS = ["", "", "", " ", "\t", "  ", "- ", "\uFEFF"];
  const OTHER = ["# c", "---", "--- # c", "--- a: 1", "...", "%YAML 1.1", "{kind: Job}", "[a]", "&a x: 1", "!t x", "*a", "<<: *a", "apiVersion: v1", "  name: kind", "", " ", "a: \"kind: Job\"", "b: |", "  kind: Job"];
  const BREAKS = ["\n", "\n", "\n", "\r\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"];
  const kindLine = fc
    .tuple(fc.constantFrom(...INDENTS), fc.constantFrom(...KEYS), fc.constantFrom(...COLONS), fc.constantFrom(...VALUES))
    .map((parts) => parts.join(""));
  const line = fc.oneof(kindLine, fc.constantFrom(...OTHER));
  const document = fc
    .tuple(fc.boolean(), fc.array(fc.tuple(line, fc.constantFrom(...BREAKS)), { maxLength: 8 }), fc.boolean())
    .map(([bom, lines, lastBreak]) => {
      const text = lines.map(([content, lineBreak]) => content + lineBreak).join("");
      return (bom ? "\uFEFF" : "") + (lastBreak ? text : text.replace(/(?:\r\n|[\n\r\u0085\u2028\u2029])$/, ""));
    });

  it("on generated documents: tricky keys, quotes, blanks, CR, CRLF, NEL, LS, PS, BOM, comments, flow roots", () => {
    fc.assert(fc.property(document, (text) => expectAsOracle(text)), RUNS);
  });

  it("on generated text from the characters that matter", () => {
    const chars = fc.constantFrom(..."kind:\"' \t\r\n?#-.{[&!*<%Job1\u0085\u2028\u2029\uFEFF".split(""), "kind", "\nkind", "\n---");
    fc.assert(fc.property(fc.array(chars, { maxLength: 40 }).map((parts) => parts.join("")), (text) => expectAsOracle(text)), RUNS);
  });

  function documentsUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return documentsUnder(path);
      return /\.ya?ml$/.test(name) ? splitStreamBytes(readFileSync(path)).map((doc) => doc.text) : [];
    });
  }

  it("on every document of the examples", () => {
    const documents = documentsUnder(EXAMPLES);
    expect(documents.length).toBeGreaterThan(100);
    for (const text of documents) expectAsOracle(text);
  });

  it.skipIf(corpusMissing)("on every document of the corpus", () => {
    for (const file of corpusFiles()) for (const doc of splitStreamBytes(readFileSync(file))) expectAsOracle(doc.text);
  });
});
