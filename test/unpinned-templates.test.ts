/**
 * Without --live, a StatefulSet whose volumeClaimTemplates changed, or a rendered claim whose spec changed, gets one
 * info finding naming --live.
 */
import { describe, expect, it } from "vitest";
import { fixStream } from "../src/fix-stream.js";
import { parseLiveState } from "../src/live/live-state.js";
import { example } from "./helpers.js";

const statefulSet = (name: string, labels: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: data
  labels:
    helm.sh/chart: db-1.0.0
spec:
  serviceName: ${name}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: c:1}]}
  volumeClaimTemplates:
    - metadata:
        name: data
${labels}      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

const notes = async (input: string, options = {}) =>
  (await fixStream(input, options)).findings.filter((finding) => finding.rule === "live-state").map((finding) => finding.message);

describe("changed claim templates without --live", () => {
  it("one note per StatefulSet, naming the rules that changed its templates, --live and the orphan delete", async () => {
    const input = `${statefulSet("a", "        labels: {helm.sh/chart: db-1.0.0}\n")}---\n${statefulSet("b", "        labels: {helm.sh/chart: db-1.0.0}\n")}`;
    expect(await notes(input, { release: { name: "rel" } })).toEqual([
      "StatefulSet data/a: volumeClaimTemplates changed (claim-template-labels, claim-ownership) without --live, as for a new StatefulSet; if the cluster has it with other templates (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate it with `kubectl delete statefulset a --cascade=orphan`",
      "StatefulSet data/b: volumeClaimTemplates changed (claim-template-labels, claim-ownership) without --live, as for a new StatefulSet; if the cluster has it with other templates (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate it with `kubectl delete statefulset b --cascade=orphan`",
    ]);
  });

  it("no note when the templates are unchanged, or when only a field a live StatefulSet allows changed", async () => {
    expect(await notes(statefulSet("a", ""), { disable: ["claim-ownership"] })).toEqual([]);
    expect(await notes(statefulSet("a", ""), { disable: ["claim-ownership"], enable: ["claim-retention"] })).toEqual([]);
  });

  it("no note with --live, which pins what the cluster has instead", async () => {
    const state = parseLiveState(example("prometheus-pushgateway", "live-2.16.0.yaml"), "live");
    const input = example("prometheus-pushgateway", "rendered-2.17.0.yaml");
    const withoutLive = (messages: string[]) => messages.filter((message) => message.includes("without --live"));
    expect(withoutLive(await notes(input))).toHaveLength(1);
    expect(withoutLive(await notes(input, { live: { state, mode: "pin" } }))).toEqual([]);
  });
});

describe("a rendered claim's spec changed without --live (volume-name)", () => {
  const claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: apps\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";

  it("one note naming the fields, --live, and that a bound claim's spec cannot change", async () => {
    expect(await notes(claim, { ruleOptions: { "volume-name": { bindings: [{ claim: "data", volumeName: "pv-old" }], storageClassName: "" } } })).toEqual([
      "PersistentVolumeClaim apps/data: spec.volumeName and spec.storageClassName set without --live, as for a new claim; if the cluster has the claim already, its spec cannot change and the upgrade fails: pass --live kubectl or --live FILE to check, or delete the claim first (its PV is kept only if its reclaim policy is Retain)",
    ]);
  });

  it("none with --live", async () => {
    const state = parseLiveState("apiVersion: v1\nkind: List\nitems: []\n", "live");
    expect(await notes(claim, { ruleOptions: { "volume-name": { bindings: [{ claim: "data", volumeName: "pv-old" }] } }, live: { state, mode: "pin" } })).toEqual([]);
  });
});
