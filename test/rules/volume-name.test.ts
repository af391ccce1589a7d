import { describe, expect, it } from "vitest";
import { parseLiveState } from "../../src/live/live-state.js";
import { parseVolumeNameFlag } from "../../src/rules/volume-name.js";
import { example, fix } from "../helpers.js";
import { optionsFor, type Row, runTable } from "./table.js";

/** StatefulSet `grafana` with `replicas` and claim template `storage`; `spec` is literal text at the end of its spec. */
const grafana = (replicas: number | string = 1, spec = "") => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: grafana
spec:
  replicas: ${replicas}
  serviceName: grafana
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec: {containers: [{name: grafana, image: grafana:8, volumeMounts: [{name: storage, mountPath: /var/lib/grafana}]}]}
  volumeClaimTemplates:
    - metadata:
        name: storage
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 10Gi
${spec}`;

/** PVC `data`, in `namespace` when given; `spec` is literal text at the end of its spec. */
const claim = (namespace?: string, spec = "  storageClassName: manual\n") => `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
${namespace ? `  namespace: ${namespace}\n` : ""}spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
${spec}`;

/** --live state holding claim apps/data with `spec` (literal text of its spec's fields). */
const liveClaims = (spec: string) =>
  parseLiveState(`apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: apps\nspec:\n  accessModes: [ReadWriteOnce]\n${spec}`, "live.yaml");

const TEMPLATE = { statefulSet: "grafana", template: "storage", volumeName: "pv-grafana" };
const REBIND = `if pv-grafana is Released, make it bindable again: kubectl patch pv pv-grafana --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'`;

