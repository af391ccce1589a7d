/**
 * Lazy fast trees (the planner's, `fastCompose(text, true)`): a map's value that is a block collection on the lines
 * below its key is built when first read. Held to the parser: read whole, the tree is the parser's, fact by fact;
 * an editor planning on it writes the parser-planned bytes; a part outside fast-compose's subset, once read, is the
 * parser's node; and a part never read is never built (the parser is not even asked for it).
 */
import { describe, expect, it, vi } from "vitest";
import { fastCompose, parseForPlanning } from "../../src/core/fast-compose.js";
import { fastScan } from "../../src/core/fast-scan.js";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { everyStepDifference, scannedData, treeDifference } from "./fast-compose-support.js";

const parses = vi.hoisted(() => ({ count: 0 }));

vi.mock("../../src/core/yaml-aliases.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/core/yaml-aliases.js")>();
  return {
    ...actual,
    parseForEditing: (text: string) => {
      parses.count++;
      return actual.parseForEditing(text);
    },
  };
});

/** A StatefulSet whose pod template holds `inner` (its container's lines, at six spaces). */
const statefulSet = (inner: string): string => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      containers:
      - name: db
${inner}        image: db:1
  volumeClaimTemplates:
  - metadata:
      name: data
      labels:
        helm.sh/chart: db-1.2.3
    spec:
      accessModes:
      - ReadWriteOnce
`;

/** Constructs fast-scan reads and fast-compose does not build: nested, a lazy tree leaves them to the parser. */
const OUTSIDE_THE_SUBSET: Array<[string, string]> = [
  ["a scalar on the line below its key", "        args:\n          echo\n"],
  ["a comment indented past a block scalar's owner", "        args: |\n            echo\n          # c\n"],
  ["a keep-chomped block", "        args: |+\n          echo\n\n"],
];

describe("a lazy tree with a part outside the subset", () => {
  it.each(OUTSIDE_THE_SUBSET)("%s: read whole, it is the parser's tree; edited anywhere, the parser's bytes", (_name, inner) => {
    const text = statefulSet(inner);
    expect("value" in fastScan(text)).toBe(true);
    expect(fastCompose(text)).toBeUndefined();
    expect(fastCompose(text, true)).toBeDefined();
    expect(treeDifference(text, true)).toBeUndefined();
    expect(everyStepDifference(text)).toBeUndefined();
  });

  it.each(OUTSIDE_THE_SUBSET)("%s: an edit elsewhere never builds it; one into it asks the parser once", (_name, inner) => {
    const text = statefulSet(inner);
    const claimLabel: EditStep = { op: "delete", path: ["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"] };
    // As a stream's documents are edited: from the data fast-scan read, the tree only for planning.
    const lazy = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    parses.count = 0;
    lazy.apply(claimLabel);
    expect(lazy.text).toBe(text.replace("      labels:\n        helm.sh/chart: db-1.2.3\n", "      labels: {}\n"));
    expect(parses.count).toBe(0);

    const args: EditStep = { op: "set", path: ["spec", "template", "spec", "containers", 0, "args"], value: "run" };
    const fresh = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    parses.count = 0;
    fresh.apply(args);
    expect(parses.count).toBe(1);
    const full = new YamlDocumentEditor(text);
    full.apply(args);
    expect(fresh.text).toBe(full.text);
  });
});

describe("a lazy tree of the subset", () => {
  it("the steps a stream's rules make write the eager tree's bytes, and any one step the parser's", () => {
    const text = statefulSet("        args:\n        - |\n          echo hi\n        env:\n        - name: A\n          value: '1'\n");
    const steps: EditStep[] = [
      { op: "set", path: ["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-name"], value: "db" },
      { op: "set", path: ["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-namespace"], value: "ns" },
      { op: "delete", path: ["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"] },
      { op: "set", path: ["spec", "template", "spec", "containers", 0, "command"], value: ["sh", "-c"] },
    ];
    const lazy = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    const eager = new YamlDocumentEditor(text, (source) => fastCompose(source) as NonNullable<ReturnType<typeof fastCompose>>);
    for (const step of steps) {
      lazy.apply(step);
      eager.apply(step);
    }
    expect(lazy.text).toBe(eager.text);
    expect(lazy.text).toContain("        image: db:1\n        command:\n          - sh\n          - -c\n  volumeClaimTemplates:\n");
    expect(everyStepDifference(text)).toBeUndefined();
  });
});

describe("a part the parser reads past the lines passed over", () => {
  // The parser reads `- x` into the scalar `p` (fast-scan.ts, misreadComment); a stream refuses to edit such a
  // document, and a lazy tree never lets the parser's node overlap the fast nodes after it.
  it("is an internal error, never a tree with one line in two nodes", () => {
    const text = "r:\n- k:\n    a:\n#x\n     p\n- x\n";
    const editor = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    expect(() => editor.apply({ op: "set", path: ["r", 0, "k", "a"], value: "q" })).toThrow(/internal error: the parser's tree has no value within the lines/);
  });
});
