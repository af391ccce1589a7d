import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLiveState } from "../../src/live/live-state.js";
import { RULE_NAMES } from "../../src/rules/rule.js";
import { CORPUS, example, fix, ROOT } from "../helpers.js";

const ONLY = { disable: RULE_NAMES.filter((name) => name !== "rwo-rollout") };
const withOptions = (options: Record<string, unknown>) => ({ ...ONLY, config: { rules: { "rwo-rollout": options } } });

/** A claim as a chart renders it; `modes` is the flow list of its accessModes. */
const pvc = (name: string, modes: string) =>
  `---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\nspec:\n  accessModes: ${modes}\n  resources:\n    requests:\n      storage: 1Gi\n`;

/**
 * A Deployment named `app`: `head` is the literal text of its spec before the selector (replicas, strategy), and
 * `volume` the literal text of its one data volume.
 */
const deployment = (head: string, volume = "persistentVolumeClaim:\n            claimName: data") =>
  `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n${head}  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          ${volume}\n`;

const RWO = pvc("data", "[ReadWriteOnce]");

interface Row {
  options?: Record<string, unknown>;
  input: string;
  /** Absent: the output is the input, byte for byte. */
  output?: string;
  /** Fragments, one per finding, in order. */
  findings: string[];
}

const DEADLOCK = 'the new pod starts before the old one stops, and when it lands on another node it waits forever on "Multi-Attach error for volume"';

