/** `check -o sarif`: the SARIF 2.1.0 structure code scanning reads, one physicalLocation per `# Source:` template. */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { RULE_NAMES } from "../../src/rules/rule.js";
import { example } from "../helpers.js";

async function sarif(argv: string[], stdin: string) {
  const outcome = await runCli({ argv: ["check", "-o", "sarif", ...argv], env: {}, readStdin: async () => Buffer.from(stdin) });
  return { ...outcome, log: JSON.parse(outcome.stdout) };
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations?: Array<{ name: string }> }>;
  partialFingerprints: Record<string, string>;
}

describe("check -o sarif", () => {
  it("has version 2.1.0, one run whose driver lists every rule, and results with ruleId, level, message and location", async () => {
    const { code, log } = await sarif(["--chart-dir", "charts/matomo"], example("matomo", "rendered-existing-claim.yaml"));
    expect(code).toBe(1);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe("fix-storage");
    const ruleIds = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    for (const name of RULE_NAMES) expect(ruleIds).toContain(name);
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text).not.toBe("");
    const results = run.results as Result[];
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
      expect(["error", "warning", "note"]).toContain(result.level);
      expect(result.message.text).not.toBe("");
      expect(result.locations).toHaveLength(1);
      expect(result.locations[0]?.physicalLocation?.region.startLine).toBe(1);
      expect(Object.values(result.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    const byFile = new Map<string, string[]>();
    for (const result of results) {
      const uri = result.locations[0]?.physicalLocation?.artifactLocation.uri as string;
      byFile.set(uri, [...(byFile.get(uri) ?? []), result.ruleId]);
    }
    // Each finding and change lands on the template its object came from (# Source: matomo/... under charts/matomo).
    expect([...byFile.keys()].sort()).toEqual([
      "charts/matomo/charts/mariadb/templates/primary/statefulset.yaml",
      "charts/matomo/templates/cronjob.yaml",
      ...(byFile.has("charts/matomo/templates/deployment.yaml") ? ["charts/matomo/templates/deployment.yaml"] : []),
    ]);
    expect(new Set(byFile.get("charts/matomo/templates/cronjob.yaml"))).toContain("cronjob-claims");
    expect(new Set(byFile.get("charts/matomo/charts/mariadb/templates/primary/statefulset.yaml"))).toEqual(new Set(["claim-ownership", "live-state"]));
  });

  it("names the # Source path as rendered without --chart-dir, and the object as a logical location", async () => {
    const { log } = await sarif([], example("prometheus-pushgateway", "rendered-2.17.0.yaml"));
    const results = log.runs[0].results as Result[];
    expect(results.map((result) => result.locations[0]?.physicalLocation?.artifactLocation.uri)).toEqual(
      results.map(() => "prometheus-pushgateway/templates/statefulset.yaml"),
    );
    expect(results[0]?.locations[0]?.logicalLocations).toEqual([{ name: "StatefulSet monitoring/pushgateway-prometheus-pushgateway", kind: "object" }]);
    expect(results[0]?.message.text).toMatch(/^StatefulSet monitoring\/pushgateway-prometheus-pushgateway: removed spec\.volumeClaimTemplates\[0\]/);
  });

  it("a fingerprint stays the same across runs and differs between results", async () => {
    const input = example("matomo", "rendered-existing-claim.yaml");
    const first = (await sarif([], input)).log.runs[0].results as Result[];
    const second = (await sarif([], input)).log.runs[0].results as Result[];
    expect(second.map((r) => r.partialFingerprints)).toEqual(first.map((r) => r.partialFingerprints));
    expect(new Set(first.map((r) => JSON.stringify(r.partialFingerprints))).size).toBe(first.length);
  });

  it("exits 0 with an empty results list when nothing would change", async () => {
    const { code, log } = await sarif(["--disable", "claim-template-labels,claim-ownership"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"));
    expect(code).toBe(0);
    expect(log.runs[0].results).toEqual([]);
  });
});
