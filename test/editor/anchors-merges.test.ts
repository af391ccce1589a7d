/**
 * Steps that reach a node through a merge key, or remove a node an alias elsewhere names. The node is made the map's
 * own (the merge written out) or the aliases are written out first, and only when writing them out keeps what YAML 1.1
 * (Kubernetes) and 1.2 read; otherwise the step is refused rather than written wrong.
 */
import { describe, expect, it } from "vitest";
import type { EditStep } from "../../src/core/yaml-editor.js";
import { append, del, edit, editCases, set } from "./support.js";

const MERGED = "base: &b\n  labels:\n    app: db\n  list:\n  - x\nmeta:\n  <<: *b\n  name: db\n";

describe("a step into a node a merge key supplies", () => {
  // The planner stopped where the tree ended and wrote a new `labels` map (hiding the merged labels), or, for a list,
  // a new one-item list; the run-time proof refused the result.
  editCases([
    {
      name: "a label set in merged labels",
      before: MERGED,
      steps: [set(["meta", "labels", "tier"], "data")],
      after: "base: &b\n  labels:\n    app: db\n  list:\n  - x\nmeta:\n  labels:\n    app: db\n    tier: data\n  list:\n    - x\n  name: db\n",
    },
    {
      name: "an item appended to a merged list",
      before: MERGED,
      steps: [append(["meta", "list"], "z")],
      after: "base: &b\n  labels:\n    app: db\n  list:\n  - x\nmeta:\n  labels:\n    app: db\n  list:\n    - x\n    - z\n  name: db\n",
    },
    {
      name: "a label removed from merged labels",
      before: MERGED,
      steps: [del(["meta", "labels", "app"])],
      after: "base: &b\n  labels:\n    app: db\n  list:\n  - x\nmeta:\n  labels: {}\n  list:\n    - x\n  name: db\n",
    },
    {
      name: "a key of the map holding the merge key: written beside it, overriding it",
      before: MERGED,
      steps: [set(["meta", "labels"], { a: "1" })],
      after: "base: &b\n  labels:\n    app: db\n  list:\n  - x\nmeta:\n  <<: *b\n  name: db\n  labels:\n    a: \"1\"\n",
    },
  ]);
});

describe("a node removed or replaced while an alias elsewhere names its anchor", () => {
  // The alias was left naming no node: invalid YAML, refused by the run-time proof.
  editCases([
    {
      name: "an item holding the anchor removed",
      before: "items:\n  - name: a\n    mode: &m 420\n  - name: b\nother:\n  mode: *m\n",
      steps: [del(["items", 0])],
      after: "items:\n  - name: b\nother:\n  mode: 420\n",
    },
    {
      name: "an item holding an anchored map removed, a comment after the map kept (the map's range runs over it)",
      before: "items:\n  - spec: &m\n      x: 1\n          # c\n  - name: b\nother:\n  <<: *m\n  y: 2\n",
      steps: [del(["items", 0])],
      after: "items:\n          # c\n  - name: b\nother:\n  <<: {x: 1}\n  y: 2\n",
    },
    {
      name: "an anchored map replaced",
      before: "items:\n  - name: a\n    labels: &l {app: db}\n  - name: b\nother:\n  labels: *l\n",
      steps: [set(["items", 0, "labels"], { app: "web" })],
      after: "items:\n  - name: a\n    labels: {app: web}\n  - name: b\nother:\n  labels: {app: db}\n",
    },
  ]);
});

describe("writing out what YAML 1.1 and 1.2 read differently is refused", () => {
  // Written out from one version's data, 0644 became 644, which Kubernetes (YAML 1.1, octal) reads as 644, not 420.
  const refused: Array<{ name: string; before: string; steps: EditStep[] }> = [
    { name: "a merged octal mode", before: "base: &b\n  mode: 0644\nmeta:\n  <<: *b\n  name: db\n", steps: [del(["meta", "mode"])] },
    { name: "an aliased map holding an octal mode", before: "defaults: &d {mode: 0644}\nvolume:\n  cfg: *d\n", steps: [set(["volume", "cfg", "x"], 1)] },
    { name: "a merged key YAML 1.1 reads as true", before: "base: &b {v: 2}\nm:\n  <<: *b\n  y: 3\n", steps: [del(["m", "v"])] },
  ];
  for (const { name, before, steps } of refused) {
    it(name, () => {
      // Refused before it is written out (the number 0644, the plain y), or by reading the written text back.
      expect(() => edit(before, steps)).toThrow(/must be written out (first )?hold/);
    });
  }
});

describe("writing out what the yaml package reads otherwise than Kubernetes is refused", () => {
  // Both of the yaml package's readings agree, so only go-yaml tells: 9007199254740993 was written out as
  // 9007199254740992, and the key 1e6 as "1000000" where Kubernetes names it "1e+06".
  const refused: Array<{ name: string; before: string; steps: EditStep[]; because: string }> = [
    {
      name: "an aliased list holding an integer beyond 2^53",
      before: "a: &k [{uid: 9007199254740993}]\nb: *k\n",
      steps: [set(["b", 0, "x"], 1)],
      because: "hold the number 9007199254740993, whose value would be written as 9007199254740992",
    },
    {
      name: "a merged map holding an integer beyond 2^53",
      before: "base: &b\n  k: 9007199254740993\n  v: x\nm:\n  <<: *b\n",
      steps: [del(["m", "v"])],
      because: "hold the number 9007199254740993",
    },
    { name: "an aliased map with a float key", before: "a: &l {1e6: x}\nb:\n  c: *l\n", steps: [set(["b", "c", "y"], "z")], because: "hold the key 1e6, which is no string" },
    { name: "an aliased map with a number written as hex", before: "a: &l {m: 0x1F}\nb:\n  c: *l\n", steps: [set(["b", "c", "y"], "z")], because: "hold the number 0x1F" },
  ];
  for (const { name, before, steps, because } of refused) {
    it(name, () => {
      expect(() => edit(before, steps)).toThrow(because);
    });
  }

  editCases([
    {
      name: "decimal fractions and plain integers are written out as they read",
      before: "a: &r {cpu: 0.5, m: 3, s: db}\nb:\n  c: *r\n",
      steps: [set(["b", "c", "x"], "z")],
      after: "a: &r {cpu: 0.5, m: 3, s: db}\nb:\n  c:\n    cpu: 0.5\n    m: 3\n    s: db\n    x: z\n",
    },
  ]);
});

describe("a `!!str <<` key", () => {
  // The yaml package merges it, Kubernetes' reader does not: written out, the map gave Kubernetes {x: 1} where it read
  // {"<<": {x: 1}}.
  it("is not written out as a merge: the step is refused", () => {
    expect(() => edit("a:\n  !!str <<: {x: 1}\n  b: 2\n", [del(["a", "b"])])).toThrow(/a tagged << key on its way is a merge key to the yaml package/);
  });
});
