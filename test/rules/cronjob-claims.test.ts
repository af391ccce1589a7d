import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseLiveState } from "../../src/live/live-state.js";
import { example, fix } from "../helpers.js";
import { optionsFor, type Row, runTable } from "./table.js";

/** A Deployment `app` mounting claim `claim` at /data; `metadata` is literal text after `name: app`. */
const app = (metadata = "", claim = "data", selector = "    matchLabels: {app: app}\n") => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
${metadata}spec:
  selector:
${selector}  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts: [{name: data, mountPath: /data}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: ${claim}}
`;

/** A CronJob `backup` mounting `volume` at /data; `after` is literal text after its volumes (an affinity). */
const backup = (metadata = "", volume = "persistentVolumeClaim: {claimName: backup-scratch}", after = "") => `---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
${metadata}spec:
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
              ${volume}
${after}`;

const pvc = (name: string, modes = "[ReadWriteOnce]", metadata = "") => `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
${metadata}spec:
  accessModes: ${modes}
  resources: {requests: {storage: 1Gi}}
`;

/** A StatefulSet `db` with `replicas` replicas and claim template `data` mounted at /data. */
/** A HorizontalPodAutoscaler that runs StatefulSet db with 1 to 3 replicas. */
const HPA_DB =
  "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: db\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}\n  minReplicas: 1\n  maxReplicas: 3\n";

const db = (replicas: number) => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: ${replicas}
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: db:1
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

/** The CronJob `backup` as a plain Job: the same pod template, two levels up. */
const jobOf = (cronJob: string) =>
  cronJob
    .replace("kind: CronJob", "kind: Job")
    .replace('  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n', "")
    .split("\n")
    .map((line) => (/^ {6}/.test(line) ? line.slice(4) : line))
    .join("\n");

const SHARED = "persistentVolumeClaim: {claimName: data}";
const coLocated = (labels: string) => `          affinity:
            podAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                - labelSelector:
                    matchLabels:
${labels}                  topologyKey: kubernetes.io/hostname
`;
const WITH_APP = coLocated("                      app: app\n");
const ASSUMING = "CronJob backup: assuming `backup-scratch` does not exist in the cluster; pass --live to check";
/** A claim the stream does not render gets the assumed access mode, and a warning says so. */
const ASSUMED = "the stream does not render the claim, so its access mode is assumed ReadWriteOnce (cronjob-claims.accessMode)";

/** --live state: the claims the cluster has, in namespace `apps`. */
const cluster = (...claims: string[]) => ({
  // kubectl prints an empty List when it finds nothing.
  state: parseLiveState(claims.map((name) => pvc(name, "[ReadWriteOnce]", "  namespace: apps\n")).join("") || "apiVersion: v1\nkind: List\nitems: []\n", "live.yaml"),
  mode: "pin" as const,
});
const IN_APPS = "  namespace: apps\n";
/** A required podAffinity by hostname to the Deployment's own pods: its replicas share one node. */
const OWN_AFFINITY = "      affinity:\n        podAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname}\n";
/** Deployment `app` whose selector comes last, its value a block scalar: the document ends in it. */
const SELECTOR_LAST = app().replace("  selector:\n    matchLabels: {app: app}\n", "") + "  selector:\n    matchLabels:\n      app: |\n        app\n";

const table: Record<string, Row> = {
  "share: a claim nothing creates, at the path where the Deployment mounts its claim, becomes that claim; co-located; the assumption said": {
    input: app() + pvc("data") + backup(),
    output: app() + pvc("data") + backup("", SHARED, WITH_APP),
    findings: [`${ASSUMING} (if it exists, set cronjob-claims.claims: {backup-scratch: backup-scratch} to keep it)`],
  },
  "share: one directory written with and without a trailing slash is the same mount path": {
    input: app().replace("mountPath: /data}", "mountPath: /data/}") + pvc("data") + backup(),
    output: app().replace("mountPath: /data}", "mountPath: /data/}") + pvc("data") + backup("", SHARED, WITH_APP),
    findings: [`${ASSUMING} (if it exists, set cronjob-claims.claims: {backup-scratch: backup-scratch} to keep it)`],
  },
  "a Job that is not a Helm hook is never edited (its pod template is immutable): a warning says what it needs": {
    input: app() + pvc("data") + jobOf(backup()),
    findings: [
      "Job backup: assuming `backup-scratch` does not exist in the cluster",
      "Job backup is not a Helm hook, so it is left alone: a Job's pod template cannot change, and an edited one would make every later upgrade of an existing release fail. What it needs: nothing in the stream creates claim backup-scratch, and Deployment app mounts data at the same path /data; the Job's pods would stay Pending; it should share data;",
    ],
  },
  "a hook Job inside a List is no hook to Helm: left alone, with why": {
    input: `${app()}${pvc("data")}---\napiVersion: v1\nkind: List\nitems:\n${jobOf(backup("  annotations:\n    helm.sh/hook: pre-upgrade\n"))
      .replace(/^---\n/, "")
      .split("\n")
      .map((line, index) => (line === "" ? line : `${index === 0 ? "- " : "  "}${line}`))
      .join("\n")}`,
    findings: [
      "Job backup: assuming `backup-scratch` does not exist in the cluster",
      "Job backup is not a Helm hook (its helm.sh/hook is on an item of a List, and Helm reads hooks only from a document's own metadata), so it is left alone",
    ],
  },
  "--live does not change that: a release Job is never edited (its next upgrade would depend on the cluster)": {
    with: { live: cluster("data") },
    input: app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + jobOf(backup(IN_APPS)),
    findings: ["Job apps/backup is not a Helm hook, so it is left alone"],
  },
  "a hook Job is edited like a CronJob": {
    input: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: post-install}\n")),
    output: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: post-install}\n", SHARED, WITH_APP)),
    findings: ["Job backup: assuming `backup-scratch` does not exist in the cluster"],
  },
  "a pre-install hook Job runs before the workload has pods: shared, and no podAffinity that would leave it Pending": {
    input: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: pre-install}\n")),
    output: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: pre-install}\n", SHARED)),
    findings: [
      "Job backup: assuming `backup-scratch` does not exist in the cluster",
      "Job backup shares ReadWriteOnce claim data with Deployment app, but runs as a pre-install hook, when Deployment app may have no pods: a required podAffinity would leave it Pending there, so none is added",
    ],
  },
  "a post-delete hook Job runs after the workload's pods are gone: no podAffinity either": {
    input: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: post-delete}\n", SHARED)),
    findings: ["Job backup shares ReadWriteOnce claim data with Deployment app, but runs as a post-delete hook"],
  },
  "a hook Job of pre-install and post-upgrade: no podAffinity, and a warning for the phase where the pods run": {
    input: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: 'Pre-Install, post-upgrade'}\n", SHARED)),
    findings: [
      "but runs as a pre-install hook, when Deployment app may have no pods: a required podAffinity would leave it Pending there, so none is added; as a post-upgrade hook it may wait for the volume on another node (run those phases as a Job of their own with a podAffinity in the chart, or set cronjob-claims.coLocate: false)",
    ],
  },
  "a pre-upgrade hook Job beside a StatefulSet --live shows running: co-located, its pods exist": {
    with: { live: { state: parseLiveState(db(1).replace("  name: db\n", "  name: db\n  namespace: apps\n"), "live.yaml"), mode: "pin" } },
    input: db(1).replace("  name: db\n", "  name: db\n  namespace: apps\n") + jobOf(backup("  namespace: apps\n  annotations: {helm.sh/hook: pre-upgrade}\n")),
    output:
      db(1).replace("  name: db\n", "  name: db\n  namespace: apps\n") +
      jobOf(backup("  namespace: apps\n  annotations: {helm.sh/hook: pre-upgrade}\n", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n"))),
  },
  "a pre-upgrade hook Job may run before a workload new in the version it brings has pods: no podAffinity": {
    input: app() + pvc("data") + jobOf(backup("  annotations: {helm.sh/hook: pre-upgrade}\n", SHARED)),
    findings: ["but runs as a pre-upgrade hook, when Deployment app may have no pods"],
  },
  "the workload's selector also selects a StatefulSet's pods that do not mount the claim: no podAffinity, said so": {
    input: app() + pvc("data") + db(1).replaceAll("{app: db}", "{app: app}") + backup("", SHARED),
    findings: [
      'CronJob backup shares ReadWriteOnce claim data with Deployment app, but its selector\'s matchLabels {"app":"app"} also select the pods of StatefulSet db, which do not mount the claim: a podAffinity by them could put the Job beside the wrong pod, so none is added (give the Job a required podAffinity in the chart by labels only Deployment app\'s pods have, or set cronjob-claims.coLocate: false)',
    ],
  },
  "the same StatefulSet in another namespace is no concern: co-located": {
    input: app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + db(1).replaceAll("{app: db}", "{app: app}").replace("  name: db\n", "  name: db\n  namespace: other\n") + backup(IN_APPS, SHARED),
    output:
      app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + db(1).replaceAll("{app: db}", "{app: app}").replace("  name: db\n", "  name: db\n  namespace: other\n") + backup(IN_APPS, SHARED, WITH_APP),
  },
  "a workload at replicas 0 has no pods to run beside: no podAffinity, a warning naming coLocate": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 0\n  selector:") + pvc("data") + backup("", SHARED),
    findings: [
      "CronJob backup shares ReadWriteOnce claim data with Deployment app, which may run no pods (its spec.replicas is 0): a required podAffinity would leave the Job Pending whenever it has none, so none is added; while it has pods, the Job may wait for the volume on another node (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)",
    ],
  },
  "a KEDA ScaledObject with no minReplicaCount may scale the workload to 0 (KEDA's default): no podAffinity": {
    input: app() + pvc("data") + backup("", SHARED) + "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {name: app}\n",
    findings: ["which may run no pods (ScaledObject app may scale it to 0)"],
  },
  "an autoscaler that keeps at least one replica: co-located as before": {
    input: app() + pvc("data") + backup("", SHARED) + "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {name: app}\n  minReplicaCount: 1\n",
    output: app() + pvc("data") + backup("", SHARED, WITH_APP) + "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {name: app}\n  minReplicaCount: 1\n",
  },
  "a Job whose own required podAntiAffinity keeps it off the workload's pods: no podAffinity, a warning": {
    input: app() + pvc("data") + backup("", SHARED, "          affinity:\n            podAntiAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                - {labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname}\n"),
    findings: [
      "CronJob backup shares ReadWriteOnce claim data with Deployment app, but its own required podAntiAffinity keeps it off the nodes of Deployment app's pods: a required podAffinity would leave it Pending, so none is added",
    ],
  },
  "a Job pinned to another node pool than the workload's: no podAffinity, a warning naming both": {
    input:
      app().replace("    spec:\n      containers:", "    spec:\n      nodeSelector: {pool: web}\n      containers:") +
      pvc("data") +
      backup("", SHARED, "          nodeSelector: {pool: batch}\n"),
    findings: ["its nodeSelector and Deployment app's differ (pool=batch against pool=web), so whether they share a node cannot be told"],
  },
  "a workload whose required podAntiAffinity selects the Job's pod labels: no podAffinity, a warning": {
    input:
      app().replace("    spec:\n      containers:", "    spec:\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {labelSelector: {matchLabels: {tier: web}}, topologyKey: kubernetes.io/hostname}\n      containers:") +
      pvc("data") +
      backup("", SHARED).replace("      template:\n        spec:", "      template:\n        metadata:\n          labels: {tier: web}\n        spec:"),
    findings: ["Deployment app's required podAntiAffinity keeps the Job's pod, whose labels it selects, off its pods' nodes"],
  },
  "a Job's anti-affinity term that names namespaces is taken as keeping it apart too": {
    input: app() + pvc("data") + backup("", SHARED, "          affinity:\n            podAntiAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                - {labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname, namespaceSelector: {}}\n"),
    findings: ["its own required podAntiAffinity keeps it off the nodes of Deployment app's pods"],
  },
  "required nodeAffinity that differs between the Job and the workload: no podAffinity, a warning": {
    input: app() + pvc("data") + backup("", SHARED, "          affinity:\n            nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [batch]}]}]}}\n"),
    findings: ["its required nodeAffinity and Deployment app's differ, so whether they share a node cannot be told"],
  },
  "replicas written 0_0, which Kubernetes' YAML 1.1 reads as 0: no podAffinity": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 0_0\n  selector:") + pvc("data") + backup("", SHARED),
    findings: ['which may run no pods (its spec.replicas "0_0" is read otherwise by Kubernetes (write it as a plain number))'],
  },
  "a nodeSelector on the Job alone: whether a node meets both cannot be told, so no podAffinity": {
    input: app() + pvc("data") + backup("", SHARED, "          nodeSelector: {pool: batch}\n"),
    findings: ["its nodeSelector and Deployment app's differ (pool=batch against none)"],
  },
  "a workload that tolerates taints the Job does not: no podAffinity": {
    input: app().replace("    spec:\n      containers:", "    spec:\n      tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]\n      containers:") + pvc("data") + backup("", SHARED),
    findings: ["Deployment app tolerates taints the Job does not, so its pods may run on nodes the Job cannot"],
  },
  "a KEDA ScaledObject with idleReplicaCount 0 may scale the workload to 0": {
    input: app() + pvc("data") + backup("", SHARED) + "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {name: app}\n  minReplicaCount: 1\n  idleReplicaCount: 0\n",
    findings: ["which may run no pods (ScaledObject app may scale it to 0)"],
  },
  "a claim template replaces the pod volume of its name: the pods mount data-db-0, not the volume's claim": {
    input:
      db(1).replace("          volumeMounts: [{name: data, mountPath: /data}]\n", "          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: legacy-data}\n") +
      backup(),
    output:
      db(1).replace("          volumeMounts: [{name: data, mountPath: /data}]\n", "          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: legacy-data}\n") +
      backup("", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n")),
    findings: [ASSUMING],
  },
  "--live: a claim the cluster does not have is retargeted, with no assumption": {
    with: { live: cluster("data") },
    input: app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + backup(IN_APPS),
    output: app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + backup(IN_APPS, SHARED, WITH_APP),
  },
  "--live: a claim the cluster has is the Job's own, never retargeted": {
    with: { live: cluster("data", "backup-scratch") },
    input: app(IN_APPS) + pvc("data", "[ReadWriteOnce]", IN_APPS) + backup(IN_APPS),
    findings: ["CronJob apps/backup mounts claim backup-scratch, which the stream does not render but the cluster has (live.yaml); left as it is"],
  },
  "--live: a claim of the same name in another namespace does not count": {
    with: { live: cluster("backup-scratch") },
    input: app("  namespace: shop\n") + backup("  namespace: shop\n"),
    output: app("  namespace: shop\n") + backup("  namespace: shop\n", SHARED, WITH_APP),
    findings: [ASSUMED],
  },
  // Bitnami etcd 12.0.20 with replicaCount 3 and disasterRecovery.pvc.existingClaim: every pod mounts the snapshots claim.
  "a claim the stream does not render that every replica of a 3-replica workload mounts: not assumed ReadWriteOnce, no podAffinity": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:") + backup("", SHARED),
    findings: [
      "CronJob backup shares claim data with Deployment app, whose 3 replicas all mount it, as a ReadWriteMany claim allows; the stream does not render the claim, and cronjob-claims.accessMode (ReadWriteOnce) says otherwise, so no podAffinity is added (set cronjob-claims.accessMode: ReadWriteMany, or pass --live to read the claim's access modes)",
    ],
  },
  "the same workload holding its replicas on one node (a required podAffinity to its own pods): ReadWriteOnce fits, so co-located": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:").replace("    spec:\n      containers:", `    spec:\n${OWN_AFFINITY}      containers:`) + backup("", SHARED),
    output: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:").replace("    spec:\n      containers:", `    spec:\n${OWN_AFFINITY}      containers:`) + backup("", SHARED, WITH_APP),
    findings: [ASSUMED],
  },
  "held to one node by a nodeSelector instead: not taken as shared across nodes (the Job's own placement differs, said so)": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:").replace("    spec:\n      containers:", "    spec:\n      nodeSelector: {kubernetes.io/hostname: node-1}\n      containers:") + backup("", SHARED),
    findings: ["its nodeSelector and Deployment app's differ"],
  },
  "the same claim rendered ReadWriteOnce: its access mode is known, so co-located as before": {
    input: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:") + pvc("data") + backup("", SHARED),
    output: app().replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:") + pvc("data") + backup("", SHARED, WITH_APP),
  },
  "--live has the claim the stream does not render, ReadWriteMany: no podAffinity, and nothing assumed": {
    with: { live: { state: parseLiveState(pvc("data", "[ReadWriteMany]", IN_APPS), "live.yaml"), mode: "pin" } },
    input: app(IN_APPS) + backup(IN_APPS, SHARED),
  },
  "--live has the claim the stream does not render, ReadWriteOnce: co-located, and nothing assumed": {
    with: { live: cluster("data") },
    input: app(IN_APPS) + backup(IN_APPS, SHARED),
    output: app(IN_APPS) + backup(IN_APPS, SHARED, WITH_APP),
  },
  "report: changes nothing, says what share would do and what it assumes": {
    options: { mode: "report" },
    input: app() + backup(),
    findings: [ASSUMING, "mode report, so left alone (mode share would mount data)"],
  },
  "emptyDir: the claim becomes scratch space, no affinity": {
    options: { mode: "emptyDir" },
    input: app() + backup(),
    output: app() + backup("", "emptyDir: {}"),
    findings: [ASSUMING],
  },
  "remove: the volume and its mount go": {
    options: { mode: "remove" },
    input: app() + backup(),
    output: app() + backup().replace("              volumeMounts: [{name: data, mountPath: /data}]\n", "              volumeMounts: []\n").replace(
      "          volumes:\n            - name: data\n              persistentVolumeClaim: {claimName: backup-scratch}\n",
      "          volumes: []\n",
    ),
    findings: [ASSUMING],
  },
  "claims maps by hand; coLocate: false adds no affinity": {
    options: { claims: { "backup-scratch": "shared-rwx" }, coLocate: false },
    input: app() + backup(),
    output: app() + backup("", "persistentVolumeClaim: {claimName: shared-rwx}"),
  },
  "claims maps by hand a claim --live shows the cluster has: pointed there as asked, and a warning says the cluster has it": {
    options: { claims: { "backup-scratch": "shared-rwx" }, coLocate: false },
    with: { live: cluster("backup-scratch", "shared-rwx") },
    input: app(IN_APPS) + backup(IN_APPS),
    output: app(IN_APPS) + backup(IN_APPS, "persistentVolumeClaim: {claimName: shared-rwx}"),
    findings: [
      "CronJob apps/backup mounts claim backup-scratch, which live.yaml has; the claims option maps it to shared-rwx, so the Job is pointed there as asked (drop that entry of cronjob-claims.claims to keep the claim)",
    ],
  },
  "claims maps to a claim --live shows the Job's namespace lacks, and the stream does not create: left as it is": {
    options: { claims: { "backup-scratch": "shared-rwx" }, coLocate: false },
    with: { live: cluster("backup-scratch") },
    input: app(IN_APPS) + backup(IN_APPS),
    findings: [
      "CronJob apps/backup mounts claim backup-scratch; the claims option maps it to shared-rwx, but nothing creates shared-rwx in namespace apps and live.yaml does not have it there: left as it is (the mapping names no namespace: keep it to releases whose namespace has shared-rwx)",
    ],
  },
  "claims maps to a claim the stream creates in another namespace only: that Job is left as it is, the other retargeted": {
    options: { claims: { "backup-scratch": "shared-rwx" }, coLocate: false },
    input: pvc("shared-rwx", "[ReadWriteMany]", "  namespace: a\n") + backup("  namespace: a\n") + backup("  namespace: b\n"),
    output: pvc("shared-rwx", "[ReadWriteMany]", "  namespace: a\n") + backup("  namespace: a\n", "persistentVolumeClaim: {claimName: shared-rwx}") + backup("  namespace: b\n"),
    findings: [
      "CronJob b/backup mounts claim backup-scratch; the claims option maps it to shared-rwx, but nothing creates shared-rwx in namespace b (the stream renders it in a): left as it is (the mapping names no namespace: keep it to releases whose namespace has shared-rwx)",
    ],
  },
  "ReadWriteMany claim: shared, no affinity needed": {
    input: app() + pvc("data", "[ReadWriteMany]") + backup(),
    output: app() + pvc("data", "[ReadWriteMany]") + backup("", SHARED),
    findings: [ASSUMING],
  },
  "ReadWriteOncePod claim: shared, but only one pod can use it at a time": {
    input: app() + pvc("data", "[ReadWriteOncePod]") + backup(),
    output: app() + pvc("data", "[ReadWriteOncePod]") + backup("", SHARED),
    findings: [ASSUMING, "CronJob backup and Deployment app both mount data, which is ReadWriteOncePod: only one pod can use it at a time"],
  },
  "no matchLabels on the Deployment's selector: shared, and no affinity to co-locate with": {
    input: app("", "data", "    matchExpressions: [{key: app, operator: In, values: [app]}]\n") + backup(),
    output: app("", "data", "    matchExpressions: [{key: app, operator: In, values: [app]}]\n") + backup("", SHARED),
    findings: [ASSUMING, "CronJob backup shares ReadWriteOnce claim data with Deployment app, whose selector has no matchLabels to co-locate with"],
  },
  "a StatefulSet with one replica: its claim data-db-0 is shared, beside pod db-0 by name (the StatefulSet may run more replicas than rendered)": {
    input: db(1) + backup(),
    output: db(1) + backup("", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n")),
    findings: [ASSUMING],
  },
  "per-replica claims (3 replicas): no one claim to share, so a finding": {
    input: db(3) + backup(),
    findings: ["StatefulSet db mounts per-replica claims at /data, so there is no one claim to share (set cronjob-claims.claims)"],
  },
  "several claims mounted at that path: a finding, no pick": {
    input: app() + app("", "other").replace("name: app\n", "name: app2\n") + backup(),
    findings: ["main workloads mount several claims at /data (data, other), so which one is meant is not clear (set cronjob-claims.claims: {backup-scratch: NAME})"],
  },
  "namespace scoping: a Deployment in another namespace is no rival": {
    input: app("  namespace: shop\n") + backup("  namespace: jobs\n"),
    findings: ["CronJob jobs/backup mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "namespace scoping: a namespace-less Job is in the release namespace given by -n": {
    with: { release: { namespace: "shop" } },
    input: app("  namespace: shop\n") + backup(),
    output: app("  namespace: shop\n") + backup("", SHARED, WITH_APP),
    findings: [ASSUMING, ASSUMED],
  },
  "release scoping: a Deployment of another release is no rival": {
    input: app("  labels: {app.kubernetes.io/instance: shop}\n") + backup("  labels: {app.kubernetes.io/instance: crm}\n"),
    findings: ["mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "release scoping: the release label counts as the instance label does": {
    input: app("  labels: {release: shop}\n") + backup("  labels: {release: crm}\n"),
    findings: ["mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "a subchart's workload is no rival: its # Source: chart differs": {
    input:
      app().replace("---\n", "---\n# Source: shop/charts/redis/templates/deployment.yaml\n") +
      backup().replace("---\n", "---\n# Source: shop/templates/cronjob.yaml\n"),
    findings: ["mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "another application's workload is no rival: helm.sh/chart or app.kubernetes.io/name differs": {
    input:
      app("  labels: {helm.sh/chart: redis-19.0.1}\n") +
      app("  labels: {app.kubernetes.io/name: redis}\n").replace("name: app\n", "name: app2\n") +
      backup("  labels: {helm.sh/chart: shop-1.0.0, app.kubernetes.io/name: shop}\n"),
    findings: ["mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "a ReadWriteOnce claim the Job shares with another application's workload (a subchart's): not tied to it, but said": {
    input: app("  labels: {helm.sh/chart: postgresql-16.7.21}\n") + pvc("data") + backup("  labels: {helm.sh/chart: shop-1.0.0}\n", SHARED),
    findings: [
      "CronJob backup shares ReadWriteOnce claim data with Deployment app, which is of another application or release (its labels or # Source: chart differ), so no podAffinity ties the Job to it: its pod may wait for the volume on another node (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)",
    ],
  },
  "the same, with the chart's own podAffinity tying the Job to that workload's pods: nothing to say": {
    input: app("  labels: {helm.sh/chart: postgresql-16.7.21}\n") + pvc("data") + backup("  labels: {helm.sh/chart: shop-1.0.0}\n", SHARED, WITH_APP),
  },
  "namespace unknown, and the stream creates the claim in a namespace it names: left alone, -n asked for": {
    input: app() + pvc("backup-scratch", "[ReadWriteOnce]", IN_APPS) + pvc("data") + backup(),
    findings: [
      "CronJob backup states no namespace and none is given, and the stream creates claim backup-scratch in apps: whether the Job mounts that claim is not known, so it is left alone; pass --namespace (-n)",
    ],
  },
  "spec.ordinals.start: the first pod's claim is data-db-1": {
    input: db(1).replace("  replicas: 1\n", "  replicas: 1\n  ordinals: {start: 1}\n") + backup(),
    output:
      db(1).replace("  replicas: 1\n", "  replicas: 1\n  ordinals: {start: 1}\n") +
      backup("", "persistentVolumeClaim: {claimName: data-db-1}", coLocated("                      statefulset.kubernetes.io/pod-name: db-1\n")),
    findings: [ASSUMING],
  },
  "spec.ordinals.start that is no ordinal names no claim: nothing to share": {
    input: db(1).replace("  replicas: 1\n", "  replicas: 1\n  ordinals: {start: first}\n") + backup(),
    findings: ["mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts"],
  },
  "a Job mounting one replica's claim of several is co-located with that pod, not with every replica": {
    input: db(3) + backup("", "persistentVolumeClaim: {claimName: data-db-0}"),
    output: db(3) + backup("", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n")),
    findings: [],
  },
  "a StatefulSet with replicas 1 that an autoscaler scales: the Job mounting data-db-0 is co-located with pod db-0 only": {
    input: db(1) + HPA_DB + backup("", "persistentVolumeClaim: {claimName: data-db-0}"),
    output: db(1) + HPA_DB + backup("", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n")),
    findings: [],
  },
  "a Job mounting data-db-2 of a StatefulSet an autoscaler may run with 1 replica: no podAffinity, pod db-2 may not run": {
    input: db(1) + HPA_DB + backup("", "persistentVolumeClaim: {claimName: data-db-2}"),
    findings: [
      "CronJob backup shares ReadWriteOnce claim data-db-2 with StatefulSet db's pod db-2, which runs only while StatefulSet db has at least 3 replicas, and HorizontalPodAutoscaler db may run as few as 1: a required podAffinity would leave the Job Pending then, so none is added, and its pod may wait for the volume on another node while the pod runs (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)",
    ],
  },
  "a KEDA ScaledObject paused at 1 replica holds db at 1 whatever its minimum: no podAffinity to pod db-2": {
    input:
      db(3) +
      "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: db\n  annotations:\n    autoscaling.keda.sh/paused-replicas: \"1\"\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: db}\n  minReplicaCount: 3\n  maxReplicaCount: 3\n" +
      backup("", "persistentVolumeClaim: {claimName: data-db-2}"),
    findings: ["CronJob backup shares ReadWriteOnce claim data-db-2 with StatefulSet db's pod db-2, which runs only while StatefulSet db has at least 3 replicas, and ScaledObject db may run as few as 1"],
  },
  "a PVC the stream renders under a name like a claim template's, for an ordinal the StatefulSet does not run, is rendered: no warning": {
    input: db(1) + pvc("data-db-1") + backup("", "persistentVolumeClaim: {claimName: data-db-1}"),
    findings: [],
  },
  "a pre-upgrade hook Job on data-db-2 while --live shows the StatefulSet at replicas 1: pod db-2 does not run yet, no podAffinity": {
    with: { live: { state: parseLiveState(db(1).replace("  name: db\n", "  name: db\n  namespace: apps\n"), "live.yaml"), mode: "pin" } },
    input:
      db(3).replace("  name: db\n", "  name: db\n  namespace: apps\n") +
      jobOf(backup("  namespace: apps\n  annotations: {helm.sh/hook: pre-upgrade}\n", "persistentVolumeClaim: {claimName: data-db-2}")),
    findings: [
      "Job apps/backup shares ReadWriteOnce claim data-db-2 with StatefulSet apps/db, but runs as a pre-upgrade hook, when StatefulSet apps/db may have no pod db-2 (live.yaml shows replicas 1 (pod ordinals 0 to 0)): a required podAffinity would leave it Pending there, so none is added",
    ],
  },
  "a CronJob in namespace b on a claim the stream renders stating no namespace, none given: left alone, -n asked for": {
    input: app("  namespace: b\n", "app-data") + pvc("backup-scratch") + backup("  namespace: b\n"),
    findings: [
      "CronJob b/backup is in namespace b, and the stream creates claim backup-scratch stating no namespace while none is given: whether the Job mounts that claim (and how it may be shared) is not known, so it is left alone; pass --namespace (-n) with the release's namespace",
    ],
  },
  "the same with mode emptyDir: the Job's volume is not replaced by scratch space": {
    options: { mode: "emptyDir" },
    input: app("  namespace: b\n", "app-data") + pvc("backup-scratch") + backup("  namespace: b\n"),
    findings: ["CronJob b/backup is in namespace b, and the stream creates claim backup-scratch stating no namespace while none is given"],
  },
  "the same with the release's namespace b given: the claim is the Job's own, nothing to change": {
    with: { scopedRelease: { namespace: "b" } },
    input: app("  namespace: b\n", "app-data") + pvc("backup-scratch") + backup("  namespace: b\n"),
    findings: [],
  },
  "a StatefulSet with replicas 1 that an autoscaler scales has per-replica claims: no one claim to share": {
    input: db(1) + HPA_DB + backup(),
    findings: ["StatefulSet db mounts per-replica claims at /data, so there is no one claim to share (set cronjob-claims.claims)"],
  },
  "a CronJob that states no namespace, the only workload mounting a claim at its path in a namespace it states: -n asked for": {
    input: app("  namespace: b\n") + backup(),
    findings: [
      "CronJob backup states no namespace and none is given, and Deployment b/app mounts claim data at the same path /data in namespace b: whether the Job belongs beside it is not known, so it is left alone; pass --namespace (-n) with the release's namespace",
    ],
  },
  "the same with -n b: the CronJob is in b, and shares the claim": {
    with: { release: { namespace: "b" } },
    input: app("  namespace: b\n") + backup(),
    output: app("  namespace: b\n") + backup("", SHARED, WITH_APP),
    findings: [ASSUMING, ASSUMED],
  },
  // Adversarial: facts Kubernetes reads otherwise than YAML 1.2, or that hide a kind from a text search.
  "a claim rendered under a kind spelled with an escape, after a first kind line: it exists, so the CronJob keeps it": {
    input: `${app()}${backup()}---\napiVersion: v1\nkind: ConfigMap\nkind: "PersistentVolum\\u0065Claim"\nmetadata: {name: backup-scratch}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n`,
    findings: [],
  },
  "a claim rendered under a !!binary kind: its document is in doubt, so nothing is retargeted": {
    input: `${app()}${backup()}---\napiVersion: v1\nkind: !!binary UGVyc2lzdGVudFZvbHVtZUNsYWlt\nmetadata: {name: backup-scratch}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n`,
    findings: [
      ASSUMING,
      ASSUMED,
      "CronJob backup: left as rendered: document 3 holds a !!binary scalar, which Kubernetes' reader decodes into text and this one into bytes (line 41, column 16)",
      "document 3 holds a !!binary scalar",
    ],
  },
  "ordinals.start written 010, which Kubernetes reads as 8: no claim name is taken from it": {
    input: db(1).replace("  replicas: 1\n", "  replicas: 1\n  ordinals: {start: 010}\n") + backup(),
    findings: [
      "CronJob backup mounts claim backup-scratch, which nothing in the stream creates; StatefulSet db mounts a claim at the same path /data, but Kubernetes reads the names it is built from otherwise (to its YAML 1.1 a plain 010 is 8; Helm's split drops the last line break of a block scalar that ends the document), so it is not taken as the Job's main workload (quote those values in the chart, or set cronjob-claims.claims)",
    ],
  },
  "a workload Kubernetes reads otherwise only where no claim is named (minReadySeconds: 010) is still the main workload": {
    input: db(1).replace("  replicas: 1\n", "  replicas: 1\n  minReadySeconds: 010\n") + backup(),
    output:
      db(1).replace("  replicas: 1\n", "  replicas: 1\n  minReadySeconds: 010\n") +
      backup("", "persistentVolumeClaim: {claimName: data-db-0}", coLocated("                      statefulset.kubernetes.io/pod-name: db-0\n")),
    findings: [ASSUMING],
  },
  "a selector key written on, which Kubernetes reads as true: shared, but no podAffinity copied from it": {
    input: app().replace("matchLabels: {app: app}", "matchLabels: {on: app}").replace("labels: {app: app}", "labels: {on: app}") + backup(),
    output: app().replace("matchLabels: {app: app}", "matchLabels: {on: app}").replace("labels: {app: app}", "labels: {on: app}") + backup("", SHARED),
    findings: [
      ASSUMING,
      "CronJob backup shares ReadWriteOnce claim data with Deployment app, whose selector's matchLabels Kubernetes reads otherwise (to its YAML 1.1 a plain on, yes or 010 is a boolean or a number; Helm's split drops the last line break of a block scalar that ends the document), so no podAffinity is copied from them",
    ],
  },
  "a selector value written as the block scalar that ends the document (app\\n to kubectl, app to Helm's split): shared, no podAffinity copied": {
    input: SELECTOR_LAST + pvc("data") + backup(),
    output: SELECTOR_LAST + pvc("data") + backup("", SHARED),
    findings: [ASSUMING, "whose selector's matchLabels Kubernetes reads otherwise"],
  },
  "a claim name written as the block scalar that ends the document is not taken as the one to share": {
    input: app().replace("persistentVolumeClaim: {claimName: data}\n", "persistentVolumeClaim:\n            claimName: |\n              data\n") + backup(),
    findings: ["Deployment app mounts a claim at the same path /data, but Kubernetes reads the names it is built from otherwise"],
  },
  "a Job mounting a later replica's claim (ordinals from 5) is co-located with that pod": {
    input: db(3).replace("  replicas: 3\n", "  replicas: 3\n  ordinals: {start: 5}\n") + backup("", "persistentVolumeClaim: {claimName: data-db-6}"),
    output:
      db(3).replace("  replicas: 3\n", "  replicas: 3\n  ordinals: {start: 5}\n") +
      backup("", "persistentVolumeClaim: {claimName: data-db-6}", coLocated("                      statefulset.kubernetes.io/pod-name: db-6\n")),
  },
  "a claim of an ordinal the StatefulSet does not run (a replica scaled away) has no pod to run beside; said so, never swapped": {
    input: db(3).replace("  replicas: 3\n", "  replicas: 3\n  ordinals: {start: 5}\n") + backup("", "persistentVolumeClaim: {claimName: data-db-1}"),
    findings: [
      "CronJob backup mounts claim data-db-1: StatefulSet db's claim template would make it for ordinal 1, but it runs ordinals 5 to 7; so the claim exists only if an earlier scale left it (pass --live to check); left as it is (if another claim is meant, set cronjob-claims.claims: {data-db-1: NAME})",
    ],
  },
  "the same with replicas 1, which a retarget would have picked, and --live showing the claim: left as it is, an info": {
    with: { live: cluster("data-db-1") },
    input: db(1).replace("  name: db\n", "  name: db\n  namespace: apps\n").replace("  replicas: 1\n", "  replicas: 1\n  ordinals: {start: 5}\n") + backup(IN_APPS, "persistentVolumeClaim: {claimName: data-db-1}"),
    findings: [
      "CronJob apps/backup mounts claim data-db-1: StatefulSet apps/db's claim template would make it for ordinal 1, but it runs ordinals 5 to 5; live.yaml has it, left from an earlier scale; left as it is",
      "StatefulSet apps/db is not in live.yaml, which holds its claims (data-db-1) but no StatefulSet at all",
      "StatefulSet apps/db does not exist in the cluster, but its claims do: data-db-1",
    ],
  },
  // mastodon: web and sidekiq both mount the ReadWriteOnce assets claim, and the chart's CronJob already runs beside
  // pods of either by a label they share.
  "two workloads mount the ReadWriteOnce claim: no podAffinity for one of them, which could be scaled to 0; said so": {
    input: app() + app().replace("name: app\n", "name: worker\n").replace("{app: app}", "{app: worker}").replace("{app: app}", "{app: worker}") + backup("", SHARED),
    findings: [
      "CronJob backup shares ReadWriteOnce claim data with Deployment app and Deployment worker: which one's node the Job must run on is not clear, so no podAffinity is added",
    ],
  },
  "the chart's own required podAffinity already selects pods holding the claim: nothing added, nothing said": {
    input:
      app().replace("labels: {app: app}", "labels: {app: app, part-of: rails}") +
      app().replace("name: app\n", "name: worker\n").replace("{app: app}", "{app: worker}").replace("labels: {app: app}", "labels: {app: worker, part-of: rails}") +
      backup(
        "",
        SHARED,
        "          affinity:\n            podAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                - labelSelector: {matchExpressions: [{key: part-of, operator: In, values: [rails]}]}\n                  topologyKey: kubernetes.io/hostname\n",
      ),
  },
  "a required term by zone, or one that selects other pods, does not co-locate, and both would have to hold on one node: none is added": {
    input: app() + backup("", SHARED, "          affinity:\n            podAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                - {labelSelector: {matchLabels: {app: app}}, topologyKey: zone}\n                - {labelSelector: {matchLabels: {app: cache}}, topologyKey: kubernetes.io/hostname}\n"),
    findings: ["its own required podAffinity ties it to other pods, which may be on another node"],
  },

  "a Job that already mounts the Deployment's claim is only co-located": {
    input: app() + backup("", SHARED),
    output: app() + backup("", SHARED, WITH_APP),
    findings: [ASSUMED],
  },
  "a Job's own required nodeAffinity the workload does not share: whether they meet on a node cannot be told, so none is added": {
    input: app() + backup("", SHARED, "          affinity:\n            nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}\n"),
    findings: ["its required nodeAffinity and Deployment app's differ, so whether they share a node cannot be told"],
  },
  "an existing affinity the workload shares is kept and the co-location added beside it": {
    input:
      app().replace("    spec:\n      containers:", "    spec:\n      affinity:\n        nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}\n      containers:") +
      backup("", SHARED, "          affinity:\n            nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}\n"),
    output:
      app().replace("    spec:\n      containers:", "    spec:\n      affinity:\n        nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}\n      containers:") +
      backup(
        "",
        SHARED,
        "          affinity:\n            nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}\n            podAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                - labelSelector:\n                    matchLabels:\n                      app: app\n                  topologyKey: kubernetes.io/hostname\n",
      ),
    findings: [ASSUMED],
  },

  "an existing empty required podAffinity list: the term is appended to it": {
    input: app() + backup("", SHARED, "          affinity:\n            podAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution: []\n"),
    output:
      app() +
      backup(
        "",
        SHARED,
        "          affinity:\n            podAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname}]\n",
      ),
    findings: [ASSUMED],
  },
  "a Job with a host port the workload's pods hold can never share their node: none is added": {
    input:
      app().replace("          image: app:1\n", "          image: app:1\n          ports: [{containerPort: 80, hostPort: 8080}]\n") +
      pvc("data") +
      backup("", SHARED).replace("              image: backup:1\n", "              image: backup:1\n              ports: [{containerPort: 80, hostPort: 8080}]\n"),
    findings: ["it asks for host port 8080/TCP, which Deployment app's pods hold"],
  },

  "near miss: nothing at that path, and a rendered claim nothing mounts is named as the likely target": {
    input: pvc("backup") + backup(),
    findings: [
      "CronJob backup mounts claim backup-scratch, which nothing in the stream creates and no main workload mounts; fine if it exists in the cluster (pass --live to check); the likely target is backup, which the stream renders and nothing mounts: set cronjob-claims.claims: {backup-scratch: backup}",
    ],
  },
  "near miss: several rendered claims nothing mounts are listed": {
    input: pvc("archive") + pvc("backup") + app() + pvc("data") + backup().replace("mountPath: /data", "mountPath: /backup"),
    findings: ["the stream renders claims nothing mounts (archive, backup): if one is meant, set cronjob-claims.claims: {backup-scratch: NAME}"],
  },
  "near miss: nothing to suggest": {
    input: backup(),
    findings: ["fine if it exists in the cluster (pass --live to check); if another claim is meant, set cronjob-claims.claims: {backup-scratch: NAME}"],
  },
  "near miss with --live: the cluster has no such claim either": {
    with: { live: cluster() },
    input: pvc("backup", "[ReadWriteOnce]", IN_APPS) + backup(IN_APPS),
    findings: ["live.yaml has no claim backup-scratch either, so its pods would stay Pending; the likely target is backup"],
  },
  "per-replica: of the workloads at the Job's mount paths, the first in the stream is the rival, whichever path the Job names first": {
    input:
      db(3).replace("mountPath: /data}", "mountPath: /x}") +
      app("", "data-db-0") +
      backup().replace("volumeMounts: [{name: data, mountPath: /data}]", "volumeMounts: [{name: data, mountPath: /data}, {name: data, mountPath: /x}]"),
    findings: [
      "CronJob backup mounts claim backup-scratch, which nothing creates; StatefulSet db mounts per-replica claims at /x, so there is no one claim to share (set cronjob-claims.claims)",
    ],
  },
  "two claim templates whose claims share a prefix (template data-a of b, template data of a-b): the first in the stream gives the access modes": {
    input:
      db(1).replace(/\bdb\b/g, "b").replace("{name: data}", "{name: data-a}").replace("name: data, mountPath", "name: data-a, mountPath").replace("[ReadWriteOnce]", "[ReadWriteMany]") +
      db(1).replace(/\bdb\b/g, "a-b") +
      backup("", "persistentVolumeClaim: {claimName: data-a-b-0}"),
  },
};

describe("cronjob-claims", () => runTable("cronjob-claims", table));

/** The pod specs of the two Matomo CronJobs, as data. */
function cronJobPods(output: string): Record<string, Record<string, unknown>> {
  const pods: Record<string, Record<string, unknown>> = {};
  for (const doc of parseAllDocuments(output)) {
    const object = doc.toJS();
    if (object?.kind === "CronJob") pods[object.metadata.name] = object.spec.jobTemplate.spec.template.spec;
  }
  return pods;
}

const AFFINITY = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: { matchLabels: { "app.kubernetes.io/instance": "matomo", "app.kubernetes.io/name": "matomo" } },
        topologyKey: "kubernetes.io/hostname",
      },
    ],
  },
};

describe("cronjob-claims on real renders of Bitnami Matomo 9.3.4", () => {
  const only = optionsFor("cronjob-claims", {});

  it("persistence.existingClaim=matomo-data: both CronJobs mount the Deployment's claim and run on its node", async () => {
    const result = await fix(example("matomo", "rendered-existing-claim.yaml"), only);
    const pods = cronJobPods(result.output);
    for (const name of ["matomo-archive", "matomo-scheduled-tasks"]) {
      const pod = pods[name] as { volumes: Array<Record<string, unknown>>; affinity: unknown };
      expect(pod.volumes.find((volume) => volume.name === "matomo-data")).toEqual({
        name: "matomo-data",
        persistentVolumeClaim: { claimName: "matomo-data" },
      });
      expect(pod.affinity).toEqual(AFFINITY);
    }
    const assumed = (job: string) =>
      `CronJob matomo/${job} shares claim matomo-data with Deployment matomo/matomo; the stream does not render the claim, so its access mode is assumed ReadWriteOnce (cronjob-claims.accessMode) and a required podAffinity ties the Job to the node of Deployment matomo/matomo's pod; if the claim is ReadWriteMany, set cronjob-claims.accessMode: ReadWriteMany (or coLocate: false)`;
    expect(result.findings.map((finding) => finding.message)).toEqual([
      "CronJob matomo/matomo-archive: assuming `matomo-matomo` does not exist in the cluster; pass --live to check (if it exists, set cronjob-claims.claims: {matomo-matomo: matomo-matomo} to keep it)",
      assumed("matomo-archive"),
      "CronJob matomo/matomo-scheduled-tasks: assuming `matomo-matomo` does not exist in the cluster; pass --live to check (if it exists, set cronjob-claims.claims: {matomo-matomo: matomo-matomo} to keep it)",
      assumed("matomo-scheduled-tasks"),
    ]);
    expect((await fix(result.output, only)).changes).toEqual([]);
  });

  it("default values: both CronJobs co-locate with the Deployment, since matomo-matomo is ReadWriteOnce", async () => {
    const result = await fix(example("matomo", "rendered-default.yaml"), only);
    const pods = cronJobPods(result.output);
    expect(pods["matomo-archive"]?.affinity).toEqual(AFFINITY);
    expect(pods["matomo-scheduled-tasks"]?.affinity).toEqual(AFFINITY);
    expect(result.changes.every((change) => change.path.includes("affinity"))).toBe(true);
  });
});
