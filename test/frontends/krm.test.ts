/**
 * KRM function: `kpt fn eval DIR --exec bin/fix-storage` sends a config.kubernetes.io/v1 ResourceList and writes the
 * returned items back to their files. kpt re-serialises files itself, so the baseline is the same directory run
 * through an identity function: against it, only the objects fix-storage changed may differ.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { BIN, EXAMPLES, example, runBin } from "../helpers.js";
import { hasTool, objectsByKey, tempDir } from "./hosts.js";

const kpt = hasTool("kpt", ["version"]);
if (!kpt) console.warn("skipping KRM interop tests: kpt is not on PATH");

function kptEval(files: Record<string, string>, exec: string, extra: string[] = []) {
  const dir = tempDir("fix-storage-kpt-");
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const result = spawnSync("kpt", ["fn", "eval", dir, "--exec", exec, ...extra], { encoding: "utf8" });
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { ...result, read };
}

function identityFunction(): string {
  const path = join(tempDir(), "identity");
  writeFileSync(path, "#!/bin/sh\ncat\n");
  chmodSync(path, 0o755);
  return path;
}

function documentsByKey(stream: string): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const doc of stream.split(/^---\n/m)) {
    const object = parseAllDocuments(doc)[0]?.toJS();
    if (object?.kind) byKey.set(`${object.kind}/${object.metadata?.name}`, doc);
  }
  return byKey;
}

describe.skipIf(!kpt)("kpt fn eval --exec bin/fix-storage", () => {
  const files = {
    "matomo.yaml": example("matomo", "rendered-existing-claim.yaml"),
    "pushgateway.yaml": example("prometheus-pushgateway", "rendered-2.17.0.yaml"),
  };

  it("changes only the objects it fixes; files, # Source comments and other objects stay as kpt writes them", () => {
    const baseline = kptEval(files, identityFunction());
    expect(baseline.status, baseline.stderr).toBe(0);
    const fnConfig = join(EXAMPLES, "krm", "fix-storage-fn.yaml");
    const fixed = kptEval(files, BIN, ["--fn-config", fnConfig]);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain('[PASS] "');
    // The functionConfig names release pushgateway: it speaks for that release's items only. Every item states its own
    // release, so the CLI, given the same rules and no release, must write the same.
    const rulesOnly = join(tempDir(), "rules.yaml");
    writeFileSync(rulesOnly, "rules:\n  claim-template-labels:\n    enabled: true\n");
    const mariadb = objectsByKey(fixed.read("matomo.yaml")).get("StatefulSet/matomo/matomo-mariadb") as {
      spec: { volumeClaimTemplates: Array<{ metadata: { annotations: Record<string, string> } }> };
    };
    expect(mariadb.spec.volumeClaimTemplates[0]?.metadata.annotations).toEqual({
      "meta.helm.sh/release-name": "matomo",
      "meta.helm.sh/release-namespace": "matomo",
    });
    for (const [name, content] of Object.entries(files)) {
      const report = join(tempDir(), "report.json");
      const cli = runBin(["--config", rulesOnly, "--report", report], content);
      const changed = new Set(
        (JSON.parse(readFileSync(report, "utf8")).changes as Array<{ kind: string; name: string }>).map((c) => `${c.kind}/${c.name}`),
      );
      expect(changed.size).toBeGreaterThan(0);
      const before = documentsByKey(baseline.read(name));
      const after = documentsByKey(fixed.read(name));
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [key, doc] of before) {
        if (!changed.has(key)) expect(after.get(key), key).toBe(doc);
        expect(after.get(key)?.match(/^# Source: .+$/m)?.[0], key).toBe(doc.match(/^# Source: .+$/m)?.[0]);
      }
      const viaKpt = objectsByKey(fixed.read(name));
      const viaCli = objectsByKey(cli.stdout);
      for (const [key, object] of viaCli) expect(viaKpt.get(key), key).toEqual(object);
    }
  });

  it("reports changes and findings as results; the `-- key=value` ConfigMap's release applies to items of that release only", () => {
    const bare = [
      "apiVersion: apps/v1",
      "kind: StatefulSet",
      "metadata:",
      "  name: cache",
      "spec:",
      "  serviceName: cache",
      "  selector: {matchLabels: {app: cache}}",
      "  template:",
      "    metadata: {labels: {app: cache}}",
      "    spec: {containers: [{name: cache, image: cache:1, volumeMounts: [{name: data, mountPath: /data}]}]}",
      "  volumeClaimTemplates:",
      "    - metadata: {name: data}",
      "      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}",
      "",
    ].join("\n");
    const run = kptEval({ "pushgateway.yaml": files["pushgateway.yaml"], "cache.yaml": bare }, BIN, [
      "--",
      "release-name=pg",
      "namespace=obs",
      "disable=claim-template-labels",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("[info] apps/v1/StatefulSet/monitoring/pushgateway-prometheus-pushgateway");
    const statefulSet = objectsByKey(run.read("pushgateway.yaml")).get("StatefulSet/monitoring/pushgateway-prometheus-pushgateway") as {
      spec: { volumeClaimTemplates: Array<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> } }> };
    };
    // Release pushgateway in monitoring says so itself: pg/obs is another release's.
    expect(statefulSet.spec.volumeClaimTemplates[0]?.metadata.annotations).toEqual({
      "meta.helm.sh/release-name": "pushgateway",
      "meta.helm.sh/release-namespace": "monitoring",
    });
    expect(statefulSet.spec.volumeClaimTemplates[0]?.metadata.labels["helm.sh/chart"]).toBe("prometheus-pushgateway-2.17.0");
    const cache = run.read("cache.yaml");
    expect(cache).toContain("meta.helm.sh/release-name: pg");
    expect(cache).toContain("meta.helm.sh/release-namespace: obs");
  });

  it("rejects an unknown key of the `-- key=value` ConfigMap", () => {
    const run = kptEval({ "pushgateway.yaml": files["pushgateway.yaml"] }, BIN, ["--", "release=pg"]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('functionConfig ConfigMap: unknown key \\"release\\" (keys are: release-name, namespace, enable, disable');
    expect(run.read("pushgateway.yaml")).toBe(files["pushgateway.yaml"]);
  });
});

describe("fix-storage krm under Argo CD (exec functions inherit its environment)", () => {
  it("a functionConfig release name makes an ARGOCD_APP_NAME Helm would reject (a long Application) moot", () => {
    const resourceList = [
      "apiVersion: config.kubernetes.io/v1",
      "kind: ResourceList",
      "functionConfig: {apiVersion: v1, kind: ConfigMap, metadata: {name: fn}, data: {release-name: prom, namespace: monitoring}}",
      "items:",
      "- apiVersion: apps/v1",
      "  kind: StatefulSet",
      "  metadata: {name: prom, labels: {app.kubernetes.io/instance: prom}}",
      "  spec:",
      "    serviceName: prom",
      "    selector: {matchLabels: {app: prom}}",
      "    template: {metadata: {labels: {app: prom}}, spec: {containers: [{name: prom, image: prom:1}]}}",
      "    volumeClaimTemplates:",
      "    - metadata: {name: data}",
      "      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}",
      "",
    ].join("\n");
    const run = runBin(["krm"], resourceList, { ARGOCD_APP_NAME: "a".repeat(54) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("meta.helm.sh/release-name: prom");
  });
});

describe("fix-storage krm", () => {
  const list = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: apps/v1",
    "  kind: StatefulSet",
    "  metadata:",
    "    name: db",
    "    namespace: data",
    "    annotations:",
    "      config.kubernetes.io/index: '0'",
    "      internal.config.kubernetes.io/path: 'db.yaml'",
    "      internal.config.kubernetes.io/annotations-migration-resource-id: '0'",
    "  spec:",
    "    serviceName: db",
    "    volumeClaimTemplates:",
    "    - metadata:",
    "        name: data",
    "        labels: # the chart's labels",
    "          app: db",
    "          helm.sh/chart: db-1.0.0",
    "functionConfig:",
    "  apiVersion: fix-storage.dev/v1alpha1",
    "  kind: FixStorage",
    "  metadata: {name: fix}",
    "  rules: {claim-ownership: {enabled: false}}",
    "",
  ].join("\n");

  it("is chosen automatically for a ResourceList, edits items in place and adds results", () => {
    const run = runBin([], list);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(list.replace("          helm.sh/chart: db-1.0.0\n", ""))).toBe(true);
    const out = parseAllDocuments(run.stdout)[0]?.toJS();
    expect(out.results.filter((result: { tags: { rule: string } }) => result.tags.rule !== "schema")).toEqual([
      expect.objectContaining({
        severity: "info",
        resourceRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", namespace: "data" },
        field: { path: 'spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"]', currentValue: "db-1.0.0" },
        file: { path: "db.yaml", index: 0 },
      }),
      expect.objectContaining({
        severity: "info",
        message: expect.stringContaining("live-state: StatefulSet data/db: volumeClaimTemplates changed (claim-template-labels) without --live"),
        resourceRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", namespace: "data" },
        field: { path: "spec.volumeClaimTemplates" },
      }),
    ]);
    expect(runBin(["krm"], list).stdout).toBe(run.stdout);
  });

  /** A ResourceList of `items` (literal YAML, indented as kpt sends them) and a `functionConfig`. */
  const resourceList = (items: string, functionConfig: string) =>
    `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}functionConfig:\n${functionConfig}`;
  const item = (name: string, metadata: string) => `- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: ${name}
${metadata}  spec:
    serviceName: ${name}
    selector: {matchLabels: {app: ${name}}}
    template:
      metadata: {labels: {app: ${name}}}
      spec: {containers: [{name: c, image: c:1, volumeMounts: [{name: data, mountPath: /data}]}]}
    volumeClaimTemplates:
    - metadata:
        name: data
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  const ownership = (name: string, namespace: string) => `        annotations:
          meta.helm.sh/release-name: ${name}
          meta.helm.sh/release-namespace: ${namespace}
        labels:
          app.kubernetes.io/managed-by: Helm
