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
    for (const [name, content] of Object.entries(files)) {
      const report = join(tempDir(), "report.json");
      const cli = runBin(["--config", fnConfig, "--report", report], content);
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

  it("reports changes and findings as results, and takes kpt's `-- key=value` ConfigMap", () => {
    const run = kptEval({ "pushgateway.yaml": files["pushgateway.yaml"] }, BIN, ["--", "release-name=pg", "namespace=obs", "disable=claim-template-labels"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("[info] apps/v1/StatefulSet/monitoring/pushgateway-prometheus-pushgateway");
    const written = run.read("pushgateway.yaml");
    expect(written).toContain("meta.helm.sh/release-name: pg");
    expect(written).toContain("meta.helm.sh/release-namespace: obs");
    const statefulSet = objectsByKey(written).get("StatefulSet/monitoring/pushgateway-prometheus-pushgateway") as {
      spec: { volumeClaimTemplates: Array<{ metadata: { labels: Record<string, string> } }> };
    };
    expect(statefulSet.spec.volumeClaimTemplates[0]?.metadata.labels["helm.sh/chart"]).toBe("prometheus-pushgateway-2.17.0");
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
    ]);
    expect(runBin(["krm"], list).stdout).toBe(run.stdout);
  });

  it("rejects an invalid functionConfig with exit 2 and no output", () => {
    const run = runBin(["krm"], list.replace("rules: {claim-ownership: {enabled: false}}", "rules: {claim-ownership: {enabld: false}}"));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('invalid config functionConfig: rules.claim-ownership: unknown key "enabld"');
  });
});

