import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { Json } from "../src/core/render.js";
import { renderString } from "../src/core/render.js";
import { type Path, YamlDocumentEditor } from "../src/core/yaml-editor.js";
import { yaml } from "./helpers.js";

type Step = ["set", Path, Json] | ["delete", Path] | ["append", Path, Json];

function edit(input: string, ...steps: Step[]): string {
  const editor = new YamlDocumentEditor(input);
  for (const step of steps) {
    if (step[0] === "set") editor.set(step[1], step[2]);
    else if (step[0] === "delete") editor.delete(step[1]);
    else editor.append(step[1], step[2]);
  }
  return editor.text;
}

describe("YamlDocumentEditor: block style", () => {
  it("removes a pair and its trailing comment, nothing else", () => {
    const before = yaml`
      labels:
        app: db   # the app
        helm.sh/chart: db-1.0.0  # changes every release
        tier: data
      mode: 0644
    `;
    expect(edit(before, ["delete", ["labels", "helm.sh/chart"]])).toBe(yaml`
      labels:
        app: db   # the app
        tier: data
      mode: 0644
    `);
  });

  it("removes the first key of a sequence item by pulling the next key behind the dash", () => {
    const before = yaml`
      items:
        - name: a
          value: 1
    `;
    expect(edit(before, ["delete", ["items", 0, "name"]])).toBe(yaml`
      items:
        - value: 1
    `);
  });

  it("leaves {} when the last pair of a map goes", () => {
    expect(edit("metadata:\n  labels:\n    a: b\n", ["delete", ["metadata", "labels", "a"]])).toBe("metadata:\n  labels: {}\n");
  });

  it("inserts at the map's own indentation and creates missing maps", () => {
    const before = yaml`
      metadata:
          name: data
      spec:
          x: 1
    `;
    expect(edit(before, ["set", ["metadata", "annotations", "a/b"], "c"])).toBe(yaml`
      metadata:
          name: data
          annotations:
              a/b: c
      spec:
          x: 1
    `);
  });

  it("fills a null map (`labels:`) in place", () => {
    expect(edit("metadata:\n  labels:\n  name: x\n", ["set", ["metadata", "labels", "a"], "b"])).toBe(
      "metadata:\n  labels:\n    a: b\n  name: x\n",
    );
    expect(edit("metadata:\n  labels: null\n", ["set", ["metadata", "labels", "a"], "b"])).toBe("metadata:\n  labels:\n    a: b\n");
  });

  it("adds to an empty flow map (`annotations: {}`)", () => {
    expect(edit("metadata:\n  annotations: {}\n", ["set", ["metadata", "annotations", "a"], "b"])).toBe("metadata:\n  annotations: {a: b}\n");
  });

  it("replaces a scalar and keeps its comment", () => {
    expect(edit("claimName: old  # keep me\n", ["set", ["claimName"], "new"])).toBe("claimName: new  # keep me\n");
  });

  it("writes a multi-line string as a literal block and replaces one", () => {
    const before = yaml`
      args:
        - -c
        - set -e; kubectl delete cm x
      next: 1
    `;
    expect(edit(before, ["set", ["args", 1], "set -e\nkubectl delete cm x\n"])).toBe(yaml`
      args:
        - -c
        - |
          set -e
          kubectl delete cm x
      next: 1
    `);
  });

  it("appends to block and flow sequences", () => {
    expect(edit("a:\n- x\n- y\nb: 1\n", ["append", ["a"], "--z"])).toBe("a:\n- x\n- y\n- --z\nb: 1\n");
    expect(edit("a: [x, y]\n", ["append", ["a"], "z"])).toBe("a: [x, y, z]\n");
  });

  it("appends a map item in block style", () => {
    expect(edit("terms:\n  - a: 1\n", ["append", ["terms"], { b: { c: "d" }, e: 2 }])).toBe("terms:\n  - a: 1\n  - b:\n      c: d\n    e: 2\n");
  });

  it("removes sequence items, and leaves [] for the last", () => {
    const before = yaml`
      volumes:
        - name: a
          emptyDir: {}
        - name: b
          persistentVolumeClaim:
            claimName: b
      x: 1
    `;
    expect(edit(before, ["delete", ["volumes", 1]])).toBe(yaml`
      volumes:
        - name: a
          emptyDir: {}
      x: 1
    `);
    expect(edit(before, ["delete", ["volumes", 1]], ["delete", ["volumes", 0]])).toBe("volumes: []\nx: 1\n");
  });

  it("keeps CRLF line ends in inserted lines", () => {
    expect(edit("metadata:\r\n  name: a\r\n", ["set", ["metadata", "labels", "b"], "c"])).toBe(
      "metadata:\r\n  name: a\r\n  labels:\r\n    b: c\r\n",
    );
  });

  it("adds a final newline only where the document had none", () => {
    expect(edit("metadata:\n  name: a", ["set", ["metadata", "x"], "v"])).toBe("metadata:\n  name: a\n  x: v\n");
  });
});

