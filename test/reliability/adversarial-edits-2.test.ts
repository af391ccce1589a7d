/**
 * Adversarial edits, second set: documents the rules do edit, written the ways renderers and people write YAML
 * (comments everywhere, flow collections over several lines, merge keys and aliases, escapes, JSON, Lists, CRLF with a
 * byte order mark). Each row runs the named rules alone in this process and must give exactly its output; the output is
 * a fixed point, and Kubernetes' reader (k8s-read) reads it as the input with the change records applied.
 */
import { describe, expect, it } from "vitest";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { LIVE_STAGE } from "../../src/live/live-guard.js";
import { RULE_NAMES, type RuleName } from "../../src/rules/rule.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

interface Row {
  /** The rules that run; every other rule is off. */
  rules: RuleName[];
  /** Anything else fixStream takes (release, config, rule options). */
  with?: FixOptions;
  input: string;
  output: string;
  /** Fragments, one per finding, in order. */
  findings?: string[];
}

/** Windows line ends and a UTF-8 byte order mark, as an editor on Windows saves a file. */
const crlfWithMark = (text: string) => `\uFEFF${text.replace(/\n/g, "\r\n")}`;

const ROWS: Record<string, Row> = {
  "comments after keys, between items, deeper and shallower than the keys, and a last line without a line break: the chart label goes with its comment; volumeName and storageClassName go in before the last comment": {
    rules: ["claim-template-labels", "volume-name"],
    with: { ruleOptions: { "volume-name": { bindings: [{ statefulSet: "db", template: "data", volumeName: "pv-1" }], storageClassName: "" } } },
    input: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates: # claims
  # between the key and its first item
    - # the item starts with a comment
      metadata: # meta
        name: data # name
          # a comment deeper than the keys
        labels: # labels
          # before the label
          helm.sh/chart: db-1.0.0 # the chart
          # after the label
          app: db # the app
  # a comment less indented than the item
      spec: # spec
        accessModes: [ReadWriteOnce] # modes
        resources: {requests: {storage: 1Gi}}
# the last line, no line break after it`,
    output: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates: # claims
  # between the key and its first item
    - # the item starts with a comment
      metadata: # meta
        name: data # name
          # a comment deeper than the keys
        labels: # labels
          # before the label
          # after the label
          app: db # the app
  # a comment less indented than the item
      spec: # spec
        accessModes: [ReadWriteOnce] # modes
        resources: {requests: {storage: 1Gi}}
        volumeName: pv-1
        storageClassName: ""
# the last line, no line break after it`,
  },
  "a flow claim template over several lines with trailing commas and comments: labels and annotations edited inside the flow maps, volumeName appended to the flow spec": {
    rules: ["claim-template-labels", "claim-ownership", "volume-name"],
    with: { release: { name: "rel" }, ruleOptions: { "volume-name": { bindings: [{ statefulSet: "db", template: "data", volumeName: "pv-1" }] } } },
    input: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates: [
    {metadata: {name: data, # the name
       labels: {helm.sh/chart: db-1.0.0, app: db,}, # labels
      },
     spec: {accessModes: [ReadWriteOnce,], resources: {requests: {storage: 1Gi}}},
    },
  ]
`,
    output: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates: [
    {metadata: {name: data, # the name
       labels: {app: db, app.kubernetes.io/managed-by: Helm,}, annotations: {meta.helm.sh/release-name: rel, meta.helm.sh/release-namespace: apps}, # labels
      },
     spec: {accessModes: [ReadWriteOnce,], resources: {requests: {storage: 1Gi}}, volumeName: pv-1},
    },
  ]
`,
    findings: ["sets no storageClassName"],
  },
  "a merge key supplying the chart label and strings that go-yaml (YAML 1.1) reads as numbers or booleans when unquoted (0X1F, 0O17, 1e1_0, y): the merge is written out with them quoted": {
    rules: ["claim-template-labels"],
    input: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          <<: {helm.sh/chart: db-1.0.0, hex: "0X1F", octal: "0O17", under: "1e1_0", word: "y"}
          app: db
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    output: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          hex: "0X1F"
          octal: "0O17"
          under: "1e1_0"
          word: "y"
          app: db
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
  },
  "claim template labels that alias the StatefulSet's own labels: the alias is written out without the chart label; the anchored labels stay as they are": {
    rules: ["claim-template-labels"],
    input: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
  labels: &labels
    app: db
    helm.sh/chart: db-1.0.0
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels: *labels
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    output: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
  labels: &labels
    app: db
    helm.sh/chart: db-1.0.0
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          app: db
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
  },
  "a double-quoted script whose escaped line break splits the word delete: the rule reads the value, not the text, and the flag lands after delete": {
    rules: ["idempotent-cleanup"],
    with: { config: { rules: { "idempotent-cleanup": { retries: 0 } } } },
    input: `apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  namespace: apps
  annotations:
    helm.sh/hook: pre-delete
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: cleanup
          image: bitnami/kubectl:1.30
          command:
            - sh
            - -c
            - "kubectl del\\
              ete configmap app --wait=false"
`,
    output: `apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  namespace: apps
  annotations:
    helm.sh/hook: pre-delete
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: cleanup
          image: bitnami/kubectl:1.30
          command:
            - sh
            - -c
            - kubectl delete --ignore-not-found configmap app --wait=false
`,
  },
  "an args-only kubectl image with comments between indentless items: the flag goes after the last argument, before the trailing comment; the delete policy joins the existing one": {
    rules: ["idempotent-cleanup"],
    input: `apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  namespace: apps
  annotations: {helm.sh/hook: "post-delete", helm.sh/hook-delete-policy: hook-succeeded}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: cleanup
          image: registry.k8s.io/kubectl:v1.31.0
          args:
          # kubectl is the entrypoint
          - delete
          - configmap
          - app
          # the end of the arguments
`,
    output: `apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  namespace: apps
  annotations: {helm.sh/hook: "post-delete", helm.sh/hook-delete-policy: "hook-succeeded,before-hook-creation"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: cleanup
          image: registry.k8s.io/kubectl:v1.31.0
          args:
          # kubectl is the entrypoint
          - delete
          - configmap
          - app
          - --ignore-not-found
          # the end of the arguments
`,
  },
  "cronjob-claims mode remove on volumes written with a comment on every line: the mount and the volume go, the comments outside them stay": {
    rules: ["cronjob-claims"],
    with: { config: { rules: { "cronjob-claims": { mode: "remove" } } } },
    input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: apps}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data}]}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
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
          containers:
            - name: backup
              image: backup:1
              volumeMounts: [{name: data, mountPath: /data}]
          # volumes follow
          volumes: # v
            - name: data # n
              persistentVolumeClaim: # pvc
                claimName: backup-scratch # c
            # after the volumes