const table: Record<string, Row> = {
  "pods held to one node by its hostname: they share the ReadWriteOnce volume there, so no deadlock": {
    input: RWO + deployment("").replace("    spec:\n      containers:", "    spec:\n      nodeSelector: {kubernetes.io/hostname: node-1}\n      containers:"),
    findings: [],
  },
  "pods given a nodeName: the same": {
    options: { mode: "fix" },
    input: RWO + deployment("").replace("    spec:\n      containers:", "    spec:\n      nodeName: node-1\n      containers:"),
    findings: [],
  },
  "pods held to one node on a ReadWriteOncePod claim: one pod at a time even there, so still a deadlock": {
    input: pvc("data", "[ReadWriteOncePod]") + deployment("").replace("    spec:\n      containers:", "    spec:\n      nodeSelector: {kubernetes.io/hostname: node-1}\n      containers:"),
    findings: ["Deployment app mounts ReadWriteOncePod claim data"],
  },
  "a nodeSelector by another label leaves several nodes: still a deadlock": {
    input: RWO + deployment("").replace("    spec:\n      containers:", "    spec:\n      nodeSelector: {pool: db}\n      containers:"),
    findings: ["Deployment app mounts ReadWriteOnce claim data and updates with RollingUpdate"],
  },
  "no strategy, 1 replica, RWO claim: the default RollingUpdate deadlocks; report says how to fix": {
    input: RWO + deployment(""),
    findings: [
      `Deployment app mounts ReadWriteOnce claim data and updates with RollingUpdate (the default) with maxUnavailable 0 for 1 replica: ${DEADLOCK} while the old pod keeps the volume, so the rollout never finishes; set rwo-rollout.mode: fix to switch it to strategy Recreate, which stops the old pod first`,
    ],
  },
  "a Deployment that states no namespace, its claim rendered only in a namespace the claim states: -n asked for, not 'does not render'": {
    input: RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") + deployment(""),
    findings: [
      "Deployment app states no namespace and none is given, and the stream renders claim data in b: whether it mounts that claim is not known, so rwo-rollout left it alone; pass --namespace (-n) with the release's namespace",
    ],
  },
  "a claim a StatefulSet's claim template makes is rendered, with the template's access mode; its pod mounts it too": {
    input:
      deployment("", "persistentVolumeClaim:\n            claimName: data-db-0") +
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    findings: [
      "Deployment app mounts ReadWriteOnce claim data-db-0 and updates with RollingUpdate (the default)",
      "Deployment app and StatefulSet db both mount ReadWriteOnce claim data-db-0, and no required podAffinity by kubernetes.io/hostname keeps their pods on one node",
    ],
  },
  "a claim of an ordinal the StatefulSet does not run is not mounted by it": {
    input:
      RWO.replace("  name: data\n", "  name: data-db-5\n") +
      deployment("  strategy: {type: Recreate}\n", "persistentVolumeClaim:\n            claimName: data-db-5") +
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    findings: [],
  },
  // mastodon: web and sidekiq both mount the ReadWriteOnce assets claim with nothing keeping them on one node.
  "two workloads on one ReadWriteOnce claim with no podAffinity between them: reported": {
    input: RWO + deployment("  strategy: {type: Recreate}\n") + deployment("  strategy: {type: Recreate}\n").replace("name: app\n", "name: worker\n").replaceAll("{app: app}", "{app: worker}"),
    findings: [
      'Deployment app and Deployment worker both mount ReadWriteOnce claim data, and no required podAffinity by kubernetes.io/hostname keeps their pods on one node: a pod on another node waits forever on "Multi-Attach error for volume" (give one a required podAffinity to the others\' pods in the chart, or use a ReadWriteMany claim); strategy Recreate (mode fix) does not change this, so rwo-rollout edits nothing for it',
    ],
  },
  "two workloads on one ReadWriteOnce claim, one tied to the other's node by a required podAffinity: nothing to say": {
    input:
      RWO +
      deployment("  strategy: {type: Recreate}\n") +
      deployment("  strategy: {type: Recreate}\n")
        .replace("name: app\n", "name: worker\n")
        .replaceAll("{app: app}", "{app: worker}")
        .replace("      volumes:\n", "      affinity:\n        podAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname}\n      volumes:\n"),
    findings: [],
  },
  "two workloads on one ReadWriteMany claim: nothing to say": {
    input: pvc("data", "[ReadWriteMany]") + deployment("") + deployment("").replace("name: app\n", "name: worker\n").replaceAll("{app: app}", "{app: worker}"),
    findings: [],
  },
  "explicit type RollingUpdate deadlocks the same": {
    input: RWO + deployment("  replicas: 1\n  strategy:\n    type: RollingUpdate\n"),
    findings: ["updates with RollingUpdate with maxUnavailable 0 for 1 replica"],
  },
  "maxSurge 0, maxUnavailable 1: the old pod goes first, no deadlock": {
    input: RWO + deployment("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n"),
    findings: [],
  },
  "maxUnavailable 1 with the default maxSurge: the old pod is stopped without waiting, no deadlock": {
    input: RWO + deployment("  strategy:\n    rollingUpdate:\n      maxUnavailable: 1\n"),
    findings: [],
  },
  "maxUnavailable 100% of 1 replica is 1: no deadlock": {
    input: RWO + deployment("  strategy:\n    rollingUpdate:\n      maxUnavailable: 100%\n"),
    findings: [],
  },
  "maxUnavailable 50% of 1 replica rounds down to 0: deadlock": {
    input: RWO + deployment("  strategy:\n    rollingUpdate:\n      maxUnavailable: 50%\n"),
    findings: ["with maxUnavailable 0 for 1 replica"],
  },
  "maxSurge 0% and maxUnavailable 0%: the controller makes maxUnavailable 1, no deadlock": {
    input: RWO + deployment('  strategy:\n    rollingUpdate:\n      maxSurge: "0%"\n      maxUnavailable: "0%"\n'),
    findings: [],
  },
  "strategy Recreate: nothing to do": {
    input: RWO + deployment("  strategy:\n    type: Recreate\n"),
    findings: [],
  },
  "strategy Recreate with rollingUpdate: null (Harbor's template): nothing to do": {
    input: RWO + deployment("  strategy:\n    type: Recreate\n    rollingUpdate: null\n"),
    findings: [],
  },
  "replicas 0 counts as 1: scaling up brings the deadlock back": {
    input: RWO + deployment("  replicas: 0\n"),
    findings: ["with maxUnavailable 0 for 1 replica"],
  },
  "ReadWriteMany claim: pods on any node share it, no finding": {
    input: pvc("data", "[ReadWriteMany]") + deployment(""),
    findings: [],
  },
  "ReadOnlyMany claim: no finding": {
    input: pvc("data", "[ReadOnlyMany]") + deployment(""),
    findings: [],
  },
  "ReadWriteOnce and ReadWriteMany on one claim: the volume can attach to several nodes, no finding": {
    input: pvc("data", "[ReadWriteOnce, ReadWriteMany]") + deployment(""),
    findings: [],
  },
  "ReadWriteOncePod claim: deadlocks even on the same node": {
    input: pvc("data", "[ReadWriteOncePod]") + deployment(""),
    findings: [
      "mounts ReadWriteOncePod claim data and updates with RollingUpdate (the default) with maxUnavailable 0 for 1 replica: the new pod starts before the old one stops, cannot use the volume while the old pod runs (on any node)",
    ],
  },
  "claim not rendered (existingClaim): access mode unknown, a finding naming the option, no edit even in mode fix": {
    options: { mode: "fix" },
    input: deployment(""),
    findings: [
      "Deployment app mounts claim data, which the stream does not render, so its access mode is unknown; if it is ReadWriteOnce (as most block storage is), its RollingUpdate (the default) with maxUnavailable 0 for 1 replica starts the new pod before the old one stops, and a new pod on another node waits forever on \"Multi-Attach error for volume\"; set rwo-rollout.claims: {data: ReadWriteOnce} (then mode fix sets strategy Recreate), or ReadWriteMany if it is shared storage",
    ],
  },
  "claim not rendered, declared ReadWriteMany by the claims option: no finding": {
    options: { claims: { data: "ReadWriteMany" } },
    input: deployment(""),
    findings: [],
  },
  "claim not rendered, declared ReadWriteOnce by the claims option: mode fix sets Recreate": {
    options: { mode: "fix", claims: { data: "ReadWriteOnce" } },
    input: deployment("  strategy:\n    type: RollingUpdate\n"),
    output: deployment("  strategy:\n    type: Recreate\n    rollingUpdate: null\n"),
    findings: [],
  },
  "claim not rendered, but the rollout stops the old pod first: no finding": {
    input: deployment("  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n"),
    findings: [],
  },
  "PVC in another namespace is not the claim: unknown": {
    input: pvc("data", "[ReadWriteMany]").replace("  name: data\n", "  name: data\n  namespace: other\n") + deployment("").replace("  name: app\n", "  name: app\n  namespace: apps\n"),
    findings: ["Deployment apps/app mounts claim data, which the stream does not render"],
  },
  "a namespace-less PVC is in the release's namespace, never one taken from a StatefulSet: unknown when none is given": {
    options: { mode: "fix" },
    input:
      RWO +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: tools\n") +
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: cache\n  namespace: tools\nspec:\n  serviceName: cache\n  selector:\n    matchLabels: {app: cache}\n  template:\n    metadata:\n      labels: {app: cache}\n    spec:\n      containers: [{name: cache, image: cache:1}]\n",
    findings: [
      "Deployment tools/app is in namespace tools, and the stream renders claim data stating no namespace while none is given: whether it mounts that claim, and so its access modes, is not known, so rwo-rollout left it alone; pass --namespace (-n) with the release's namespace",
    ],
  },
  "a ReadWriteOnce claim of its own namespace beside a claim rendered stating no namespace: mode fix still sets Recreate": {
    options: { mode: "fix" },
    input:
      RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") +
      pvc("cache", "[ReadWriteOnce]") +
      deployment("", "persistentVolumeClaim:\n            claimName: data\n        - name: cache\n          persistentVolumeClaim:\n            claimName: cache").replace("  name: app\n", "  name: app\n  namespace: b\n"),
    output:
      RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") +
      pvc("cache", "[ReadWriteOnce]") +
      deployment("", "persistentVolumeClaim:\n            claimName: data\n        - name: cache\n          persistentVolumeClaim:\n            claimName: cache").replace("  name: app\n", "  name: app\n  namespace: b\n") +
      "  strategy:\n    type: Recreate\n    rollingUpdate: null\n",
    findings: [],
  },
  "replicas 3 on a ReadWriteOnce claim: a different problem, reported distinctly, never set to Recreate": {
    options: { mode: "fix" },
    input: RWO + deployment("  replicas: 3\n"),
    findings: [
      'Deployment app runs 3 replicas on ReadWriteOnce claim data: every pod must run on the node the volume is attached to, and pods on other nodes wait forever on "Multi-Attach error for volume"; strategy Recreate would not change that, so rwo-rollout changed nothing (use a ReadWriteMany claim, a StatefulSet with volumeClaimTemplates, or replicas: 1)',
    ],
  },
  "replicas left to a HorizontalPodAutoscaler that may run 4: reported as several replicas, never set to Recreate": {
    options: { mode: "fix" },
    input:
      RWO +
      deployment("") +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}\n  minReplicas: 1\n  maxReplicas: 4\n",
    findings: ["Deployment app runs up to 4 replicas (HorizontalPodAutoscaler app runs up to 4) on ReadWriteOnce claim data: every pod must run on the node"],
  },
  "a KEDA ScaledObject (target kind Deployment by default, at most 100 replicas by default) counts the same": {
    options: { mode: "fix" },
    input: RWO + deployment("  replicas: 1\n") + "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {name: app}\n",
    findings: ["Deployment app runs up to 100 replicas (ScaledObject app runs up to 100) on ReadWriteOnce claim data"],
  },
  "an autoscaler that runs at most 1 replica changes nothing: the deadlock is fixed": {
    options: { mode: "fix" },
    input:
      RWO +
      deployment("") +
      "---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {kind: Deployment, name: app}\n  maxReplicas: 1\n",
    output:
      RWO +
      deployment("") +
      "  strategy:\n    type: Recreate\n    rollingUpdate: null\n" +
      "---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  scaleTargetRef: {kind: Deployment, name: app}\n  maxReplicas: 1\n",
    findings: [],
  },
  "replicas 2 on a ReadWriteOncePod claim: only one pod can run": {
    input: pvc("data", "[ReadWriteOncePod]") + deployment("  replicas: 2\n"),
    findings: ["runs 2 replicas on ReadWriteOncePod claim data: only one of its pods can use the volume at a time"],
  },
  "ephemeral volume: one claim per pod, no finding": {
    input: deployment("", "ephemeral:\n            volumeClaimTemplate:\n              spec:\n                accessModes: [ReadWriteOnce]\n                resources: {requests: {storage: 1Gi}}"),
    findings: [],
  },
  "emptyDir: no claim, no finding": {
    input: deployment("", "emptyDir: {}"),
    findings: [],
  },
  "mode fix, no strategy: adds strategy Recreate, with rollingUpdate: null to clear the live default on upgrade": {
    options: { mode: "fix" },
    input: RWO + deployment("  replicas: 1\n"),
    output: RWO + deployment("  replicas: 1\n").replace("          claimName: data\n", "          claimName: data\n  strategy:\n    type: Recreate\n    rollingUpdate: null\n"),
    findings: [],
  },
  "mode fix, type RollingUpdate with rollingUpdate: type becomes Recreate, rollingUpdate null": {
    options: { mode: "fix" },
    input: RWO + deployment("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n"),
    output: RWO + deployment("  strategy:\n    type: Recreate\n    rollingUpdate: null\n"),
    findings: [],
  },
  "mode fix, rollingUpdate without type: type is added, rollingUpdate null": {
    options: { mode: "fix" },
    input: RWO + deployment("  strategy:\n    rollingUpdate:\n      maxSurge: 1\n"),
    output: RWO + deployment("  strategy:\n    rollingUpdate: null\n    type: Recreate\n"),
    findings: [],
  },
  "mode fix, strategy: {} (toYaml of empty values): both fields are added": {
    options: { mode: "fix" },
    input: RWO + deployment("  strategy:\n    {}\n"),
    output: RWO + deployment("  strategy:\n    {type: Recreate, rollingUpdate: null}\n"),
    findings: [],
  },
  "mode fix, strategy with no value (null): the whole strategy is set": {
    options: { mode: "fix" },
    input: RWO + deployment("  strategy:\n"),
    output: RWO + deployment("  strategy:\n    type: Recreate\n    rollingUpdate: null\n"),
    findings: [],
  },
  "deployments limits the rule to the Deployments named, and names the ones it cannot find": {
    options: { deployments: ["web"] },
    input: RWO + deployment(""),
    findings: ["deployments names web, but no apps/v1 Deployment of that name that mounts a claim is in the stream"],
  },
  "deployments naming the Deployment: it is looked at as without the option": {
    options: { deployments: ["app"] },
    input: RWO + deployment(""),
    findings: ["Deployment app mounts ReadWriteOnce claim data and updates with RollingUpdate (the default)"],
  },
  "deployments naming NAMESPACE/NAME: the Deployment of that name in another namespace is not looked at": {
    options: { mode: "fix", deployments: ["a/app"] },
    input:
      RWO.replace("  name: data\n", "  name: data\n  namespace: a\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: a\n") +
      RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: b\n"),
    output:
      RWO.replace("  name: data\n", "  name: data\n  namespace: a\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: a\n") +
      "  strategy:\n    type: Recreate\n    rollingUpdate: null\n" +
      RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: b\n"),
    findings: [],
  },
  "a claim of a template ordinal the StatefulSet does not run is not rendered: its mode is unknown": {
    options: { mode: "fix" },
    input:
      deployment("", "persistentVolumeClaim:\n            claimName: data-db-3") +
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    findings: ["which the stream does not render"],
  },
  "data-db-01 is no claim of StatefulSet db's template (ordinals have no leading zeros)": {
    options: { mode: "fix" },
    input:
      deployment("", "persistentVolumeClaim:\n            claimName: data-db-01") +
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 3\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    findings: ["which the stream does not render"],
  },
  "deployments naming a Deployment that mounts no claim: named as not found": {
    options: { deployments: ["app"] },
    input: deployment("", "emptyDir: {}"),
    findings: ["deployments names app, but no apps/v1 Deployment of that name that mounts a claim is in the stream"],
  },
  "the claims option saying otherwise than the rendered claim: a conflict, left alone, naming the option": {
    options: { claims: { data: "ReadWriteOnce" } },
    input: pvc("data", "[ReadWriteMany]") + deployment(""),
    findings: ["Deployment app: rwo-rollout.claims gives data ReadWriteOnce, but the stream renders it ReadWriteMany, so rwo-rollout left it alone (correct rwo-rollout.claims)"],
  },
  "the claims option agreeing with the rendered claim: as without it": {
    options: { claims: { data: "ReadWriteMany" } },
    input: pvc("data", "[ReadWriteMany]") + deployment(""),
    findings: [],
  },
  "two claims, one ReadWriteMany and one ReadWriteOnce: the ReadWriteOnce one is named": {
    input:
      pvc("shared", "[ReadWriteMany]") +
      RWO +
      deployment("", "persistentVolumeClaim:\n            claimName: data\n        - name: shared\n          persistentVolumeClaim:\n            claimName: shared"),
    findings: ["Deployment app mounts ReadWriteOnce claim data and updates"],
  },
  "a maxUnavailable that is neither a number nor a percentage is left alone, with a finding": {
    input: RWO + deployment('  strategy:\n    rollingUpdate:\n      maxUnavailable: "1"\n'),
    findings: ["spec.strategy.rollingUpdate has a maxSurge or maxUnavailable that is neither a whole number nor a percentage; rwo-rollout left it alone"],
  },
  "an unknown strategy type is left alone, with a finding": {
    input: RWO + deployment("  strategy:\n    type: Rolling\n"),
    findings: ['Deployment app: spec.strategy.type is "Rolling", which Kubernetes does not know; rwo-rollout left it alone'],
  },
};

