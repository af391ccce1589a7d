/**
 * A stage's edits that cannot be made safely leave the document as the stage found it, with a warning, and the run
 * goes on: a refused write-out of aliases, and edits that would change the block scalar a document ends with as Helm
 * reads it when it cuts the stream at each `---` (releaseutil.SplitManifests: hooks, and k8s-read). Judged by k8s-read
 * on the streams as they are (not isolated), so the cut is in the comparison.
 */
import { describe, expect, it } from "vitest";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

const CONFIGMAP = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n";
const OWNED = { release: { name: "rel", namespace: "apps" } };

/** StatefulSet `name` whose claim template's metadata is `metadata` (literal, after `name: data`), ending the document. */
const endingInTemplateMetadata = (metadata: string, name = "db") => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:
  serviceName: ${name}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: busybox}]}
  volumeClaimTemplates:
    - spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      metadata:
        name: data
${metadata}`;

interface Row {
  with?: FixOptions;
  input: string;
  /** Absent: the output is the input, byte for byte. */
  output?: string;
  /** Fragments of the warnings, in order. */
  warnings: string[];
}

const table: Record<string, Row> = {
  "a delete that would leave a block scalar last in the document: left as found (Helm's cut would drop its line break)": {
    with: { disable: ["claim-ownership"] },
    input: endingInTemplateMetadata("        annotations:\n          note: |\n            hello\n        labels:\n          helm.sh/chart: db-1.0.0\n") + CONFIGMAP,
    warnings: ["StatefulSet db: left as claim-template-labels found it: the edits would change the last block scalar of the document"],
  },
  "annotations added after a block scalar that ends the document: left as found": {
    with: { ...OWNED, disable: ["claim-template-labels"] },
    input: endingInTemplateMetadata("        labels:\n          app: db\n        annotations:\n          note: |\n            hello\n") + CONFIGMAP,
    warnings: ["StatefulSet db: left as claim-ownership found it: the edits would change the last block scalar"],
  },
  "a block scalar that stays last: edited, and Helm's cut reads it as before": {
    with: { disable: ["claim-ownership"] },
    input: endingInTemplateMetadata("        labels:\n          app: db\n          helm.sh/chart: db-1.0.0\n        annotations:\n          note: |\n            hello\n") + CONFIGMAP,
    output: endingInTemplateMetadata("        labels:\n          app: db\n        annotations:\n          note: |\n            hello\n") + CONFIGMAP,
    warnings: [],
  },
  "a comment after the block scalar keeps its line break through the cut: edited": {
    with: { disable: ["claim-ownership"] },
    input: endingInTemplateMetadata("        annotations:\n          note: |\n            hello\n        labels:\n          helm.sh/chart: db-1.0.0\n# end\n") + CONFIGMAP,
    output: endingInTemplateMetadata("        annotations:\n          note: |\n            hello\n# end\n") + CONFIGMAP,
    warnings: [],
  },
  "an alias write-out would quote a value only Kubernetes reads as a number (0X1F is 31 to it): left as found": {
    with: { disable: ["claim-ownership"] },
    input: endingInTemplateMetadata("        labels: *l\n").replace("metadata:\n  name: db\n", "metadata:\n  name: db\n  labels: &l\n    build: 0X1F\n    helm.sh/chart: db-1.0.0\n"),
    warnings: ["left as claim-template-labels found it: cannot edit spec.volumeClaimTemplates[0].metadata.labels[\"helm.sh/chart\"]"],
  },
  "a refused step undoes the stage's other edits to that document, and only there": {
    with: { disable: ["claim-ownership"] },
    input:
      endingInTemplateMetadata("        labels: *l\n")
        .replace("metadata:\n  name: db\n", "metadata:\n  name: db\n  labels: &l\n    legacy: yes\n    helm.sh/chart: db-1.0.0\n")
        .replace("  volumeClaimTemplates:\n", "  volumeClaimTemplates:\n    - metadata: {name: logs, labels: {helm.sh/chart: db-1.0.0}}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n") +
      endingInTemplateMetadata("        labels: {helm.sh/chart: db-1.0.0}\n", "other"),
    output:
      endingInTemplateMetadata("        labels: *l\n")
        .replace("metadata:\n  name: db\n", "metadata:\n  name: db\n  labels: &l\n    legacy: yes\n    helm.sh/chart: db-1.0.0\n")
        .replace("  volumeClaimTemplates:\n", "  volumeClaimTemplates:\n    - metadata: {name: logs, labels: {helm.sh/chart: db-1.0.0}}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n") +
      endingInTemplateMetadata("", "other"),
    warnings: ["StatefulSet db: left as claim-template-labels found it: cannot edit spec.volumeClaimTemplates[1].metadata.labels"],
  },
  "a refused item of a List leaves the List as found, and the warning names the other items left with it": {
    with: { disable: ["claim-ownership"] },
    input: `---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: one
      labels: &l
        legacy: yes
        helm.sh/chart: db-1.0.0
    spec:
      serviceName: one
      volumeClaimTemplates:
        - metadata: {name: data, labels: *l}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: two
    spec:
      serviceName: two
      volumeClaimTemplates:
        - metadata: {name: data, labels: {helm.sh/chart: db-1.0.0}}
${CONFIGMAP}`,
    warnings: ["hold the plain scalar yes, which YAML 1.1 (Kubernetes) reads as another type than a string; so are the other object of its document that claim-template-labels would edit (StatefulSet two)"],
  },
};

describe("edits a stage cannot make safely leave the document as the stage found it", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const result = await fixStream(row.input, row.with ?? {});
      expect(result.output).toBe(row.output ?? row.input);
      const warnings = result.findings.filter((finding) => finding.severity === "warning").map((finding) => finding.message);
      expect(warnings, warnings.join("\n")).toHaveLength(row.warnings.length);
      for (const [index, fragment] of row.warnings.entries()) expect(warnings[index]).toContain(fragment);
      if (row.output === undefined) expect(result.changes).toEqual([]);
      if (K8S_READ) expect(k8sDifferences(row.input, result.output, result.changes, "split")).toEqual([]);
    });
  }
});

describe("an edit of the value that holds the block scalar ending the document", () => {
  // A cleanup hook as charts write it: the script, a block scalar, is the document's last node.
  const hook = (script: string) => `---
apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  annotations:
    helm.sh/hook: pre-delete
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: kubectl
          image: bitnami/kubectl:1.30
          command:
            - /bin/sh
            - -c
            - |
              ${script}
`;

  it("is made: the script Helm's cut reads loses its last line break as the one it replaces did", async () => {
    const input = hook("kubectl delete pvc data-0") + CONFIGMAP;
    const result = await fixStream(input, { enable: ["idempotent-cleanup"] });
    expect(result.findings.filter((finding) => finding.severity === "warning")).toEqual([]);
    expect(result.output).toContain("kubectl delete --ignore-not-found pvc data-0\n---\n");
    if (!K8S_READ) return;
    expect(k8sDifferences(input, result.output, result.changes)).toEqual([]);
    // Cut as Helm cuts it, the script reads without its last line break, before and after alike: nothing else differs.
    const [difference, ...others] = k8sDifferences(input, result.output, result.changes, "split");
    expect(others).toEqual([]);
    expect(difference).toMatch(/^document 1: at spec\.template\.spec\.containers\[0\]\.command\[\d+\] Kubernetes reads "kubectl delete --ignore-not-found pvc data-0", expected "kubectl delete --ignore-not-found pvc data-0\\n"$/);
  });
});
