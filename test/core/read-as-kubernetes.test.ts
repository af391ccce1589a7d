/**
 * YAML that Kubernetes' reader (go-yaml, YAML 1.1) and the yaml package read differently, where no edit can be shown
 * safe: a merge key (<<) after a key it also sets, which go-yaml lets win and the YAML merge rule does not; and the
 * characters YAML 1.1 alone reads as line breaks (NEL, LS, PS, a lone CR), which can end a comment and reveal a key.
 * Rules read such a document as Kubernetes does (merges) or as written, and leave it as rendered, with a warning.
 */
import { describe, expect, it } from "vitest";
import { ManifestStream } from "../../src/core/manifest.js";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { RULE_NAMES, type RuleName } from "../../src/rules/rule.js";
import { K8S_READ, k8sRead } from "../k8s-read.js";

const only = (...rules: RuleName[]): FixOptions => ({
  enable: rules,
  disable: RULE_NAMES.filter((name) => !rules.includes(name)),
});

const claimTemplate = (labels: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: apps}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: "db:1"}]}}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
${labels}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

interface Row {
  input: string;
  rules: RuleName[];
  /** The claim template's labels as both Kubernetes and the rules read them. */
  labels: Record<string, string>;
  /** The warning, or none: then the output is `edited`. */
  warning?: string;
  /** Read as Kubernetes reads it (an overriding merge): no "reader" finding, since the reading is certain. */
  readAsKubernetes?: boolean;
  edited?: string;
}

const ROWS: Record<string, Row> = {
  "a merge key after a key it sets: Kubernetes reads the merged value, so the document is left as rendered": {
    input: claimTemplate("          app: db\n          <<: {app: other}\n          helm.sh/chart: db-1.0.0"),
    rules: ["claim-template-labels"],
    labels: { app: "other", "helm.sh/chart": "db-1.0.0" },
    readAsKubernetes: true,
    warning:
      "StatefulSet apps/db: left as rendered: the merge key (<<) at line 13, column 11 sets a key its map set before it; Kubernetes reads the merged value there, the YAML merge rule the map's own, so no edit can be shown safe (put the merge key before the keys it may override)",
  },
  "a merge of an anchored map in a list, the first map named winning, after a key both set": {
    input: `${claimTemplate("          app: db\n          <<: [*first, *second]\n          helm.sh/chart: db-1.0.0")}`.replace(
      "metadata: {name: db, namespace: apps}",
      "metadata: {name: db, namespace: apps, annotations: {a: &first {app: one}, b: &second {app: two, tier: gold}}}",
    ),
    rules: ["claim-template-labels"],
    labels: { app: "one", tier: "gold", "helm.sh/chart": "db-1.0.0" },
    readAsKubernetes: true,
    warning: "the merge key (<<) at line 13, column 11 sets a key its map set before it",
  },
  "a merge key with a tag (!!merge on another key), which go-yaml does not take for a merge": {
    input: claimTemplate("          app: db\n          !!merge other: {app: other}\n          helm.sh/chart: db-1.0.0"),
    rules: ["claim-template-labels"],
    labels: { app: "db", "helm.sh/chart": "db-1.0.0" },
    warning:
      "StatefulSet apps/db: left as rendered: it holds a merge key written with a tag, or in a map with a key that is no plain scalar (an alias), which Kubernetes' reader and this one may read differently (line 13, column 19)",
  },
  "a merge key in a map with an alias for a key": {
    input: claimTemplate("          *k : db\n          <<: {app: other}\n          helm.sh/chart: db-1.0.0").replace("  serviceName: db", "  serviceName: &k app"),
    rules: ["claim-template-labels"],
    // As the yaml package reads it (go-yaml: app is other); nothing is edited, so the difference reaches no output.
    labels: { app: "db", "helm.sh/chart": "db-1.0.0" },
    warning: "a merge key written with a tag, or in a map with a key that is no plain scalar (an alias)",
  },
  "a merge key before the keys it sets reads alike to both, and is edited as usual": {
    input: claimTemplate("          <<: {app: other, tier: gold}\n          app: db\n          helm.sh/chart: db-1.0.0"),
    rules: ["claim-template-labels"],
    labels: { app: "db", tier: "gold", "helm.sh/chart": "db-1.0.0" },
    edited: claimTemplate("          app: db\n          tier: gold"),
  },
  "a raw LS ends a comment for Kubernetes and reveals a label": {
    input: claimTemplate("          helm.sh/chart: db-1.0.0 # chart\u2028          tier: gold"),
    rules: ["claim-template-labels"],
    labels: { "helm.sh/chart": "db-1.0.0" },
    warning:
      "StatefulSet apps/db: left as rendered: it holds a raw U+2028, a line break to Kubernetes' YAML 1.1 reader but not to YAML 1.2 (line 12, column 42), so no edit can be shown safe (write it escaped in a double-quoted string, or remove it)",
  },
  "a carriage return not followed by a line feed, in a comment": {
    input: claimTemplate("          helm.sh/chart: db-1.0.0 # chart\r          tier: gold"),
    rules: ["claim-template-labels"],
    labels: { "helm.sh/chart": "db-1.0.0" },
    warning: "it holds a raw carriage return not followed by a line feed, a line break to Kubernetes' reader that this one does not always take as one (line 12, column 42)",
  },
  "a raw NEL in a quoted label value, which YAML 1.1 folds to a space": {
    input: claimTemplate('          helm.sh/chart: db-1.0.0\n          note: "a\u0085b"'),
    rules: ["claim-template-labels"],
    labels: { "helm.sh/chart": "db-1.0.0", note: "a\u0085b" },
    warning: "it holds a raw U+0085, a line break to Kubernetes' YAML 1.1 reader but not to YAML 1.2 (line 13, column 19)",
  },
  "an escaped line break before an empty line in a double-quoted value: a line feed to Kubernetes, a space here": {
    input: claimTemplate('          helm.sh/chart: db-1.0.0\n          note: "a\\\n\n            b"'),
    rules: ["claim-template-labels"],
    // As the yaml package reads it; go-yaml (and YAML's l-empty rule) reads "a\nb".
    labels: { "helm.sh/chart": "db-1.0.0", note: "a b" },
    warning:
      "it holds a double-quoted string whose escaped line break (a \\ ending the line) is followed by an empty line, which Kubernetes' reader keeps as a line break and this one reads as a space (line 13, column 19)",
  },
  "an escaped backslash before the line break is no escaped line break: read alike, edited": {
    input: claimTemplate('          helm.sh/chart: db-1.0.0\n          note: "a\\\\\n\n            b"'),
    rules: ["claim-template-labels"],
    labels: { "helm.sh/chart": "db-1.0.0", note: "a\\\nb" },
    edited: claimTemplate('          note: "a\\\\\n\n            b"'),
  },
};

