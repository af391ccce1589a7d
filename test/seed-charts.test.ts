/** The five seed charts end to end, through the CLI with each example's own config. */
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { EXAMPLES, example, fix, runBin } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary manifests
function objects(stream: string): Array<Record<string, any>> {
  return parseAllDocuments(stream)
    .map((doc) => doc.toJS())
    .filter(Boolean);
}

const EXAMPLE_RUNS = [
  ["prometheus-pushgateway", "rendered-2.17.0.yaml"],
  ["devlake", "rendered.yaml"],
  ["matomo", "rendered-existing-claim.yaml"],
  ["matomo", "rendered-default.yaml"],
  ["grafana", "rendered.yaml"],
  ["kyverno", "rendered.yaml"],
  ["kyverno", "rendered-helm4.yaml"],
] as const;

describe("examples run with their config", () => {
  for (const [chart, file] of EXAMPLE_RUNS) {
    it(`${chart}/${file}: changes something, explains every change, and a second run changes nothing`, () => {
      const config = join(EXAMPLES, chart, "fix-storage.yaml");
      const input = example(chart, file);
      const first = runBin(["--config", config, "--explain"], input);
      expect(first.code).toBe(0);
      const lines = first.stderr.trim().split("\n");
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^fix-storage: (info: |warning: )?[a-z-]+: document \d+ /);
      expect(first.stdout).not.toBe(input);
      expect(objects(first.stdout)).toHaveLength(objects(input).length);
      const second = runBin(["--config", config], first.stdout);
      expect(second.stdout).toBe(first.stdout);
    });
  }
});

describe("prometheus-pushgateway 2.16.0 -> 2.17.0", () => {
  it("the fixed volumeClaimTemplates of both versions are identical", async () => {
    const vcts = async (version: string) => {
      const result = await fix(example("prometheus-pushgateway", `rendered-${version}.yaml`));
      return objects(result.output).find((object) => object.kind === "StatefulSet")?.spec.volumeClaimTemplates;
    };
    const [old, next] = [await vcts("2.16.0"), await vcts("2.17.0")];
    expect(old).toEqual(next);
    expect(old[0].metadata.labels).not.toHaveProperty("helm.sh/chart");
    expect(old[0].metadata.labels).not.toHaveProperty("app.kubernetes.io/version");
  });
});

describe("Apache DevLake 1.0.1-beta9", () => {
  it("ties the MySQL claim template to the release and, opted in, deletes it with the StatefulSet", async () => {
    // The StatefulSet states no namespace: Helm installs it in the release's (`helm install -n devlake`).
    const result = await fix(example("devlake", "rendered.yaml"), { enable: ["claim-retention"], release: { namespace: "devlake" } });
    const mysql = objects(result.output).find((object) => object.kind === "StatefulSet" && object.metadata.name === "devlake-mysql");
    expect(mysql?.spec.volumeClaimTemplates[0].metadata).toMatchObject({
      name: "devlake-mysql-data",
      annotations: { "meta.helm.sh/release-name": "devlake", "meta.helm.sh/release-namespace": "devlake" },
      labels: { "app.kubernetes.io/managed-by": "Helm" },
    });
    expect(mysql?.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
  });
});

describe("every edited object in the fixtures is a valid Kubernetes object", () => {
  for (const [chart, file] of EXAMPLE_RUNS) {
    it(`${chart}/${file}`, async () => {
      const result = await fix(example(chart, file), { enable: ["claim-retention"] });
      expect(result.changes.length).toBeGreaterThan(0);
      expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([]);
    });
  }
});
