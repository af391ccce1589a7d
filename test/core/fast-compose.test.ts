/**
 * fast-compose builds the planner's tree without the parser. Held to the parser two ways, on the corpus, the seed
 * charts' renders and generated documents: every fact the planner reads from a tree (kinds, keys, values, styles,
 * where each item, indicator and value starts and ends) is the parser's; and an editor planning on fast trees writes
 * exactly the bytes of one planning on the parser's, for random steps anywhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fastCompose, parseForPlanning } from "../../src/core/fast-compose.js";
import { fastScan } from "../../src/core/fast-scan.js";
import { splitStream } from "../../src/core/stream.js";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { type Data, generateCase, Random } from "../fuzz/generator.js";
import { corpusFiles, EXAMPLES, yaml } from "../helpers.js";
import { editDifference, places, scannedData, treeDifference } from "./fast-compose-support.js";

/** Composed eagerly, the tree is the parser's; composed lazily too, and then read whole, it still is. */
function sameTree(text: string): { composed: boolean; problem?: string } {
  if (!fastCompose(text)) return { composed: false };
  const problem = treeDifference(text) ?? treeDifference(text, true);
  return problem === undefined ? { composed: true } : { composed: true, problem };
}

function renderedDocuments(): string[] {
  const files = [
    ...corpusFiles(),
    ...readdirSync(EXAMPLES, { recursive: true, encoding: "utf8" })
      .filter((name) => /rendered.*\.ya?ml$/.test(name))
      .map((name) => join(EXAMPLES, name)),
  ];
  return files.flatMap((file) => splitStream(readFileSync(file, "utf8")).map((doc) => doc.text));
}