describe("rwo-rollout", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const result = await fix(row.input, withOptions(row.options ?? {}));
      expect(result.output).toBe(row.output ?? row.input);
      const findings = result.findings.filter((finding) => finding.rule === "rwo-rollout").map((finding) => finding.message);
      expect(findings).toEqual(row.findings.map((fragment) => expect.stringContaining(fragment)));
      const again = await fix(result.output, withOptions(row.options ?? {}));
      expect(again.changes).toEqual([]);
    });
  }

  it("is on by default, in mode report", async () => {
    const result = await fix(RWO + deployment(""));
    expect(result.changes).toEqual([]);
    expect(result.findings.map((finding) => [finding.rule, finding.severity])).toEqual([["rwo-rollout", "warning"]]);
  });

  it("records exactly what mode fix changed: set on type and on rollingUpdate (null); or set the whole strategy", async () => {
    const explicit = await fix(RWO + deployment("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n"), withOptions({ mode: "fix" }));
    expect(explicit.changes.map(({ op, path, before, after }) => ({ op, path, before, after }))).toEqual([
      { op: "set", path: ["spec", "strategy", "type"], before: "RollingUpdate", after: "Recreate" },
      { op: "set", path: ["spec", "strategy", "rollingUpdate"], before: { maxSurge: 1 }, after: null },
    ]);
    expect(explicit.changes[0]?.reason).toContain('"Multi-Attach error for volume"');
    expect(explicit.changes[0]?.reason).toContain("strategy Recreate stops the old pod before the new one starts");
    expect(explicit.changes[1]?.reason).toContain('"spec.strategy.rollingUpdate: Forbidden"');
    const absent = await fix(RWO + deployment(""), withOptions({ mode: "fix" }));
    expect(absent.changes.map(({ op, path, before, after }) => ({ op, path, before, after }))).toEqual([
      { op: "set", path: ["spec", "strategy"], before: undefined, after: { type: "Recreate", rollingUpdate: null } },
    ]);
  });

  it("a bare name that Deployments of two namespaces have is an error naming both", async () => {
    const input =
      RWO.replace("  name: data\n", "  name: data\n  namespace: a\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: a\n") +
      RWO.replace("  name: data\n", "  name: data\n  namespace: b\n") +
      deployment("").replace("  name: app\n", "  name: app\n  namespace: b\n");
    await expect(fix(input, withOptions({ mode: "fix", deployments: ["app"] }))).rejects.toThrow(
      "rwo-rollout: deployments names app, and Deployments of that name are in namespaces a, b: name the namespace (a/app or b/app)",
    );
  });

  it("a claim the stream does not render takes its access mode from --live, which must agree with rwo-rollout.claims", async () => {
    const inApps = deployment("").replace("  name: app\n", "  name: app\n  namespace: apps\n");
    const live = (modes: string) => ({
      live: { state: parseLiveState(pvc("data", modes).replace("  name: data\n", "  name: data\n  namespace: apps\n"), "live.yaml"), mode: "pin" as const },
    });
    const rwx = await fix(inApps, { ...withOptions({ mode: "fix" }), ...live("[ReadWriteMany]") });
    expect(rwx.output).toBe(inApps);
    expect(rwx.findings.filter((finding) => finding.rule === "rwo-rollout")).toEqual([]);
    const rwo = await fix(inApps, { ...withOptions({ mode: "fix" }), ...live("[ReadWriteOnce]") });
    expect(rwo.changes.map(({ path, after }) => ({ path, after }))).toEqual([{ path: ["spec", "strategy"], after: { type: "Recreate", rollingUpdate: null } }]);
    expect(rwo.changes[0]?.reason).toContain("Deployment apps/app mounts ReadWriteOnce claim data (not rendered; live.yaml has it) and updates with RollingUpdate");
    // One node or one pod: the same fix either way, so no disagreement; the cluster's mode is the one named.
    const oncePod = await fix(inApps, { ...withOptions({ mode: "fix", claims: { data: "ReadWriteOnce" } }), ...live("[ReadWriteOncePod]") });
    expect(oncePod.changes[0]?.reason).toContain("mounts ReadWriteOncePod claim data and updates");
    const both = await fix(inApps, { ...withOptions({ mode: "fix", claims: { data: "ReadWriteOnce" } }), ...live("[ReadWriteMany]") });
    expect(both.output).toBe(inApps);
    expect(both.findings.filter((finding) => finding.rule === "rwo-rollout").map((finding) => finding.message)).toEqual([
      "Deployment apps/app: rwo-rollout.claims gives data ReadWriteOnce, but live.yaml has it ReadWriteMany, so rwo-rollout left it alone (correct rwo-rollout.claims)",
    ]);
  });

  it("refuses unknown options", async () => {
    await expect(fix(RWO, withOptions({ mode: "recreate" }))).rejects.toThrow(/invalid options for rwo-rollout: mode/);
    await expect(fix(RWO, withOptions({ deployment: ["app"] }))).rejects.toThrow(/invalid options for rwo-rollout/);
  });
});

