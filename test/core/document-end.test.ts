/**
 * lastLinesMayBeBlockScalar decides from a document's last lines, without a parse, that no block scalar ends it; the
 * end-of-document check (document-end.ts) then skips its parse. It may only err towards "maybe": checked against the
 * yaml package's tree, on literal cases, random line mixes and the corpus.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { lastLinesMayBeBlockScalar } from "../../src/core/document-end.js";
import { splitStream } from "../../src/core/stream.js";
import { corpusFiles, corpusMissing, yaml } from "../helpers.js";

/** Whether the parsed document's last node is a block scalar with only white space after it. */
function endsInBlockScalar(text: string): boolean {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return false;
  let node = doc.contents as Node | null;
  while ((isMap(node) || isSeq(node)) && !node.flow) {
    const last = node.items[node.items.length - 1];
    node = (isPair(last) ? last.value : last) as Node | null;
  }
  if (!isScalar(node) || (node.type !== "BLOCK_LITERAL" && node.type !== "BLOCK_FOLDED") || !node.range) return false;
  return text.slice(node.range[2]).trim() === "";
}

const cases: Array<{ name: string; text: string; maybe: boolean }> = [
  { name: "no header at all", text: yaml`
    kind: ConfigMap
    data:
      a: b
  `, maybe: false },
  { name: "a block scalar that ends the document", text: yaml`
    kind: ConfigMap
    data:
      script: |
        echo done
  `, maybe: true },
  { name: "a block scalar followed by a key of its map", text: yaml`
    kind: ConfigMap
    data:
      script: |
        echo done
      other: x
  `, maybe: false },
  { name: "a block scalar followed by a top-level key", text: yaml`
    data:
      script: |
        echo done
    kind: ConfigMap
  `, maybe: false },
  { name: "a header alone on its line, its content as indented as it", text: "data:\n  script:\n    |\n    echo\n", maybe: true },
  { name: "a header after properties, alone on its line", text: "data:\n  script:\n    !!str &a |-\n    echo\n", maybe: true },
  { name: "a sequence item that is a block scalar", text: "args:\n- |\n  echo\n", maybe: true },
  { name: "the document is a block scalar", text: "|\ntext at column 0\n", maybe: true },
  { name: "CRLF line breaks", text: "data:\r\n  script: >+\r\n    echo\r\n\r\n", maybe: true },
  { name: "a comment at column 0 after the block scalar", text: "data:\n  script: |\n    echo\n# end\n", maybe: false },
  { name: "an empty block scalar on the last line, no line break", text: "data:\n  script: |", maybe: true },
  { name: "a header-looking line inside a block scalar that does not end the document", text: "data:\n  a: |\n    x |\n  b: c\n", maybe: false },
];

describe("lastLinesMayBeBlockScalar", () => {
  for (const { name, text, maybe } of cases) {
    it(name, () => {
      expect(lastLinesMayBeBlockScalar(text)).toBe(maybe);
      if (endsInBlockScalar(text)) expect(maybe).toBe(true);
    });
  }

  it("is never false where the parser finds a block scalar ending the document (random lines)", () => {
    const indent = fc.constantFrom("", " ", "  ", "    ", "      ");
    const body = fc.constantFrom("a: b", "a: |", "a: >-", "- |", "- a: |2", "|", "!!str |", "&x >", "text", "- x", "# c", "a:", "- - |", "? |", ": |", "", "\t",
      '"q": |+', "'s': >1", "- !!str |", "--- |", "{a: b}", "[x, y]", "a: b |", "...", "  \t", "x: | # c", "!!str", "&x", "%YAML 1.1", "---");
    const line = fc.tuple(indent, body).map(([space, rest]) => `${space}${rest}`);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        const text = `${lines.join(crlf ? "\r\n" : "\n")}\n`;
        if (endsInBlockScalar(text)) expect(lastLinesMayBeBlockScalar(text), JSON.stringify(text)).toBe(true);
      }),
      { numRuns: 5000, seed: 20261202 },
    );
  });

  it.skipIf(corpusMissing)("is never false where the parser finds one, on every corpus document", () => {
    let ending = 0;
    for (const file of corpusFiles()) {
      for (const { text } of splitStream(readFileSync(file, "utf8"))) {
        if (!endsInBlockScalar(text)) continue;
        ending++;
        expect(lastLinesMayBeBlockScalar(text), file).toBe(true);
      }
    }
    expect(ending).toBeGreaterThan(0);
  });
});

/** The walk as first written: every line from the end, one at a time. The search must answer as it does. */
function everyLineWalk(text: string): boolean {
  const HEADER_LINE = /[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;
  const HEADER_FIRST = /^(?:---[ \t]+)?(?:[!&][^ \t]*[ \t]+)*[|>]/;
  const ROOT_HEADER = /^(?:(?:[ \t]*(?:[!&][^ \t\r\n]*[ \t]*)*(?:#.*)?|%.*|---[ \t]*(?:#.*)?)\r?\n)*[ \t]*(?:---[ \t]+)?(?:[!&][^ \t\r\n]*[ \t]+)*[|>]/;
  let least = Number.POSITIVE_INFINITY;
  for (let end = text.length; end > 0; ) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    let content = start;
    while (content < end && text[content] === " ") content++;
    const lineEnd = end;
    end = start - 1;
    if (text.slice(content, lineEnd).replace(/[\t\r]/g, "") === "") continue;
    const indent = content - start;
    const line = text.slice(content, lineEnd);
    if (/[|>]/.test(line) && HEADER_LINE.test(line) && (indent < least || HEADER_FIRST.test(line))) return true;
    least = Math.min(least, indent);
    if (least === 0) return ROOT_HEADER.test(text);
  }
  return false;
}

describe("lastLinesMayBeBlockScalar finds header characters by search", () => {
  it("answers as a walk over every line does (random lines)", () => {
    const indent = fc.constantFrom("", " ", "  ", "   ", "    ", "      ");
    const body = fc.constantFrom("a: b", "a: |", "a: >-", "- |", "|", ">", "!!str |", "&x >", "--- |", "---", "text", "- x", "# c |", "a:", "", "\t", "\t|", "\r",
      "x: | # c", "- a: |2", "a: b |", "%YAML 1.1");
    const line = fc.tuple(indent, body).map(([space, rest]) => `${space}${rest}`);
    fc.assert(
      fc.property(fc.array(line, { minLength: 0, maxLength: 12 }), fc.boolean(), fc.boolean(), (lines, crlf, finalBreak) => {
        const text = `${lines.join(crlf ? "\r\n" : "\n")}${finalBreak ? "\n" : ""}`;
        expect(lastLinesMayBeBlockScalar(text), JSON.stringify(text)).toBe(everyLineWalk(text));
      }),
      { numRuns: 20000, seed: 20261203 },
    );
  });

  it.skipIf(corpusMissing)("answers as a walk over every line does, on every corpus document", () => {
    for (const file of corpusFiles()) {
      for (const { text } of splitStream(readFileSync(file, "utf8"))) expect(lastLinesMayBeBlockScalar(text), file).toBe(everyLineWalk(text));
    }
  });
});