describe("fast trees are the parser's trees, fact by fact", () => {
  it.each([
    ["block maps and sequences, comments, quoted keys", "---\n# c\na: 1 # x\n'b c': \"q\"\nd:\n  - x\n  - k: v\n    m: n\ne:\n- 1\n"],
    ["empty values and empty items", "a:\nb: ~\nc:\n  -\n  - x\n"],
    ["literal blocks, strip and clip, blank lines after", "a: |\n  l1\n\n  l2\n\n\nb: |-\n  z\nc: 1\n"],
    ["flow collections as values", "a: {}\nb: [x, {y: 1}]\nc:\n  d: []  # e\n"],
    ["a flow collection on the line below its key, as toYaml writes one", "a:\n  annotations:\n    {}\n  b: 1\n"],
    ["comments at any indentation between items", "a:\n  b: 1\n# c\n  d: 2\ne:\n- 1\n  # c\n- 2\nf: |\n  x\n# c\ng: |\n  x\n\n  # part of the text\nh: 1\n"],
    ["escapes and quotes", "a: 'it''s'\nb: \"\\u00e9\\n\"\nc: b:c\nd: [b, c]   \n"],
    ["flow maps below their key", "a:\n  {b: 1}\nc:\n  [x]\n"],
    ["multi-line plain scalars", "args:\n  - . /opt/env.sh &&\n    . /opt/lib.sh &&\n\n    run   \n  - x\nb: one\n  two\n"],
  ])("%s", (_name, text) => {
    expect(sameTree(text)).toStrictEqual({ composed: true });
  });

  it.each([
    ["an anchor", "a: &x 1\nb: *x\n"],
    ["a folded block", "a: >\n  x\n"],
    ["a keep-chomped block", "a: |+\n  x\n\n"],
    ["a comment after a multi-line plain scalar's first line", "a: one # c\n  two\n"],
    ["a scalar on the line below its key", "a:\n  x\n"],
    ["a comment indented past a block scalar's owner", "a: |\n    x\n  # c\nb: 1\n"],
    ["a tab", "a:\tx\n"],
    ["CR line endings", "a: x\r\n"],
    ["no final line break", "a: x"],
    ["a merge key", "a:\n  <<: {b: 1}\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a key that is not a string", "1: x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
  ])("none for %s: the parser reads it", (_name, text) => {
    expect(fastCompose(text)).toBeUndefined();
  });

  it("every rendered document of the corpus and the examples it composes", () => {
    const documents = renderedDocuments();
    let composed = 0;
    let scanned = 0;
    const problems: string[] = [];
    for (const text of documents) {
      if ("value" in fastScan(text)) scanned++;
      const result = sameTree(text);
      if (result.composed) composed++;
      if (result.problem) problems.push(`${text.slice(0, 120)}: ${result.problem}`);
    }
    expect(problems.slice(0, 3)).toEqual([]);
    // Most documents fast-scan reads are composed too (the subset is a little narrower).
    expect(composed).toBeGreaterThan(scanned * 0.8);
  });

  it("60 generated documents it composes (block and indentless sequences, quoting, comments, literals)", () => {
    const problems: string[] = [];
    let composed = 0;
    for (let seed = 1; composed < 60 && seed <= 1500; seed++) {
      const { text } = generateCase(seed * 7919);
      const result = sameTree(text);
      if (result.composed) composed++;
      if (result.problem) problems.push(`seed ${seed * 7919}: ${result.problem}`);
    }
    expect(problems.slice(0, 3)).toEqual([]);
    expect(composed).toBe(60);
  });
});

const VALUES: Data[] = ["plain", "yes", "0644", "~", "", "a: b", "#x", "line\nbreaks\n", "kept\n\n", "  lead", 7, true, null, {}, [], { a: "b", "c/d": ["e", { f: "g" }] }, ["x", "y\nz\n"]];

function randomStep(random: Random, data: unknown): EditStep | undefined {
  const candidates = places(data).filter((place) => place.path.length > 1);
  if (candidates.length === 0) return undefined;
  const place = random.pick(candidates);
  const roll = random.int(10);
  if (roll < 3) return { op: "delete", path: place.path };
  if (roll < 5 && Array.isArray(place.value)) return { op: "append", path: place.path, value: random.pick(VALUES) as never };
  if (roll < 8 && place.value !== null && typeof place.value === "object" && !Array.isArray(place.value)) {
    const key = random.pick(["new", "helm.sh/x", "yes"]);
    const deeper = random.chance(0.3) ? [key, "inner"] : [key];
    return { op: "set", path: [...place.path, ...deeper], value: random.pick(VALUES) as never };
  }
  return { op: "set", path: place.path, value: random.pick(VALUES) as never };
}

function sameEdits(text: string, seed: number): string | undefined {
  return editDifference(text, new Random(seed), randomStep, 5);
}

describe("an editor planning on fast trees writes the parser-planned bytes", () => {
  it("a StatefulSet's claim labels, annotations and a script", () => {
    const text = yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
        labels: {app: db}
      spec:
        template:
          spec:
            containers:
            - name: db
              command: ["sh", "-c"]
              args:
              - |
                echo hi
        volumeClaimTemplates:
        - metadata:
            name: data
            labels:
              app: db
              helm.sh/chart: db-1.2.3
          spec:
            accessModes: [ReadWriteOnce]
    `;
    const steps: EditStep[] = [
      { op: "delete", path: ["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"] },
      { op: "set", path: ["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "helm.sh/resource-policy"], value: "keep" },
      { op: "set", path: ["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-name"], value: "db" },
      { op: "set", path: ["metadata", "labels", "tier"], value: "data" },
      { op: "set", path: ["spec", "template", "spec", "containers", 0, "args", 0], value: "echo bye\n" },
      { op: "set", path: ["spec", "template", "spec", "containers", 0, "command"], value: ["sh", "-ec"] },
      { op: "set", path: ["spec", "volumeName"], value: "pv-1" },
    ];
    const fast = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    const full = new YamlDocumentEditor(text);
    for (const step of steps) {
      fast.apply(step);
      full.apply(step);
    }
    expect(fast.text).toBe(full.text);
    expect(fast.text).not.toBe(text);
  });

  it.each<[string, string, EditStep]>([
    ["a key into an empty flow map below its key", "metadata:\n  annotations:\n    {}\n  name: db\n", { op: "set", path: ["metadata", "annotations", "a"], value: "b" }],
    ["a key into a flow map on its key's line", "metadata:\n  labels: {app: db}\n", { op: "set", path: ["metadata", "labels", "tier"], value: "data" }],
    ["a flow sequence replaced", "spec:\n  accessModes: [ReadWriteOnce]\n  size: 1\n", { op: "set", path: ["spec", "accessModes"], value: ["ReadWriteMany"] }],
    ["an item removed from a flow sequence", "args: [a, b, c]\n", { op: "delete", path: ["args", 1] }],
    ["a flow map removed whole, the last key of its map", "spec:\n  x: 1\n  resources: {}\n", { op: "delete", path: ["spec", "resources"] }],
  ])("a step into a flow collection is planned on the parser's tree: %s", (_name, text, step) => {
    const fast = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
    const full = new YamlDocumentEditor(text);
    fast.apply(step);
    full.apply(step);
    expect(fast.text).toBe(full.text);
    expect(fast.text).not.toBe(text);
  });

  it("the document getter gives the parser's tree, with its source tokens and ranges", () => {
    const editor = new YamlDocumentEditor("a: {}\nb: 1\n", parseForPlanning);
    editor.apply({ op: "set", path: ["b"], value: 2 });
    const tree = editor.document;
    expect(tree.errors).toEqual([]);
    expect((tree.contents as { range?: unknown }).range).toEqual([0, 11, 11]);
    expect(tree.toJS()).toStrictEqual({ a: {}, b: 2 });
  });

  it("random steps on 60 generated documents it composes", () => {
    const problems: string[] = [];
    let composed = 0;
    for (let seed = 1; composed < 60 && seed <= 1500; seed++) {
      const { text } = generateCase(seed * 104729);
      if (!fastCompose(text)) continue;
      composed++;
      const problem = sameEdits(text, seed);
      if (problem) problems.push(`seed ${seed * 104729}: ${problem}`);
    }
    expect(problems.slice(0, 3)).toEqual([]);
    expect(composed).toBe(60);
  });

  it("random steps on the workloads of the corpus and the examples", () => {
    const documents = renderedDocuments().filter((text) => /^kind: (StatefulSet|CronJob|Job|Deployment|DaemonSet|PersistentVolumeClaim)\s*$/m.test(text));
    const problems: string[] = [];
    documents.forEach((text, index) => {
      if (!fastCompose(text)) return;
      for (const seed of [index * 31 + 1, index * 31 + 2]) {
        const problem = sameEdits(text, seed);
        if (problem) problems.push(`${text.slice(0, 100)} seed ${seed}: ${problem}`);
      }
    });
    expect(problems.slice(0, 3)).toEqual([]);
  });
});