const K8S_READ = "/usr/local/bin/k8s-read";
if (!existsSync(K8S_READ)) console.warn(`skipping the k8s-read checks of rwo-rollout: ${K8S_READ} is absent`);

describe.skipIf(!existsSync(K8S_READ))("rwo-rollout output as Kubernetes reads it (k8s-read)", () => {
  it("the fixed Deployment has strategy type Recreate and rollingUpdate null, which a patch turns into a removal", async () => {
    for (const head of ["", "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n"]) {
      const { output } = await fix(RWO + deployment(head), withOptions({ mode: "fix" }));
      const read = spawnSync(K8S_READ, { input: output });
      expect(read.status).toBe(0);
      const objects = read.stdout.toString("utf8").trim().split("\n").map((line) => JSON.parse(line));
      expect(objects[1].spec.strategy).toEqual({ type: "Recreate", rollingUpdate: null });
    }
  });
});

const FIXTURES = join(ROOT, "test", "fixtures", "rwo-rollout");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

interface ChartRow {
  input: string;
  options?: Record<string, unknown>;
  /** Literal text of the rendered strategy and what mode fix makes of it; absent: the output is the input. */
  edit?: { before: string; after: string };
  /** The whole expected output, when another render of the chart is it. */
  output?: string;
  findings: string[];
}

