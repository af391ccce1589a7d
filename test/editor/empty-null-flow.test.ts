/** Empty, null (`~`, `null`, nothing) and flow maps and sequences, as rules meet them in rendered charts. */
import { describe } from "vitest";
import { append, del, editCases, set } from "./support.js";

describe("null maps are filled in place", () => {
  editCases([
    { name: "nothing after the key", before: "metadata:\n  labels:\n  name: x\n", steps: [set(["metadata", "labels", "a"], "b")], after: "metadata:\n  labels:\n    a: b\n  name: x\n" },
    { name: "~", before: "metadata:\n  labels: ~\n  name: x\n", steps: [set(["metadata", "labels", "a"], "b")], after: "metadata:\n  labels:\n    a: b\n  name: x\n" },
    { name: "null", before: "metadata:\n  labels: null\n", steps: [set(["metadata", "labels", "a"], "b")], after: "metadata:\n  labels:\n    a: b\n" },
    { name: "!!null", before: "metadata:\n  labels: !!null\n  name: x\n", steps: [set(["metadata", "labels", "a"], "b")], after: "metadata:\n  labels:\n    a: b\n  name: x\n" },
    { name: "a null value as the last line, no final newline", before: "metadata:\n  annotations:", steps: [set(["metadata", "annotations", "a"], "b")], after: "metadata:\n  annotations:\n    a: b" },
    { name: "a null sequence appended to", before: "args:\nnext: 1\n", steps: [append(["args"], "x")], after: "args:\n  - x\nnext: 1\n" },
  ]);
});

describe("empty and flow maps", () => {
  editCases([
    { name: "{} gets its first key", before: "metadata:\n  annotations: {}\n", steps: [set(["metadata", "annotations", "a"], "b")], after: "metadata:\n  annotations: {a: b}\n" },
    { name: "{ } with a space", before: "metadata:\n  annotations: { }\n", steps: [set(["metadata", "annotations", "a"], "b")], after: "metadata:\n  annotations: {a: b }\n" },
    { name: "a flow map with a trailing comma", before: "labels: {a: b,}\n", steps: [set(["labels", "c"], "d")], after: "labels: {a: b, c: d,}\n" },
    { name: "a flow map's only key removed leaves {}", before: "labels: {a: b}\nx: 1\n", steps: [del(["labels", "a"])], after: "labels: {}\nx: 1\n" },
    { name: "a flow map across lines with a comment", before: "labels: {\n  a: b, # a\n  c: d\n}\n", steps: [del(["labels", "c"])], after: "labels: {\n  a: b\n}\n" },
    { name: "[] gets its first item", before: "args: []\n", steps: [append(["args"], "x")], after: "args: [x]\n" },
    { name: "a flow sequence item replaced", before: "args: [a, b, c]\n", steps: [set(["args", 1], "yes")], after: 'args: [a, "yes", c]\n' },
    { name: "a block map's value set to an empty map", before: "spec:\n  a: 1\nx: 2\n", steps: [set(["spec"], {})], after: "spec: {}\nx: 2\n" },
    { name: "a quoted key found and removed", before: 'labels:\n  "helm.sh/chart": x\n  \'app\': y\n', steps: [del(["labels", "helm.sh/chart"])], after: "labels:\n  'app': y\n" },
  ]);
});

describe("line ends and indentation", () => {
  editCases([
    { name: "CRLF kept on inserted lines", before: "metadata:\r\n  labels:\r\n    a: b\r\n  # c\r\nspec: 1\r\n", steps: [set(["metadata", "labels", "x"], "z")], after: "metadata:\r\n  labels:\r\n    a: b\r\n    x: z\r\n  # c\r\nspec: 1\r\n" },
    { name: "CRLF: an emptied map", before: "metadata:\r\n  labels:\r\n    a: b\r\n  name: n\r\n", steps: [del(["metadata", "labels", "a"])], after: "metadata:\r\n  labels: {}\r\n  name: n\r\n" },
    { name: "4-space indents", before: "metadata:\n    name: a\nspec: 1\n", steps: [set(["metadata", "labels", "k"], "v")], after: "metadata:\n    name: a\n    labels:\n        k: v\nspec: 1\n" },
    { name: "an indentless sequence appended to", before: "args:\n- a\n# c\nnext: 1\n", steps: [append(["args"], "b")], after: "args:\n- a\n- b\n# c\nnext: 1\n" },
    { name: "an indentless sequence's item removed", before: "args:\n- a\n- b\nnext: 1\n", steps: [del(["args", 0])], after: "args:\n- b\nnext: 1\n" },
  ]);
});
