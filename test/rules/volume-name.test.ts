import { describe, expect, it } from "vitest";
import { parseVolumeNameFlag } from "../../src/rules/volume-name.js";
import { example, fix } from "../helpers.js";

const GRAFANA = example("grafana", "rendered.yaml");
const only = { disable: ["claim-template-labels", "claim-ownership", "cronjob-claims", "idempotent-cleanup"] };
const bind = (bindings: unknown[], extra: Record<string, unknown> = {}) => ({
  ...only,
  config: { rules: { "volume-name": { bindings, ...extra } } },
});

describe("volume-name (Grafana 8.8.2, persistence.type=sts)", () => {
  it("does nothing without bindings", async () => {
    expect((await fix(GRAFANA, only)).changes).toEqual([]);
  });

  it("binds the StatefulSet's claim template to a retained PV and says how to release it", async () => {
    const result = await fix(GRAFANA, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv-grafana" }]));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ op: "set", path: ["spec", "volumeClaimTemplates", 0, "spec", "volumeName"], after: "pv-grafana" });
    expect(result.changes[0]?.reason).toContain(`kubectl patch pv pv-grafana --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'`);
    expect(result.output).toContain("          storage: 10Gi\n      volumeName: pv-grafana\n");
    expect(result.findings[0]?.message).toContain('sets no storageClassName, so the default StorageClass is filled in and PV pv-grafana must carry that class; for a static PV without a class set the option storageClassName: ""');
    expect((await fix(result.output, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv-grafana" }]))).changes).toEqual([]);
  });

  it("sets storageClassName when the option asks", async () => {
    const result = await fix(GRAFANA, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv-grafana" }], { storageClassName: "" }));
    expect(result.changes.map((change) => [change.path.at(-1), change.after])).toEqual([
      ["volumeName", "pv-grafana"],
      ["storageClassName", ""],
    ]);
    expect(result.output).toContain('storageClassName: ""');
  });

  it("fails on a typo, on several replicas and on a different existing volumeName", async () => {
    await expect(fix(GRAFANA, bind([{ statefulSet: "grafna", template: "storage", volumeName: "pv" }]))).rejects.toThrow(
      "volume-name: no StatefulSet grafna in the stream (StatefulSets: grafana)",
    );
    await expect(fix(GRAFANA, bind([{ statefulSet: "grafana", template: "data", volumeName: "pv" }]))).rejects.toThrow(
      "has no volumeClaimTemplate data (it has: storage)",
    );
    const scaled = GRAFANA.replace(/(kind: StatefulSet[\s\S]*?\nspec:\n {2}replicas: )1/, "$12");
    expect(scaled).not.toBe(GRAFANA);
    await expect(fix(scaled, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv" }]))).rejects.toThrow(
      "has 2 replicas; every replica would claim PV pv",
    );
    const bound = (await fix(GRAFANA, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv-a" }]))).output;
    await expect(fix(bound, bind([{ statefulSet: "grafana", template: "storage", volumeName: "pv-b" }]))).rejects.toThrow(
      "already binds volumeName pv-a, not pv-b",
    );
    await expect(fix(GRAFANA, bind([{ claim: "grafana", volumeName: "pv" }]))).rejects.toThrow("no PersistentVolumeClaim grafana in the stream");
  });

  it("binds a rendered PVC by name", async () => {
    const pvc = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  storageClassName: manual\n  resources:\n    requests:\n      storage: 1Gi\n";
    const result = await fix(pvc, bind([{ claim: "data", volumeName: "pv-1" }]));
    expect(result.output).toBe(pvc.replace("      storage: 1Gi\n", "      storage: 1Gi\n  volumeName: pv-1\n"));
    expect(result.findings).toEqual([]);
  });
});

describe("--volume-name", () => {
  it("reads STATEFULSET/TEMPLATE=PV and CLAIM=PV", () => {
    expect(parseVolumeNameFlag("grafana/storage=pv-1")).toEqual({ statefulSet: "grafana", template: "storage", volumeName: "pv-1" });
    expect(parseVolumeNameFlag("data=pv-1")).toEqual({ claim: "data", volumeName: "pv-1" });
    expect(() => parseVolumeNameFlag("grafana")).toThrow("expected STATEFULSET/TEMPLATE=PV or CLAIM=PV");
  });
});