/** Charts whose Deployment mounts a ReadWriteOnce claim with RollingUpdate (see test/fixtures/rwo-rollout/README.md). */
const charts: Record<string, ChartRow> = {
  "Grafana 8.8.2 with persistence: reported, naming the claim and the fix": {
    input: fixture("grafana-8.8.2-persistence.yaml"),
    findings: [
      `Deployment monitoring/grafana mounts ReadWriteOnce claim grafana and updates with RollingUpdate with maxUnavailable 0 for 1 replica: ${DEADLOCK} while the old pod keeps the volume, so the rollout never finishes; set rwo-rollout.mode: fix`,
    ],
  },
  "Grafana 8.8.2 with persistence, mode fix: strategy Recreate": {
    input: fixture("grafana-8.8.2-persistence.yaml"),
    options: { mode: "fix" },
    edit: { before: "  strategy:\n    type: RollingUpdate\n", after: "  strategy:\n    type: Recreate\n    rollingUpdate: null\n" },
    findings: [],
  },
  "Grafana 8.8.2 with persistence.existingClaim: access mode unknown, reported, not fixed": {
    input: fixture("grafana-8.8.2-existing-claim.yaml"),
    options: { mode: "fix" },
    findings: ["Deployment monitoring/grafana mounts claim grafana-data, which the stream does not render, so its access mode is unknown; if it is ReadWriteOnce"],
  },
  "Grafana 8.8.2 with persistence.existingClaim, declared ReadWriteOnce: fixed": {
    input: fixture("grafana-8.8.2-existing-claim.yaml"),
    options: { mode: "fix", claims: { "grafana-data": "ReadWriteOnce" } },
    edit: { before: "  strategy:\n    type: RollingUpdate\n", after: "  strategy:\n    type: Recreate\n    rollingUpdate: null\n" },
    findings: [],
  },
  "Harbor 1.18.2: jobservice and registry reported": {
    input: fixture("harbor-1.18.2.yaml"),
    findings: [
      "Deployment harbor/harbor-jobservice mounts ReadWriteOnce claim harbor-jobservice and updates with RollingUpdate with maxUnavailable 0 for 1 replica",
      "Deployment harbor/harbor-registry mounts ReadWriteOnce claim harbor-registry and updates with RollingUpdate with maxUnavailable 0 for 1 replica",
    ],
  },
  "Harbor 1.18.2, mode fix: both get the strategy the chart renders for updateStrategy.type=Recreate": {
    input: fixture("harbor-1.18.2.yaml"),
    options: { mode: "fix" },
    output: fixture("harbor-1.18.2-recreate.yaml"),
    findings: [],
  },
  "Harbor 1.18.2 with updateStrategy.type=Recreate: nothing to do": {
    input: fixture("harbor-1.18.2-recreate.yaml"),
    findings: [],
  },
  "Bitnami Matomo 9.3.4, default values: reported": {
    input: example("matomo", "rendered-default.yaml"),
    findings: ["Deployment matomo/matomo mounts ReadWriteOnce claim matomo-matomo and updates with RollingUpdate with maxUnavailable 0 for 1 replica"],
  },
  "Bitnami Matomo 9.3.4 with persistence.existingClaim: access mode unknown": {
    input: example("matomo", "rendered-existing-claim.yaml"),
    findings: ["Deployment matomo/matomo mounts claim matomo-data, which the stream does not render, so its access mode is unknown"],
  },
};

