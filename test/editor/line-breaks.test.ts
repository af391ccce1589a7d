/**
 * Characters YAML 1.1 reads as line breaks (U+0085, U+2028, U+2029) and other non-printables in inserted scalars are
 * escaped in double quotes, never written raw and never inside a literal block.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBlockValue, renderString } from "../../src/core/render.js";
import { del, editCases, set } from "./support.js";

describe("inserted text with line-break characters", () => {
  editCases([
    { name: "U+0085 in a name", before: "name: a\n", steps: [set(["name"], "keep\u0085me")], after: 'name: "keep\\u0085me"\n' },
    { name: "U+2028 in a label value", before: "labels: {}\n", steps: [set(["labels", "a"], "x\u2028y")], after: 'labels: {a: "x\\u2028y"}\n' },
    { name: "U+2029 in a multi-line script stays out of a literal block", before: "args:\n  - x\n", steps: [set(["args", 0], "echo a\necho \u2029b\n")], after: 'args:\n  - "echo a\\necho \\u2029b\\n"\n' },
    { name: "a C1 control and DEL", before: "k: v\n", steps: [set(["k"], "a\u0090b\u007fc")], after: 'k: "a\\u0090b\\u007fc"\n' },
    { name: "a multi-line script of plain text is a literal block", before: "args:\n  - x\n", steps: [set(["args", 0], "set -e\nkubectl delete cm x\n")], after: "args:\n  - |\n    set -e\n    kubectl delete cm x\n" },
    { name: "a script ending in no line break is a `|-` block", before: "args:\n  - x\n", steps: [set(["args", 0], "set -e\nexit 0")], after: "args:\n  - |-\n    set -e\n    exit 0\n" },
    {
      // A keep-chomped block (`|+`) would take in the blank lines after it: removing the next key can leave some.
      name: "text ending in empty lines stays quoted, and removing the key after it changes nothing in it",
      before: "spec:\n  limit: 1\n  template:\n    a: b\n\n# end\n",
      steps: [set(["spec", "limit"], "kept\n\n"), del(["spec", "template"])],
      after: 'spec:\n  limit: "kept\\n\\n"\n\n# end\n',
    },
  ]);
});

const RAW_NEVER = ["\u0085", "\u2028", "\u2029", "\ufeff", "\r", "\u0000"];

describe("renderString reads back as the same string in YAML 1.1 and 1.2", () => {
  const samples = ["\u0085", "a\u2028b", "\u2029", "\ufeffx", "tab\there", "cr\rlf\n", "\u0000", "é ü 中", "😀", "\u00a0"];
  it.each(samples)("%j", (value) => {
    const rendered = renderString(value);
    expect([...rendered].filter((char) => RAW_NEVER.includes(char))).toEqual([]);
    for (const version of ["1.1", "1.2"] as const) expect(parse(`k: ${rendered}`, { version }).k).toBe(value);
    const block = renderBlockValue(`${value}\nline\n`, 2, { step: 2, eol: "\n" });
    const text = `k: ${block.inline}\n${block.lines.join("\n")}\n`;
    for (const version of ["1.1", "1.2"] as const) expect(parse(text, { version }).k).toBe(`${value}\nline\n`);
  });
});

describe("a document starting with a byte order mark", () => {
  // The mark is no column: a new key of the top map went one space in (invalid YAML, an internal error), a script
  // under a top-level key one space deeper; the first key removed keeps the mark.
  editCases([
    { name: "a new top-level map", before: "\ufeffmetadata:\n  name: x\nkind: Pod\n", steps: [set(["spec", "a"], 1)], after: "\ufeffmetadata:\n  name: x\nkind: Pod\nspec:\n  a: 1\n" },
    { name: "the first key removed", before: "\ufeffmetadata:\n  name: x\nkind: Pod\n", steps: [del(["metadata"])], after: "\ufeffkind: Pod\n" },
    { name: "the first key's value replaced by a script", before: "\ufeffa: 1\nkind: Pod\n", steps: [set(["a"], "x\ny\n")], after: "\ufeffa: |\n  x\n  y\nkind: Pod\n" },
  ]);
});