`;
  const itemsOf = (stdout: string) => stdout.slice(0, stdout.indexOf("functionConfig:"));
  // As charts label their objects: helm.sh/chart shows Helm rendered the item (KRM items carry no # Source comment).
  const OWN = "    namespace: data\n    labels: {app.kubernetes.io/instance: db, helm.sh/chart: db-1.0.0}\n";

  it("reads the release from each item itself, though items are indented", () => {
    const run = runBin(["krm"], resourceList(item("db", OWN), "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {}\n"));
    expect(run.stderr).toBe("");
    expect(itemsOf(run.stdout)).toBe(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${item("db", OWN).replace("        name: data\n", `        name: data\n${ownership("db", "data")}`)}`);
  });

  it("applies a functionConfig release only to items of that release, or of none", () => {
    const items = item("db", OWN) + item("cache", "");
    const config = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {release-name: web, namespace: shop}\n";
    const run = runBin(["krm"], resourceList(items, config));
    expect(run.code, run.stderr).toBe(0);
    const expected =
      item("db", OWN).replace("        name: data\n", `        name: data\n${ownership("db", "data")}`) +
      item("cache", "").replace("        name: data\n", `        name: data\n${ownership("web", "shop")}`);
    expect(itemsOf(run.stdout)).toBe(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${expected}`);
  });

  it("an item of another release without a namespace: the result says the functionConfig's namespace is not its", () => {
    const items = item("db", "    labels: {app.kubernetes.io/instance: db, helm.sh/chart: db-1.0.0}\n");
    const config = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {release-name: web, namespace: shop}\n";
    const run = runBin(["krm"], resourceList(items, config));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "StatefulSet db states no metadata.namespace, and the functionConfig's namespace shop is for release web, not this object's db (its app.kubernetes.io/instance label); make the functionConfig's release-name agree, or pass --namespace NS (-n)",
    );
  });

  it("the config-schema functionConfig's release is scoped the same way", () => {
    const config = "  apiVersion: fix-storage.dev/v1alpha1\n  kind: FixStorage\n  metadata: {name: fn}\n  release: {name: web, namespace: shop}\n";
    const run = runBin(["krm"], resourceList(item("db", OWN), config));
    expect(run.code, run.stderr).toBe(0);
    expect(itemsOf(run.stdout)).toContain("meta.helm.sh/release-name: db\n");
    expect(itemsOf(run.stdout)).not.toContain("web");
  });

  it("rejects an unknown key of a ConfigMap functionConfig with exit 2 and no output", () => {
    const config = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {releas-name: web}\n";
    const run = runBin(["krm"], resourceList(item("db", OWN), config));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('functionConfig ConfigMap: unknown key "releas-name" (keys are: release-name, namespace, enable, disable');
  });

  it.each([
    ["a ConfigMap value that is no string", resourceList(item("db", OWN), "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {enable: [claim-retention]}\n"), 'functionConfig ConfigMap: "enable" is no string (ConfigMap data holds strings: write enable: "a,b")'],
    ["a functionConfig that is no map", resourceList(item("db", OWN), "  just a string\n"), "krm: the ResourceList's functionConfig is no map"],
    ["items that are no list", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {}\n", "krm: the ResourceList's items is no list"],
    ["an apiVersion the KRM spec does not define", "apiVersion: v1\nkind: ResourceList\nitems: []\n", 'krm: a ResourceList\'s apiVersion is config.kubernetes.io/v1, not "v1"'],
  ])("rejects %s with exit 2 and no output", async (_what, input, message) => {
    const outcome = await runCli({ argv: ["krm"], env: {}, readStdin: async () => new TextEncoder().encode(input) });
    expect({ code: outcome.code, stdout: outcome.stdout }).toEqual({ code: 2, stdout: "" });
    expect(outcome.stderr.join("\n")).toContain(message);
  });

  it("reads a config.kubernetes.io/v1beta1 ResourceList as v1, and answers in its apiVersion", async () => {
    const input = resourceList(item("db", OWN), "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {}\n").replace("apiVersion: config.kubernetes.io/v1\n", "apiVersion: config.kubernetes.io/v1beta1\n");
    const outcome = await runCli({ argv: ["krm"], env: {}, readStdin: async () => new TextEncoder().encode(input) });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.startsWith("apiVersion: config.kubernetes.io/v1beta1\n")).toBe(true);
    expect(outcome.stdout).toContain("results:");
  });

  it("a mistyped rule in a ConfigMap functionConfig gets a suggestion", async () => {
    const config = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {enable: claim-retension}\n";
    const outcome = await runCli({ argv: ["krm"], env: {}, readStdin: async () => new TextEncoder().encode(resourceList(item("db", OWN), config)) });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.join("\n")).toContain('unknown rule "claim-retension": did you mean "claim-retention"?');
  });

  it("edits a cleanup hook Job item as a hook: a ResourceList's items are resources, not the items of a List", async () => {
    const job = (args: string, policy: string) => `- apiVersion: batch/v1
  kind: Job
  metadata:
    name: cleanup
    annotations:
      helm.sh/hook: post-delete
${policy}  spec:
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: kubectl
          image: bitnami/kubectl:1.30
          args: [${args}]
`;
    const input = resourceList(job("delete, pvc, data-db-0", ""), "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {}\n");
    const outcome = await runCli({ argv: ["krm"], env: {}, readStdin: async () => new TextEncoder().encode(input) });
    expect(outcome.code, outcome.stderr.join("\n")).toBe(0);
    expect(itemsOf(outcome.stdout)).toBe(
      `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${job("delete, pvc, data-db-0, --ignore-not-found", "      helm.sh/hook-delete-policy: before-hook-creation\n")}`,
    );
  });

  it("honours --live and --live-mode", () => {
    const live = join(tempDir(), "live.yaml");
    const liveItem = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  volumeClaimTemplates:
    - metadata: {name: data, labels: {tier: old}}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    writeFileSync(live, liveItem);
    const list = resourceList(item("db", OWN), "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {}\n");
    const pinned = runBin(["krm", "--live", live], list);
    expect(pinned.code, pinned.stderr).toBe(0);
    const out = parseAllDocuments(pinned.stdout)[0]?.toJS();
    expect(out.items[0].spec.volumeClaimTemplates[0].metadata).toEqual({ name: "data", labels: { tier: "old" } });
    expect(out.results).toContainEqual(expect.objectContaining({ tags: { rule: "live-state" }, severity: "warning" }));
    const fail = runBin(["krm", "--live", live, "--live-mode", "fail"], list);
    expect(fail).toMatchObject({ code: 2, stdout: "" });
    expect(fail.stderr).toContain("--live-mode fail: 1 problem(s) with the live state");
  });

  it("--live compares an item that states no namespace in the functionConfig's namespace", () => {
    const live = join(tempDir(), "live.yaml");
    writeFileSync(
      live,
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache, namespace: shop}\nspec:\n  volumeClaimTemplates:\n    - metadata: {name: data, labels: {tier: old}}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    );
    const config = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {namespace: shop, disable: claim-ownership}\n";
    const run = runBin(["krm", "--live", live], resourceList(item("cache", ""), config));
    expect(run.code, run.stderr).toBe(0);
    const out = parseAllDocuments(run.stdout)[0]?.toJS();
    expect(out.items[0].spec.volumeClaimTemplates[0].metadata).toEqual({ name: "data", labels: { tier: "old" } });
  });

  const krm = async (argv: string[], stdin: string) =>
    runCli({ argv: ["krm", ...argv], env: {}, readStdin: async () => new TextEncoder().encode(stdin) });

  it("its output is a fixed point: a second run on it adds no result twice", async () => {
    const first = await krm([], list);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("results:");
    const second = await krm([], first.stdout);
    expect(second).toMatchObject({ code: 0, stderr: [] });
    expect(second.stdout).toBe(first.stdout);
  });

  it("--report FILE writes the transform's report for the ResourceList", async () => {
    const report = join(tempDir(), "report.json");
    const run = await krm(["--report", report], list);
    expect(run.code).toBe(0);
    const written = JSON.parse(readFileSync(report, "utf8"));
    expect(written.changes.map((change: { rule: string }) => change.rule)).toContain("claim-template-labels");
  });

  it("refuses a stream of several documents with exit 2, no output and a located message", async () => {
    const stream = `${list}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n`;
    const outcome = await runCli({ argv: ["krm"], env: {}, readStdin: async () => new TextEncoder().encode(stream) });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([
      "fix-storage: line 26, column 1: krm: stdin holds more than one YAML document, where a KRM function reads one ResourceList",
    ]);
  });

  it("rejects an invalid functionConfig with exit 2 and no output", () => {
    const run = runBin(["krm"], list.replace("rules: {claim-ownership: {enabled: false}}", "rules: {claim-ownership: {enabld: false}}"));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('invalid config functionConfig: rules.claim-ownership: unknown key "enabld"');
  });
});

