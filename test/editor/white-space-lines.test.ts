/**
 * Lines holding only white space (templates leave them where an `{{- if }}` stood) are blank to every reader, except
 * right after a literal block: one wider than the block's indentation, or holding a tab, is a line of its text. A
 * script is written as a literal block only where no such line follows it.
 */
import { describe, expect, it } from "vitest";
import type { EditStep } from "../../src/core/yaml-editor.js";
import { fixStream } from "../../src/fix-stream.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";
import { parseDocument } from "yaml";
import { append, del, edit, editCases, set } from "./support.js";

describe("a script written before a line of white space", () => {
  editCases([
    {
      name: "a new key before a line of spaces wider than its text's indentation: double-quoted",
      before: "m:\n  a: 1\n        \nk: 2\n",
      steps: [set(["m", "b"], "echo b\necho c")],
      after: 'm:\n  a: 1\n  b: "echo b\\necho c"\n        \nk: 2\n',
    },
    {
      name: "a replaced value before such a line: double-quoted",
      before: "m:\n  a: 1\n        \nk: 2\n",
      steps: [set(["m", "a"], "echo b\necho c\n")],
      after: 'm:\n  a: "echo b\\necho c\\n"\n        \nk: 2\n',
    },
    {
      name: "an appended item before such a line: double-quoted",
      before: "m:\n- a\n        \nk: 2\n",
      steps: [append(["m"], "echo b\necho c\n")],
      after: 'm:\n- a\n- "echo b\\necho c\\n"\n        \nk: 2\n',
    },
    {
      name: "such a line ends a text without a final line break: double-quoted",
      before: "m:\n  a: 1\n        ",
      steps: [set(["m", "b"], "echo b\necho c")],
      after: 'm:\n  a: 1\n  b: "echo b\\necho c"\n        ',
    },
    {
      name: "a line of spaces as wide as the text's indentation is blank: a literal block",
      before: "m:\n  a: 1\n    \nk: 2\n",
      steps: [set(["m", "b"], "echo b\necho c\n")],
      after: "m:\n  a: 1\n  b: |\n    echo b\n    echo c\n    \nk: 2\n",
    },
    {
      name: "CRLF, a wide line of spaces and then a comment at column 0: double-quoted",
      before: "m:\r\n  a: 1\r\n          \r\n# c\r\nk: 2\r\n",
      steps: [set(["m", "b"], "echo b\necho c\n")],
      after: 'm:\r\n  a: 1\r\n  b: "echo b\\necho c\\n"\r\n          \r\n# c\r\nk: 2\r\n',
    },
    {
      name: "the key after a literal block removed: the wide line of spaces after it goes with it",
      before: "m:\n  a: |\n    echo a\n  b: 1\n          \nk: 2\n",
      steps: [del(["m", "b"])],
      after: "m:\n  a: |\n    echo a\nk: 2\n",
    },
  ]);
});

describe("a comment indented with a tab, left after a block scalar by a removal", () => {
  // Kubernetes' reader refuses such a comment anywhere; the yaml package reads one right after a block scalar as text
  // (and the edit failed as an internal error). It goes with the removed key, like the deeper comments.
  it("goes with the removed key", () => {
    const before = "m:\n  b: >-\n    x\n  a: 1\n \t# tab\nc: 1\n";
    const after = edit(before, [del(["m", "a"])]);
    expect(after).toBe("m:\n  b: >-\n    x\nc: 1\n");
    for (const version of ["1.1", "1.2"] as const) expect(parseDocument(after, { version }).toJS()).toEqual({ m: { b: "x" }, c: 1 });
  });
});

describe("a line indented with a tab, which Kubernetes' reader reads only right after a plain scalar", () => {
  editCases([
    {
      name: "the plain scalar before it replaced by a plain scalar",
      before: "a: v\n \t# tab\nk: 1\n",
      steps: [set(["a"], "w")],
      after: "a: w\n \t# tab\nk: 1\n",
    },
    {
      name: "edits elsewhere",
      before: "a: v\n \t# tab\nk: 1\nz: 2\n",
      steps: [set(["z"], {}), set(["k"], []), set(["x1"], "x")],
      after: "a: v\n \t# tab\nk: []\nz: {}\nx1: x\n",
    },
  ]);

  const refused: Array<{ name: string; before: string; steps: EditStep[] }> = [
    { name: "the plain scalar replaced by a quoted one", before: "a: v\n \t# tab\nk: 1\n", steps: [set(["a"], "yes")] },
    { name: "the plain scalar replaced by a map", before: "a: v\n \t# tab\nk: 1\n", steps: [set(["a"], { b: "c" })] },
    { name: "a key written before it", before: "m:\n  a: v\n \t# tab\nk: 1\n", steps: [set(["m", "b"], "w")] },
    { name: "the key before it removed", before: "a: {}\nb: v\n\n \t\nk: 1\n", steps: [del(["b"])] },
  ];
  it("a step refused on the tree of the waiting splices is planned again after them, as one step at a time", () => {
    // Removing the item's first keys one at a time pulls the next up behind the dash, which leaves the line alone;
    // planned on the first tree, the last removal would take a whole line before the tabbed one.
    const before = "d:\n  a:\n  - k2: v\n    app: 0644\n    helm.sh/chart: {a: 1}\n \t# tab comment\n    x y: v\n";
    const steps = [del(["d", "a", 0, "k2"]), del(["d", "a", 0, "app"]), del(["d", "a", 0, "helm.sh/chart"])];
    expect(edit(before, steps)).toBe("d:\n  a:\n  - x y: v\n");
  });

  for (const { name, before, steps } of refused) {
    it(`refused: ${name} (the reader would refuse the document)`, () => {
      expect(() => edit(before, steps)).toThrow(/indented with a tab, which Kubernetes' reader accepts only right after a plain scalar/);
    });
  }
});

describe("a cleanup Job whose quoted script is followed by a line of white space", () => {
  // The rule rewrites the script with --ignore-not-found; as a literal block it would take the line in, the run-time
  // proof refused it and the run exited 2.
  const JOB = [
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    "  name: cleanup",
    "  annotations:",
    "    helm.sh/hook: pre-delete",
    "spec:",
    "  template:",
    "    spec:",
    "      restartPolicy: Never",
    "      containers:",
    "        - name: cleanup",
    "          image: bitnami/kubectl:1.29",
    "          command: [/bin/sh, -c]",
    "          args:",
    '            - "kubectl delete configmap a\\nkubectl delete secret b\\n"',
    "                       ",
    "      serviceAccountName: x",
    "",
  ].join("\n");

  it("is fixed, the line left where it was", async () => {
    const result = await fixStream(JOB, { release: { name: "rel", namespace: "ns" } });
    expect(result.output).toContain(
      '            - "kubectl delete --ignore-not-found configmap a\\nkubectl delete --ignore-not-found secret b\\n"\n                       \n      serviceAccountName: x\n',
    );
    if (K8S_READ) expect(k8sDifferences(JOB, result.output, result.changes)).toEqual([]);
  });
});
