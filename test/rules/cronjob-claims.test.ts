import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { example, fix } from "../helpers.js";

const EXISTING = example("matomo", "rendered-existing-claim.yaml");
const DEFAULT = example("matomo", "rendered-default.yaml");
const only = { disable: ["claim-template-labels", "claim-ownership", "volume-name", "idempotent-cleanup"] };
const withMode = (mode: string, extra: Record<string, unknown> = {}) => ({
  ...only,
  config: { rules: { "cronjob-claims": { mode, ...extra } } },
});

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

/** The pod specs of the two Matomo CronJobs, as data. */
function cronJobPods(output: string): Record<string, Record<string, unknown>> {
  const pods: Record<string, Record<string, unknown>> = {};
  for (const doc of parseAllDocuments(output)) {
    const object = doc.toJS();
    if (object?.kind === "CronJob") pods[object.metadata.name] = object.spec.jobTemplate.spec.template.spec;
  }
  return pods;
}

describe("cronjob-claims on Bitnami Matomo 9.3.4 with persistence.existingClaim=matomo-data", () => {
  it("share (default): both CronJobs mount the Deployment's claim and run on its node", async () => {
    const result = await fix(EXISTING, only);
    const pods = cronJobPods(result.output);
    for (const name of ["matomo-archive", "matomo-scheduled-tasks"]) {
      const pod = pods[name] as { volumes: Array<Record<string, unknown>>; affinity: unknown };
      expect(pod.volumes.find((volume) => volume.name === "matomo-data")).toEqual({
        name: "matomo-data",
        persistentVolumeClaim: { claimName: "matomo-data" },
      });
      expect(pod.affinity).toEqual(AFFINITY);
    }
    expect(result.changes[0]?.reason).toBe(
      "nothing in the stream creates claim matomo-matomo, and Deployment matomo/matomo mounts matomo-data at the same path /bitnami/matomo; the Job's pods would stay Pending; the Job now shares matomo-data",
    );
    const again = await fix(result.output, only);
    expect(again.changes).toEqual([]);
    expect(again.output).toBe(result.output);
  });

  it("emptyDir: the claim becomes scratch space, no affinity", async () => {
    const result = await fix(EXISTING, withMode("emptyDir"));
    const pod = cronJobPods(result.output)["matomo-archive"] as { volumes: unknown[]; affinity?: unknown };
    expect(pod.volumes).toContainEqual({ name: "matomo-data", emptyDir: {} });
    expect(pod.affinity).toBeUndefined();
    expect((await fix(result.output, withMode("emptyDir"))).changes).toEqual([]);
  });

  it("remove: the volume and every mount of it go", async () => {
    const result = await fix(EXISTING, withMode("remove"));
    const pod = cronJobPods(result.output)["matomo-archive"] as {
      volumes: Array<{ name: string }>;
      containers: Array<{ volumeMounts: Array<{ name: string }> }>;
    };
    expect(pod.volumes.map((volume) => volume.name)).toEqual(["matomo-secrets"]);
    expect(pod.containers[0]?.volumeMounts.map((mount) => mount.name)).toEqual(["matomo-secrets"]);
    expect((await fix(result.output, withMode("remove"))).changes).toEqual([]);
  });

  it("report: changes nothing and says what share would do", async () => {
    const result = await fix(EXISTING, withMode("report"));
    expect(result.output).toBe(EXISTING);
    expect(result.findings.map((finding) => finding.message)).toContainEqual(
      expect.stringContaining("mode report, so left alone (mode share would mount matomo-data)"),
    );
  });

  it("claims maps by hand, and coLocate: false drops the affinity", async () => {
    const result = await fix(EXISTING, withMode("share", { claims: { "matomo-matomo": "shared-rwx" }, coLocate: false }));
    const pod = cronJobPods(result.output)["matomo-archive"] as { volumes: Array<Record<string, unknown>>; affinity?: unknown };
    expect(pod.volumes).toContainEqual({ name: "matomo-data", persistentVolumeClaim: { claimName: "shared-rwx" } });
    expect(pod.affinity).toBeUndefined();
  });

  it("does not co-locate when the claim is ReadWriteMany", async () => {
    const result = await fix(EXISTING, withMode("share", { accessMode: "ReadWriteMany" }));
    expect(result.changes.map((change) => change.path.at(-1))).toEqual(["claimName", "claimName"]);
  });
});

describe("cronjob-claims on Bitnami Matomo 9.3.4 with default values", () => {
  it("co-locates both CronJobs with the Deployment, since matomo-matomo is ReadWriteOnce", async () => {
    const result = await fix(DEFAULT, only);
    const pods = cronJobPods(result.output);
    expect(pods["matomo-archive"]?.affinity).toEqual(AFFINITY);
    expect(pods["matomo-scheduled-tasks"]?.affinity).toEqual(AFFINITY);
    expect(result.changes.every((change) => change.path.includes("affinity"))).toBe(true);
    expect((await fix(result.output, only)).changes).toEqual([]);
  });

  it("merges into an existing affinity", async () => {
    const withAffinity = DEFAULT.replace(
      /(name: matomo-archive[\s\S]*?\n)( {10})containers:/,
      (_all, head: string, pad: string) =>
        `${head}${pad}affinity:\n${pad}  nodeAffinity:\n${pad}    requiredDuringSchedulingIgnoredDuringExecution:\n${pad}      nodeSelectorTerms:\n${pad}        - matchExpressions: [{key: disk, operator: In, values: [ssd]}]\n${pad}containers:`,
    );
    expect(withAffinity).not.toBe(DEFAULT);
    const result = await fix(withAffinity, only);
    const pod = cronJobPods(result.output)["matomo-archive"] as { affinity: Record<string, unknown> };
    expect(Object.keys(pod.affinity)).toEqual(["nodeAffinity", "podAffinity"]);
    expect(pod.affinity.podAffinity).toEqual(AFFINITY.podAffinity);
  });
});

describe("cronjob-claims: what it will not guess", () => {
  const stream = (deployments: string[], jobClaim: string) =>
    [
      ...deployments.map(
        (claim, i) =>
          `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  selector:\n    matchLabels: {app: app${i}}\n  template:\n    spec:\n      containers:\n        - name: c\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: ${claim}}\n`,
      ),
      `---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: ${jobClaim}}\n`,
    ].join("");

  it("reports a claim nothing creates when no main workload mounts anything at that path", async () => {
    const result = await fix(stream([], "lost"), only);
    expect(result.changes).toEqual([]);
    expect(result.findings[0]?.message).toContain("mounts claim lost, which nothing in the stream creates and no main workload mounts");
  });

  it("reports, and does not pick, when main workloads mount several claims at that path", async () => {
    const result = await fix(stream(["a", "b"], "lost"), only);
    expect(result.changes).toEqual([]);
    expect(result.findings[0]?.message).toContain("(a, b), so which one is meant is not clear (set cronjob-claims.claims: {lost: NAME})");
  });

  it("leaves a Job that already mounts the workload's own claim alone, but co-locates it", async () => {
    const result = await fix(stream(["shared"], "shared"), only);
    expect(result.changes.map((change) => change.path.slice(-2).join("."))).toEqual(["podAffinity.requiredDuringSchedulingIgnoredDuringExecution"]);
    expect(parse(result.output.split("---\n")[2] as string).spec.template.spec.affinity.podAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "app0" } }, topologyKey: "kubernetes.io/hostname" }],
    });
  });
});
