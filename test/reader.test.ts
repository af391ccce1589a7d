import { describe, expect, it } from "vitest";
import { FixStorageError } from "../src/core/errors.js";
import { sourceComment, splitStream } from "../src/core/stream.js";
import { decodeInput } from "../src/core/text.js";
import { ALL_RULES_OFF, fix, yaml } from "./helpers.js";

const STATEFULSET = yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
    labels:
      helm.sh/chart: db-1.0.0
  spec:
    serviceName: db
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        containers:
          - name: db
            image: db
    volumeClaimTemplates:
      - metadata:
          name: data
          labels:
            app: db
            helm.sh/chart: db-1.0.0
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
`;

/** Each case: a stream the reader must keep byte for byte, with and without rules. */
const CASES: Record<string, string> = {
  "helm 3 documents with # Source comments": `---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n`,
  "no leading separator": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
  "end markers": "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n...\n",
  "comment-only and empty documents": "---\n# nothing here\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n",
  "CRLF line ends": "---\r\n# Source: c/templates/a.yaml\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n",
  "leading BOM": "\uFEFF---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  "JSON documents": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}\n---\n{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"}}\n',
  "flow style": "---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: a, labels: {x: 'y'}}, data: {k: [1, 2]}}\n",
  "anchors and aliases": "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l\n    x: y\n  annotations: *l\n",
  "block scalars and octal-looking values": "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  script: |\n    #!/bin/sh\n    echo --- not a separator\n  mode: 0644\n  folded: >-\n    a\n    b\n",
  "no trailing newline": "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a",
  "comments before the first separator": "# This is an auto-generated file. DO NOT EDIT\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  "a StatefulSet without anything to fix": `---\n# Source: c/templates/sts.yaml\n${STATEFULSET.replace(/\n\s+helm\.sh\/chart: db-1\.0\.0/g, "")}`,
};

describe("reader and writer", () => {
  for (const [name, input] of Object.entries(CASES)) {
    it(`keeps ${name} byte for byte`, async () => {
      const documents = splitStream(input);
      expect(documents.map((doc) => doc.text).join("")).toBe(input);
      expect((await fix(input, ALL_RULES_OFF)).output).toBe(input);
      const withRules = await fix(input, { disable: ["claim-ownership"] });
      expect(withRules.changes).toEqual([]);
      expect(withRules.output).toBe(input);
    });
  }

  it("numbers documents and keeps their first line", () => {
    const documents = splitStream(CASES["comment-only and empty documents"] as string);
    expect(documents.map((doc) => [doc.index, doc.line])).toEqual([
      [1, 1],
      [2, 3],
      [3, 4],
      [4, 9],
    ]);
  });

  it("counts comments before the first --- as part of that document", () => {
    const documents = splitStream(CASES["comments before the first separator"] as string);
    expect(documents).toHaveLength(1);
  });

  it("starts a new document for a bare document after ...", () => {
    const documents = splitStream("a: 1\n...\nb: 2\n");
    expect(documents.map((doc) => doc.text)).toEqual(["a: 1\n...\n", "b: 2\n"]);
  });

  it("reads # Source only from the document header", () => {
    expect(sourceComment("---\n# Source: c/templates/a.yaml\nkind: X\n")).toBe("c/templates/a.yaml");
    expect(sourceComment("---\nkind: X\ndata:\n  x: |\n# Source: not/this.yaml\n")).toBeUndefined();
  });

  it("edits a StatefulSet and keeps every other document and comment", async () => {
    const input = `---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  mode: 0644\n---\n# Source: c/templates/sts.yaml\n${STATEFULSET}`;
    const result = await fix(input, { disable: ["claim-ownership"] });
    expect(result.changes.map((change) => change.path.join("."))).toEqual([
      "spec.volumeClaimTemplates.0.metadata.labels.helm.sh/chart",
    ]);
    expect(result.output).toBe(input.replace("      app: db\n          helm.sh/chart: db-1.0.0\n", "      app: db\n"));
  });

  it("says so when a List holds a List, whose objects the rules never read", async () => {
    const item = STATEFULSET.trimEnd().split("\n").map((line, i) => (i === 0 ? `      - ${line}` : `        ${line}`)).join("\n");
    const input = `# Source: c/templates/lists.yaml\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items:\n${item}\n`;
    const result = await fix(input);
    expect(result.output).toBe(input);
    expect(result.findings.map((finding) => `${finding.severity}: ${finding.message}`)).toEqual([
      "warning: document 1 (c/templates/lists.yaml): items[0] is a List inside a List; fix-storage reads one level of items, so the object in it is left as rendered (list them as items of their own)",
    ]);
  });
});

describe("input decoding", () => {
  it("rejects invalid UTF-8 with the offset", () => {
    expect(() => decodeInput(Buffer.from([0x61, 0x0a, 0xff, 0x62]))).toThrow(/not valid UTF-8 \(first bad byte at offset 2\)/);
  });

  it("rejects NUL bytes with line and column", () => {
    try {
      decodeInput(Buffer.from("a: 1\nb: \0\n"));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FixStorageError);
      expect((error as FixStorageError).location).toEqual({ line: 2, column: 4 });
    }
  });
});

describe("a document after `...` with no `---` before it", () => {
  // Helm's split and kubectl's reader cut only at `---` lines, and read the first document of each piece.
  const STATEFULSET = yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: db
    spec:
      serviceName: db
      volumeClaimTemplates:
        - metadata:
            name: data
            labels:
              helm.sh/chart: db-1.0.0
  `;
  const CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n";

  it("is never read by Kubernetes, so no rule reads or edits it; a warning says why", async () => {
    const input = `${CONFIGMAP}...\n${STATEFULSET}---\n${STATEFULSET}`;
    const result = await fix(input);
    expect(result.output.startsWith(`${CONFIGMAP}...\n${STATEFULSET}---\n`)).toBe(true);
    expect(result.output.slice(`${CONFIGMAP}...\n${STATEFULSET}---\n`.length)).not.toContain("helm.sh/chart");
    expect(result.changes.map((change) => change.object.document)).toEqual([3]);
    expect(result.findings.filter((finding) => finding.rule === "reader").map((finding) => finding.message)).toEqual([
      "document 2 (line 6) follows a `...` end marker with no `---` line before it: Helm and kubectl read only the first document between `---` lines, so Kubernetes never reads it, and fix-storage leaves it as it is (start it with `---`)",
    ]);
  });

  it("with `---` after the `...`, the document is read as usual", async () => {
    const result = await fix(`${CONFIGMAP}...\n---\n${STATEFULSET}`);
    expect(result.changes.map((change) => change.object.document)).toEqual([2]);
    expect(result.findings.filter((finding) => finding.rule === "reader")).toEqual([]);
  });
});