`,
    output: `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: apps}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data}]}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
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
          containers:
            - name: backup
              image: backup:1
              volumeMounts: []
          # volumes follow
          volumes: []
            # after the volumes
`,
    findings: ["assuming `backup-scratch` does not exist in the cluster"],
  },
  "rwo-rollout mode fix on a Deployment written as JSON over several lines: the strategy is added inside the JSON object": {
    rules: ["rwo-rollout"],
    with: { config: { rules: { "rwo-rollout": { mode: "fix" } } } },
    input: `{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app", "namespace": "apps"},
 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "app"}}, "template": {"metadata": {"labels": {"app": "app"}},
  "spec": {"containers": [{"name": "app", "image": "app:1"}], "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}}}}
---
{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "apps"}, "spec": {"accessModes": ["ReadWriteOnce"]}}
`,
    output: `{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app", "namespace": "apps"},
 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "app"}}, "template": {"metadata": {"labels": {"app": "app"}},
  "spec": {"containers": [{"name": "app", "image": "app:1"}], "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}}, strategy: {type: Recreate, rollingUpdate: null}}}
---
{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "apps"}, "spec": {"accessModes": ["ReadWriteOnce"]}}
`,
  },
  "an anchor in one List item aliased by another item: the anchored labels lose the chart label, the other item's alias is written out with what it read": {
    rules: ["claim-template-labels"],
    input: `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: a, namespace: apps}
  spec:
    serviceName: a
    selector: {matchLabels: {app: a}}
    template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: "a:1"}]}}
    volumeClaimTemplates:
    - metadata:
        name: data
        labels: &claimLabels
          app: a
          helm.sh/chart: a-1.0.0
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
    labels: *claimLabels
`,
    output: `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: a, namespace: apps}
  spec:
    serviceName: a
    selector: {matchLabels: {app: a}}
    template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: "a:1"}]}}
    volumeClaimTemplates:
    - metadata:
        name: data
        labels: &claimLabels
          app: a
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
    labels: {app: a, helm.sh/chart: a-1.0.0}
`,
  },
  "a byte order mark, CRLF line ends and no final line break: every inserted line ends in CRLF and the mark stays": {
    rules: ["claim-template-labels", "claim-ownership", "claim-retention"],
    with: { release: { name: "rel" } },
    input: crlfWithMark(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          helm.sh/chart: db-1.0.0
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}`),
    output: crlfWithMark(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "db:1"}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        annotations:
          meta.helm.sh/release-name: rel
          meta.helm.sh/release-namespace: apps
        labels:
          app.kubernetes.io/managed-by: Helm
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Delete
    whenScaled: Retain
`),
  },
};

function optionsOf(row: Row): FixOptions {
  return { ...row.with, enable: row.rules, disable: RULE_NAMES.filter((name) => !row.rules.includes(name)) };
}

describe("edits on YAML written in unusual but valid ways", () => {
  for (const [name, row] of Object.entries(ROWS)) {
    it(name, async () => {
      const result = await fixStream(row.input, optionsOf(row));
      expect(result.output).toBe(row.output);
      // The note on changed claim templates without --live is unpinned-templates.test.ts's.
      const messages = result.findings.filter((finding) => finding.rule !== LIVE_STAGE).map((finding) => finding.message);
      expect(messages, messages.join("\n")).toHaveLength((row.findings ?? []).length);
      for (const [index, fragment] of (row.findings ?? []).entries()) expect(messages[index]).toContain(fragment);
      const again = await fixStream(result.output, optionsOf(row));
      expect(again.changes).toEqual([]);
      expect(again.output).toBe(result.output);
    });
    it.skipIf(!K8S_READ)(`${name}: Kubernetes reads the output as the input with the change records applied`, async () => {
      const result = await fixStream(row.input, optionsOf(row));
      expect(result.changes.length).toBeGreaterThan(0);
      expect(k8sDifferences(row.input, result.output, result.changes)).toEqual([]);
    });
  }
});
