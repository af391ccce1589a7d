/**
 * Steps the editor splices together, planned on one tree: each case gives the same bytes as reading the text (and so
 * splicing it) after every step, and the joined ones parse the document once.
 */
import { describe, expect, it } from "vitest";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { parseForEditing } from "../../src/core/yaml-aliases.js";
import { yaml } from "../helpers.js";
import { del, expectLossless, set } from "./support.js";

interface JoinCase {
  name: string;
  before: string;
  steps: EditStep[];
  after: string;
  /** How often the document is parsed: 1 when every step joined the first. */
  parses: number;
}

const STATEFULSET_CLAIM = yaml`
  spec:
    volumeClaimTemplates:
      - metadata:
          name: data
          labels:
            app: db
            helm.sh/chart: db-1.2.3
        spec:
          accessModes: [ReadWriteOnce]
`;

const cases: JoinCase[] = [
  {
    name: "two new keys of one block map: after its last pair, in step order",
    before: yaml`
      metadata:
        name: db
        annotations:
          a: "1"
      spec: {}
    `,
    steps: [set(["metadata", "annotations", "b"], "2"), set(["metadata", "annotations", "c"], "3")],
    after: yaml`
      metadata:
        name: db
        annotations:
          a: "1"
          b: "2"
          c: "3"
      spec: {}
    `,
    parses: 1,
  },
  {
    name: "a key of an inner map that ends where its outer map ends, then a key of the outer map",
    before: yaml`
      metadata:
        name: db
        labels:
          app: db
      spec: {}
    `,
    steps: [set(["metadata", "labels", "tier"], "data"), set(["metadata", "namespace"], "prod")],
    after: yaml`
      metadata:
        name: db
        labels:
          app: db
          tier: data
        namespace: prod
      spec: {}
    `,
    parses: 1,
  },
  {
    name: "the same two keys the other way round: the outer key is spliced first, since the inner one would go before it",
    before: yaml`
      metadata:
        name: db
        labels:
          app: db
      spec: {}
    `,
    steps: [set(["metadata", "namespace"], "prod"), set(["metadata", "labels", "tier"], "data")],
    after: yaml`
      metadata:
        name: db
        labels:
          app: db
          tier: data
        namespace: prod
      spec: {}
    `,
    parses: 2,
  },
  {
    name: "two keys of a map that does not exist yet: one map is written, with both",
    before: STATEFULSET_CLAIM,
    steps: [
      set(["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-name"], "db"),
      set(["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-namespace"], "prod"),
    ],
    after: yaml`
      spec:
        volumeClaimTemplates:
          - metadata:
              name: data
              labels:
                app: db
                helm.sh/chart: db-1.2.3
              annotations:
                meta.helm.sh/release-name: db
                meta.helm.sh/release-namespace: prod
            spec:
              accessModes: [ReadWriteOnce]
    `,
    parses: 1,
  },
  {
    name: "the last label removed, then a label added where it was: the removal is spliced first, the rest join",
    before: STATEFULSET_CLAIM,
    steps: [
      del(["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"]),
      set(["spec", "volumeClaimTemplates", 0, "metadata", "labels", "app.kubernetes.io/managed-by"], "Helm"),
      set(["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-name"], "db"),
      set(["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "meta.helm.sh/release-namespace"], "prod"),
    ],
    after: yaml`
      spec:
        volumeClaimTemplates:
          - metadata:
              name: data
              labels:
                app: db
                app.kubernetes.io/managed-by: Helm
              annotations:
                meta.helm.sh/release-name: db
                meta.helm.sh/release-namespace: prod
            spec:
              accessModes: [ReadWriteOnce]
    `,
    parses: 2,
  },
  {
    name: "two keys of an empty flow map: the second waits for the first (its separator depends on it)",
    before: yaml`
      spec:
        strategy: {}
        replicas: 1
    `,
    steps: [set(["spec", "strategy", "type"], "Recreate"), set(["spec", "strategy", "rollingUpdate"], null)],
    after: yaml`
      spec:
        strategy: {type: Recreate, rollingUpdate: null}
        replicas: 1
    `,
    parses: 2,
  },
  {
    name: "a step inside a value another step replaces: the first is spliced, the tree parsed again",
    before: yaml`
      metadata:
        labels:
          app: db
    `,
    steps: [set(["metadata", "labels"], { app: "web" }), set(["metadata", "labels", "tier"], "front")],
    after: yaml`
      metadata:
        labels:
          app: web
          tier: front
    `,
    parses: 2,
  },
  {
    name: "a key of an inner map after a key of its outer map: the outer key's text, not the comment, follows it",
    before: "spec:\n  claim:\n    spec:\n      size: 1\n          # note\n  policy: Parallel\n",
    steps: [set(["spec", "claim", "owner"], "db"), set(["spec", "claim", "spec", "extra"], ["x", "y\nz\n"])],
    after: "spec:\n  claim:\n    spec:\n      size: 1\n      extra:\n        - x\n        - |\n          y\n          z\n    owner: db\n          # note\n  policy: Parallel\n",
    parses: 2,
  },
  {
    name: "a value set just before a removed pair: planned on what follows once the pair is gone (a deeper comment)",
    before: "spec:\n  limit: 1\n  template:\n    a: b\n      # note\n",
    steps: [del(["spec", "template"]), set(["spec", "limit"], ["x", "y\nz\n"])],
    after: 'spec:\n  limit:\n    - x\n    - "y\\nz\\n"\n      # note\n',
    parses: 2,
  },
  {
    name: "anchors: every step is spliced before the next is planned",
    before: yaml`
      metadata:
        labels: &labels
          app: db
      spec:
        selector:
          matchLabels: *labels
    `,
    steps: [set(["metadata", "annotations", "a"], "1"), set(["metadata", "annotations", "b"], "2")],
    after: yaml`
      metadata:
        labels: &labels
          app: db
        annotations:
          a: "1"
          b: "2"
      spec:
        selector:
          matchLabels: *labels
    `,
    parses: 2,
  },
];

function counted(): { parse: typeof parseForEditing; count: () => number } {
  let parses = 0;
  return {
    parse: (text) => {
      parses++;
      return parseForEditing(text);
    },
    count: () => parses,
  };
}

describe("steps spliced together", () => {
  for (const { name, before, steps, after, parses } of cases) {
    it(name, () => {
      const joined = counted();
      const editor = new YamlDocumentEditor(before, joined.parse);
      for (const step of steps) editor.apply(step);
      expect(editor.text).toBe(after);
      expect(joined.count()).toBe(parses);

      const oneByOne = new YamlDocumentEditor(before);
      for (const step of steps) {
        oneByOne.apply(step);
        void oneByOne.text;
      }
      expect(oneByOne.text).toBe(after);
      expectLossless(before, after, steps);
    });
  }

  it("a document with hundreds of independent steps (a List of StatefulSets) is spliced in batches, as one by one would", () => {
    const items = Array.from({ length: 200 }, (_, i) => `  - metadata:\n      name: db-${i}\n      labels:\n        app: db\n        tier: data\n`).join("");
    const before = `kind: List\nitems:\n${items}`;
    const steps = Array.from({ length: 200 }, (_, i) => del(["items", i, "metadata", "labels", "app"]));
    const joined = counted();
    const editor = new YamlDocumentEditor(before, joined.parse);
    for (const step of steps) editor.apply(step);
    const oneByOne = new YamlDocumentEditor(before);
    for (const step of steps) {
      oneByOne.apply(step);
      void oneByOne.text;
    }
    expect(editor.text).toBe(oneByOne.text);
    expect(editor.text).not.toContain("app: db");
    // A batch waits for at most 64 steps (each new one is checked against all waiting): 200 steps, 4 parses.
    expect(joined.count()).toBe(4);
    expectLossless(before, editor.text, steps);
  });

  it("the data follows every step before the text is spliced, and what a reader was given never changes", () => {
    const editor = new YamlDocumentEditor(STATEFULSET_CLAIM);
    editor.apply(del(["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"]));
    const read = editor.get(["spec", "volumeClaimTemplates", 0, "metadata"]);
    editor.apply(set(["spec", "volumeClaimTemplates", 0, "metadata", "annotations", "owner"], "db"));
    editor.apply(set(["spec", "volumeClaimTemplates", 0, "metadata", "labels", "tier"], "data"));
    expect(read).toStrictEqual({ name: "data", labels: { app: "db" } });
    expect(editor.get(["spec", "volumeClaimTemplates", 0, "metadata"])).toStrictEqual({
      name: "data",
      labels: { app: "db", tier: "data" },
      annotations: { owner: "db" },
    });
  });
});