const table: Record<string, Row> = {
  "no bindings: nothing to do": {
    input: grafana(),
  },
  "binds a StatefulSet's claim template, and says the default class must match": {
    options: { bindings: [TEMPLATE] },
    input: grafana(),
    output: grafana(1, "        volumeName: pv-grafana\n"),
    findings: [
      'StatefulSet grafana volumeClaimTemplate storage (claim storage-grafana-0) sets no storageClassName, so the default StorageClass is filled in and PV pv-grafana must carry that class; for a static PV without a class set the option storageClassName: ""',
    ],
  },
  "storageClassName sets the class of a claim that has none": {
    options: { bindings: [TEMPLATE], storageClassName: "" },
    input: grafana(),
    output: grafana(1, '        volumeName: pv-grafana\n        storageClassName: ""\n'),
  },
  "binds a rendered PVC by name": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    input: claim(),
    output: claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n"),
  },
  "namespace scoping: binds only the claim of the named namespace": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1", namespace: "b" }] },
    input: claim("a") + claim("b"),
    output: claim("a") + claim("b", "  storageClassName: manual\n  volumeName: pv-1\n"),
  },
  "--live: the claim exists bound to another PV; its spec cannot change, so it is left alone, with why": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    with: { release: { namespace: "apps" }, live: { state: liveClaims("  volumeName: pvc-1234\n  storageClassName: standard\n"), mode: "pin" } },
    input: claim(),
    findings: [
      "PersistentVolumeClaim data exists in the cluster bound to PV pvc-1234 (live.yaml), and a bound claim's spec cannot change: binding it to pv-1 would fail the upgrade, so it is left alone",
    ],
  },
  "--live: the claim a StatefulSet's template makes exists bound to another PV: the template's volumeName would never reach it": {
    options: { bindings: [TEMPLATE] },
    with: {
      release: { namespace: "apps" },
      live: {
        state: parseLiveState("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: storage-grafana-0\n  namespace: apps\nspec:\n  volumeName: pv-old\n", "live.yaml"),
        mode: "pin",
      },
    },
    input: grafana(),
    findings: [
      "StatefulSet grafana volumeClaimTemplate storage (claim storage-grafana-0): the claim exists in the cluster bound to PV pv-old (live.yaml), and the StatefulSet keeps using it, so a volumeName in the template would never bind PV pv-grafana: left alone (drop the binding, or delete the claim first to rebind its name)",
      "StatefulSet grafana is not in live.yaml, which holds its claims (storage-grafana-0) but no StatefulSet at all",
      "StatefulSet apps/grafana does not exist in the cluster, but its claims do: storage-grafana-0",
    ],
  },
  "--live: the claim exists bound to that PV: the render says what the cluster has": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    with: { release: { namespace: "apps" }, live: { state: liveClaims("  volumeName: pv-1\n  storageClassName: manual\n"), mode: "pin" } },
    input: claim(),
    output: claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n"),
  },
  "--live: a pending claim may be bound once; a class it has cannot be set": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }], storageClassName: "" },
    with: { release: { namespace: "apps" }, live: { state: liveClaims("  storageClassName: standard\n"), mode: "pin" } },
    input: claim(undefined, ""),
    output: claim(undefined, "  volumeName: pv-1\n"),
    findings: ['PersistentVolumeClaim data exists in the cluster with storageClassName "standard" (live.yaml), which cannot change: the storageClassName option\'s "" is not written'],
  },
  "already bound to that PV: nothing to do": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    input: claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n"),
  },
  "a StatefulSet name that is not in the stream: exit 2": {
    options: { bindings: [{ ...TEMPLATE, statefulSet: "grafna" }] },
    input: grafana(),
    error: "volume-name: no StatefulSet grafna in the stream (StatefulSets: grafana)",
  },
  "a template name the StatefulSet lacks: exit 2": {
    options: { bindings: [{ ...TEMPLATE, template: "data" }] },
    input: grafana(),
    error: "has no volumeClaimTemplate data (it has: storage)",
  },
  "several replicas would all claim one PV: exit 2": {
    options: { bindings: [TEMPLATE] },
    input: grafana(2),
    error: "has 2 replicas; every replica would claim PV pv-grafana",
  },
  "an autoscaler in the stream scales the StatefulSet (its replicas field left out): every replica would claim the PV, exit 2": {
    options: { bindings: [TEMPLATE] },
    input:
      grafana("null") +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: grafana\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: grafana\n  minReplicas: 1\n  maxReplicas: 3\n",
    error: "StatefulSet grafana is scaled by HorizontalPodAutoscaler grafana up to 3 replicas; every replica would claim PV pv-grafana, so only one could bind",
  },
  "an autoscaler of a Deployment of the same name, or in another namespace, does not scale it": {
    options: { bindings: [TEMPLATE], storageClassName: "" },
    input:
      grafana(1).replace("  name: grafana\n", "  name: grafana\n  namespace: a\n") +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: g1\nspec:\n  scaleTargetRef: {kind: Deployment, name: grafana}\n  maxReplicas: 3\n" +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: g2\n  namespace: b\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: grafana}\n  maxReplicas: 3\n",
    output:
      grafana(1, '        volumeName: pv-grafana\n        storageClassName: ""\n').replace("  name: grafana\n", "  name: grafana\n  namespace: a\n") +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: g1\nspec:\n  scaleTargetRef: {kind: Deployment, name: grafana}\n  maxReplicas: 3\n" +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: g2\n  namespace: b\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: grafana}\n  maxReplicas: 3\n",
  },
  "an autoscaler in another namespace than the release's (-n) does not scale the StatefulSet": {
    options: { bindings: [TEMPLATE], storageClassName: "" },
    with: { release: { namespace: "prod" } },
    input: grafana(1) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: grafana\n  namespace: other\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: grafana}\n  maxReplicas: 5\n",
    output:
      grafana(1, '        volumeName: pv-grafana\n        storageClassName: ""\n') +
      "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: grafana\n  namespace: other\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: grafana}\n  maxReplicas: 5\n",
  },
  "replicas Kubernetes may read as a number (YAML 1.1 reads 1_0 as 10) but this reader does not: exit 2, not a guess": {
    options: { bindings: [TEMPLATE] },
    input: grafana("1_0"),
    error: 'StatefulSet grafana has replicas "1_0", which is no whole number as read here',
  },
  "replicas: null is the default of one": {
    options: { bindings: [TEMPLATE], storageClassName: "" },
    input: grafana("null"),
    output: grafana("null", '        volumeName: pv-grafana\n        storageClassName: ""\n'),
  },
  "one claim name in two namespaces: exit 2 naming both, never the first silently": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    input: claim("a") + claim("b"),
    error: "volume-name: PersistentVolumeClaim data is in the stream 2 times (document 1: namespace a; document 2: namespace b); name its namespace in the config: volume-name.bindings: [{..., namespace: NS}]",
  },
  "one StatefulSet name in two namespaces: exit 2 naming both": {
    options: { bindings: [TEMPLATE] },
    input: grafana().replace("  name: grafana\n", "  name: grafana\n  namespace: a\n") + grafana().replace("  name: grafana\n", "  name: grafana\n  namespace: b\n"),
    error: "volume-name: StatefulSet grafana is in the stream 2 times (document 1: namespace a; document 2: namespace b)",
  },
  "a binding's namespace is the release's for a claim that states none (-n)": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1", namespace: "web" }] },
    with: { release: { namespace: "web" } },
    input: claim("apps") + claim(),
    output: claim("apps") + claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n"),
  },
  "one name in a namespace and with none, no -n given: exit 2 asking for -n": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    input: claim("a") + claim(),
    error: "(document 1: namespace a; document 2: namespace not known (pass -n)); pass the release namespace (-n)",
  },
  "a claim whose namespace is no string: exit 2, not a guess at the release's": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    with: { release: { namespace: "a" } },
    input: claim("123"),
    error: "PersistentVolumeClaim data's metadata.namespace is 123, which is no string: Kubernetes refuses the object (quote the value)",
  },
  "one name twice in one namespace (one with it stated, one in the release's): the chart's to fix, said so": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    with: { release: { namespace: "web" } },
    input: claim("web") + claim(),
    error: "volume-name: PersistentVolumeClaim data is in the stream 2 times (document 1: namespace web; document 2: namespace web); objects of one kind, name and namespace are one object to Kubernetes, so the chart renders it twice: fix the chart",
  },
  "bound to another PV already: exit 2": {
    options: { bindings: [{ claim: "data", volumeName: "pv-2" }] },
    input: claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n"),
    error: "already binds volumeName pv-1, not pv-2",
  },
  "one claim bound to two PVs (config and flag, or a flag twice): exit 2, not the last one silently": {
    options: { bindings: [{ claim: "data", volumeName: "pv-9" }, { claim: "data", volumeName: "pv-8" }] },
    input: claim(),
    error: "volume-name: data is bound twice, to pv-9 and to pv-8",
  },
  "one PV bound to two claims: exit 2, since only one could bind": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }, { claim: "logs", volumeName: "pv-1" }] },
    input: claim() + claim().replace("name: data", "name: logs"),
    error: "volume-name: PV pv-1 is bound to both data and logs, but a PV binds one claim and the other would stay Pending",
  },
  "a PV another claim of the stream already names: exit 2": {
    options: { bindings: [{ claim: "data", volumeName: "pv-1" }] },
    input: claim() + claim(undefined, "  storageClassName: manual\n  volumeName: pv-1\n").replace("name: data", "name: logs"),
    error: "volume-name: PV pv-1 is already the volumeName of PersistentVolumeClaim logs, and a PV binds one claim: PersistentVolumeClaim data would stay Pending",
  },
  "a binding with a namespace for a StatefulSet only in another: the error names the namespaces": {
    options: { bindings: [{ ...TEMPLATE, namespace: "c" }] },
    input: grafana().replace("  name: grafana\n", "  name: grafana\n  namespace: a\n"),
    error: "volume-name: no StatefulSet c/grafana in the stream (StatefulSets: a/grafana)",
  },
  "a PV name the API server would reject: exit 2": {
    options: { bindings: [{ claim: "data", volumeName: "PV_bad" }] },
    input: claim(),
    error: "a PersistentVolume name is a DNS-1123 subdomain",
  },
  "a claim name that is not in the stream: exit 2": {
    options: { bindings: [{ claim: "grafana", volumeName: "pv" }] },
    input: claim(),
    error: "no PersistentVolumeClaim grafana in the stream",
  },
};

describe("volume-name", () => runTable("volume-name", table));

describe("volume-name on the real render of Grafana 8.8.2 (persistence.type=sts)", () => {
  it("binds the claim template and says how to release the PV", async () => {
    const result = await fix(example("grafana", "rendered.yaml"), optionsFor("volume-name", { options: { bindings: [TEMPLATE] } }));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ op: "set", path: ["spec", "volumeClaimTemplates", 0, "spec", "volumeName"], after: "pv-grafana" });
    expect(result.changes[0]?.reason).toContain(REBIND);
    expect(result.output).toContain("          storage: 10Gi\n      volumeName: pv-grafana\n");
  });
});

describe("--volume-name", () => {
  it("reads STATEFULSET/TEMPLATE=PV and CLAIM=PV", () => {
    expect(parseVolumeNameFlag("grafana/storage=pv-1")).toEqual({ statefulSet: "grafana", template: "storage", volumeName: "pv-1" });
    expect(parseVolumeNameFlag("data=pv-1")).toEqual({ claim: "data", volumeName: "pv-1" });
    expect(() => parseVolumeNameFlag("grafana")).toThrow("expected STATEFULSET/TEMPLATE=PV or CLAIM=PV");
  });
});