describe("rwo-rollout on public charts", () => {
  for (const [name, row] of Object.entries(charts)) {
    it(name, async () => {
      const result = await fix(row.input, withOptions(row.options ?? {}));
      if (row.edit) {
        expect(row.input.split(row.edit.before)).toHaveLength(2);
        expect(result.output).toBe(row.input.replace(row.edit.before, row.edit.after));
      } else {
        expect(result.output).toBe(row.output ?? row.input);
      }
      const findings = result.findings.filter((finding) => finding.rule === "rwo-rollout").map((finding) => finding.message);
      expect(findings).toEqual(row.findings.map((fragment) => expect.stringContaining(fragment)));
      expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([]);
      expect((await fix(result.output, withOptions(row.options ?? {}))).changes).toEqual([]);
    });
  }
});

const MAKERSPACE_GRAFANA = join(CORPUS, "makerspace-apps__grafana__rendered.yml");

describe.skipIf(!existsSync(MAKERSPACE_GRAFANA))("rwo-rollout on a real helm template render (Grafana 8.12.0, ../shared/corpus)", () => {
  it("reports the Deployment, and mode fix changes only its strategy", async () => {
    const input = readFileSync(MAKERSPACE_GRAFANA, "utf8");
    const reported = await fix(input, ONLY);
    expect(reported.findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining("Deployment grafana/grafana mounts ReadWriteOnce claim grafana and updates with RollingUpdate with maxUnavailable 0 for 1 replica"),
    ]);
    const fixed = await fix(input, withOptions({ mode: "fix" }));
    expect(fixed.changes.map(({ object, path, after }) => [object.name, path.join("."), after])).toEqual([
      ["grafana", "spec.strategy.type", "Recreate"],
      ["grafana", "spec.strategy.rollingUpdate", null],
    ]);
  });
});