describe("YamlDocumentEditor: flow style and JSON", () => {
  it("edits inside flow maps without touching neighbours", () => {
    const before = '{"metadata": {"labels": {"a": "b", "helm.sh/chart": "x-1", "c": "d"}}, "mode": 0644}\n';
    expect(edit(before, ["delete", ["metadata", "labels", "helm.sh/chart"]])).toBe(
      '{"metadata": {"labels": {"a": "b", "c": "d"}}, "mode": 0644}\n',
    );
    expect(edit(before, ["delete", ["metadata", "labels", "a"]])).toBe(
      '{"metadata": {"labels": {"helm.sh/chart": "x-1", "c": "d"}}, "mode": 0644}\n',
    );
    expect(edit(before, ["set", ["metadata", "annotations", "k"], "v"])).toBe(
      '{"metadata": {"labels": {"a": "b", "helm.sh/chart": "x-1", "c": "d"}, annotations: {k: v}}, "mode": 0644}\n',
    );
  });
});

describe("YamlDocumentEditor: anchors, aliases and merge keys", () => {
  it("expands an alias on the edited path, so the anchor's other users keep their value", () => {
    const before = "a:\n  labels: &l {x: 1, v: 2}\nb:\n  labels: *l\n";
    const after = edit(before, ["delete", ["b", "labels", "v"]]);
    expect(parse(after)).toEqual({ a: { labels: { x: 1, v: 2 } }, b: { labels: { x: 1 } } });
  });

  it("expands aliases that point at the node being edited", () => {
    const before = "a:\n  labels: &l {x: 1, v: 2}\nb:\n  labels: *l\n";
    const after = edit(before, ["delete", ["a", "labels", "v"]]);
    expect(parse(after)).toEqual({ a: { labels: { x: 1 } }, b: { labels: { x: 1, v: 2 } } });
  });

  it("writes out a merged map before deleting a key that came from the merge", () => {
    const before = "base: &b {x: 1, v: 2}\nm:\n  <<: *b\n  w: 3\n";
    const after = edit(before, ["delete", ["m", "v"]]);
    expect(parse(after, { merge: true })).toEqual({ base: { x: 1, v: 2 }, m: { x: 1, w: 3 } });
  });

  it('a quoted "<<" is an ordinary key, not a merge: its neighbours are edited like any others', () => {
    const before = 'metadata:\n  "<<": x\n  name: a\n  keep: b\n';
    expect(edit(before, ["set", ["metadata", "<<"], "y"], ["delete", ["metadata", "name"]])).toBe('metadata:\n  "<<": "y"\n  keep: b\n');
  });
});

describe("renderString", () => {
  it.each([
    ["plain", "plain"],
    ["yes", '"yes"'],
    ["on", '"on"'],
    ["0644", '"0644"'],
    ["1.0", '"1.0"'],
    ["1e3", '"1e3"'],
    ["null", '"null"'],
    ["~", '"~"'],
    ["", '""'],
    ["a: b", '"a: b"'],
    ["- x", '"- x"'],
    ["#x", '"#x"'],
    ["Helm", "Helm"],
    ["meta.helm.sh/release-name", "meta.helm.sh/release-name"],
    ["--ignore-not-found", "--ignore-not-found"],
  ])("%s → %s", (value, rendered) => {
    expect(renderString(value)).toBe(rendered);
    expect(parse(`k: ${rendered}`, { version: "1.1" }).k).toBe(value);
    expect(parse(`k: ${rendered}`).k).toBe(value);
  });
});