describe("YAML Kubernetes reads differently: read as Kubernetes (merges), left as rendered, with a warning", () => {
  for (const [name, row] of Object.entries(ROWS)) {
    it(name, async () => {
      const [object] = new ManifestStream(row.input).objects(["StatefulSet"]);
      expect(object?.get(["spec", "volumeClaimTemplates", 0, "metadata", "labels"])).toEqual(row.labels);
      const result = await fixStream(row.input, only(...row.rules));
      if (row.warning === undefined) {
        expect(result.output).toBe(row.edited);
        expect(result.findings.filter((finding) => finding.severity === "warning")).toEqual([]);
      } else {
        expect(result.output).toBe(row.input);
        expect(result.changes).toEqual([]);
        const [refusal, ...rest] = result.findings;
        expect([refusal?.severity, refusal?.message]).toEqual(["warning", expect.stringContaining(row.warning)]);
        // Once read, a document Kubernetes may read otherwise is also reported on its own (rule "reader").
        expect(rest.map((finding) => finding.rule)).toEqual(row.readAsKubernetes ? [] : ["reader"]);
      }
    });
  }

  it("a document Kubernetes may read otherwise stops every edit, earlier stages' too: the outcome does not depend on which rule read it first", async () => {
    // Kubernetes reads this claim as ReadWriteMany (the NEL ends the comment); the rules would read ReadWriteOnce.
    const input = `${claimTemplate("          helm.sh/chart: db-1.0.0")}---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: apps}
spec:
  resources: {requests: {storage: 1Gi}}
  accessModes: [ReadWriteOnce] # access modes\u0085  accessModes: [ReadWriteMany]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  replicas: 1
  strategy:
    type: RollingUpdate
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: i}]
      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
`;
    const result = await fixStream(input, { ...only("claim-template-labels", "rwo-rollout"), ruleOptions: { "rwo-rollout": { mode: "fix" } } });
    // claim-template-labels ran before anything read the claim; rwo-rollout's edit rests on the claim. Neither stands.
    expect(result.changes).toEqual([]);
    expect(result.output).toBe(input);
    expect(result.findings.filter((finding) => finding.rule !== "reader" && finding.rule !== "live-state").map((finding) => finding.message)).toEqual([
      "Deployment apps/web: left as rendered: document 2 holds a raw U+0085, a line break to Kubernetes' YAML 1.1 reader but not to YAML 1.2 (line 20, column 46), so what the rules read from it may not be what Kubernetes reads (write it escaped in a double-quoted string, or remove it)",
    ]);
    expect(result.findings.map((finding) => finding.message)).toContainEqual(
      expect.stringContaining("the change that rules made before a later rule read the document below is undone, so nothing is edited: document 2 holds a raw U+0085"),
    );
  });

  describe("a kind line that is not the document's kind", () => {
    /** A Deployment on claim data, the claim, a claim backup-scratch in flow style, and a CronJob on backup-scratch. */
    const flow = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts: [{name: data, mountPath: /data}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: backup-scratch, annotations: {note: "a
kind: ConfigMap
b"}}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: backup:1
              volumeMounts: [{name: data, mountPath: /data}]
          volumes:
            - name: data
              persistentVolumeClaim: {claimName: backup-scratch}
`;
    /** The claim `backup-scratch`, which Kubernetes reads, written so that one column-0 line says ConfigMap. */
    const FLOW_CLAIM = `${flow.slice(flow.indexOf("{apiVersion"), flow.indexOf("---\napiVersion: batch/v1"))}`;
    const stream = (claim: string) => flow.replace(FLOW_CLAIM, claim);

    it("a flow document whose quoted value spans a column-0 kind: ConfigMap line is read: it is the claim the CronJob mounts", async () => {
      const input = stream(FLOW_CLAIM);
      const result = await fixStream(input, { ...only("cronjob-claims"), ruleOptions: { "cronjob-claims": { mode: "share" } } });
      expect(result.output).toBe(input);
      expect(result.changes).toEqual([]);
    });

    it("a NEL inside the kind line's comment (a second kind key to Kubernetes) stops the edits that would rest on it", async () => {
      const claim = "apiVersion: v1\nkind: ConfigMap # generated\u0085kind: PersistentVolumeClaim\nmetadata: {name: backup-scratch}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
      const input = stream(claim);
      const result = await fixStream(input, { ...only("cronjob-claims"), ruleOptions: { "cronjob-claims": { mode: "share" } } });
      expect(result.output).toBe(input);
      expect(result.findings.map((finding) => finding.message)).toContain(
        "CronJob backup: left as rendered: document 3 holds a raw U+0085, a line break to Kubernetes' YAML 1.1 reader but not to YAML 1.2 (line 30, column 28), so what the rules read from it may not be what Kubernetes reads (write it escaped in a double-quoted string, or remove it)",
      );
    });

    it("a plain ConfigMap that only mentions PersistentVolumeClaim is still not read", async () => {
      const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  text: |\n    a PersistentVolumeClaim named backup-scratch\n";
      const input = stream(configMap);
      const manifests = new ManifestStream(input);
      expect(manifests.objects(["PersistentVolumeClaim"]).map((object) => object.name)).toEqual(["data"]);
      expect(manifests.parsedDocuments().map((doc) => doc.raw.index)).toEqual([2]);
      const result = await fixStream(input, { ...only("cronjob-claims"), ruleOptions: { "cronjob-claims": { mode: "share" } } });
      expect(result.changes.map((change) => change.rule)).toEqual(["cronjob-claims", "cronjob-claims"]);
    });
  });

  it("a merge key spelled with a URI escape in its tag (!!m%65rge) is reported, though nothing is edited", async () => {
    const input = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  strategy: {!!m%65rge x: {type: Recreate}}
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts: [{name: data, mountPath: /data}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;
    const result = await fixStream(input, only("rwo-rollout"));
    expect(result.output).toBe(input);
    expect(result.findings.map((finding) => [finding.rule, finding.severity])).toEqual([["reader", "warning"]]);
    expect(result.findings[0]?.message).toContain("document 1 holds a merge key written with a tag");
  });

  it.skipIf(!K8S_READ)("k8s-read reads the merges as the rules do", () => {
    for (const row of Object.values(ROWS).filter((each) => each.input.includes("<<") && !each.input.includes("*k"))) {
      const [document] = k8sRead(row.input).documents as Array<{ spec: { volumeClaimTemplates: Array<{ metadata: { labels: unknown } }> } }>;
      expect(document?.spec.volumeClaimTemplates[0]?.metadata.labels).toEqual(row.labels);
    }
  });

  it("a CronJob takes its pod affinity from the selector Kubernetes reads, through an overriding merge", async () => {
    const input = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: apps}
spec:
  selector:
    matchLabels:
      app: app
      <<: {app: other}
  template:
    metadata:
      labels: {app: other}
    spec:
      containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data}]}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: backup-scratch}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: apps}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: apps}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: "backup:1", volumeMounts: [{name: data, mountPath: /data}]}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: backup-scratch}}]
`;
    const result = await fixStream(input, { ...only("cronjob-claims"), ruleOptions: { "cronjob-claims": { mode: "share" } } });
    const affinity = result.changes.find((change) => change.path.includes("podAffinity"));
    expect(affinity?.after).toEqual([{ labelSelector: { matchLabels: { app: "other" } }, topologyKey: "kubernetes.io/hostname" }]);
  });
});

describe("a plain key YAML 1.1 reads as another (on, yes: booleans to Kubernetes): its document is left as rendered", () => {
  const cases: Array<[string, string]> = [
    ["in a block map", "          helm.sh/chart: db-1.0.0\n          on: db"],
    ["in a flow map", "          {helm.sh/chart: db-1.0.0, yes: db}"],
    ["beside the key Kubernetes reads it as (a key twice, to Kubernetes)", '          helm.sh/chart: db-1.0.0\n          on: db\n          "true": keep'],
    ["in a document the parser reads (an anchor)", "          helm.sh/chart: &c db-1.0.0\n          on: *c"],
  ];
  it.each(cases)("%s", async (_, labels) => {
    const input = claimTemplate(labels);
    const result = await fixStream(input, only("claim-template-labels"));
    expect(result.output).toBe(input);
    expect(result.changes).toEqual([]);
    expect(result.findings.map((finding) => finding.message)).toEqual([
      expect.stringMatching(/^StatefulSet apps\/db: left as rendered: the key "(?:on|yes)" at line 1[23], column \d+ is another key to Kubernetes' YAML 1\.1 reader than to this one/),
    ]);
  });

  it("a quoted one reads alike, and is edited", async () => {
    const result = await fixStream(claimTemplate('          helm.sh/chart: db-1.0.0\n          "on": db'), only("claim-template-labels"));
    expect(result.changes.map((change) => change.op)).toEqual(["delete"]);
  });
});

describe("a plain key YAML 1.1 reads otherwise, in a List: only the item that holds it is left as rendered", () => {
  const list = (configMapData: string, labels: string) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
  data: ${configMapData}
${claimTemplate(labels)
  .replace(/^/gm, "  ")
  .replace(/^ {2}apiVersion/, "- apiVersion")
  .trimEnd()}
`;

  it("in another item: the StatefulSet is edited", async () => {
    const result = await fixStream(list('{y: "x"}', "          helm.sh/chart: db-1.0.0"), only("claim-template-labels"));
    expect(result.changes.map((change) => `${change.object.item} ${change.op}`)).toEqual(["1 delete"]);
    expect(result.findings.filter((finding) => finding.severity === "warning")).toEqual([]);
  });

  it("in the StatefulSet's own item: it is left as rendered, naming the key as written", async () => {
    const result = await fixStream(list('{a: "x"}', "          helm.sh/chart: db-1.0.0\n          12:30: x"), only("claim-template-labels"));
    expect(result.changes).toEqual([]);
    expect(result.findings.map((finding) => finding.message)).toEqual([expect.stringContaining('left as rendered: the key "12:30" at line 20, column 13')]);
  });
});
