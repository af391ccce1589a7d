/** Size: a 100 MB stream through the bundled CLI, and result lists too long to spread into a call's arguments. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { splitStream } from "../../src/core/stream.js";
import { fix } from "../helpers.js";
import { CONFIGMAP, requireBundle, runBinAsync, tempDir } from "./support.js";

beforeAll(requireBundle);

const MB = 1024 * 1024;

/** A ConfigMap of about 48 KB (no word a rule looks for), so 100 MB stays a few thousand StatefulSets. */
function configMap(i: number): string {
  const line = `    ${"abcdefghij".repeat(9)}\n`;
  return `---\n# Source: big/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  mode: 0644\n  payload: |\n${line.repeat(500)}`;
}

const VERSION_LABEL_LINES = '          helm.sh/chart: db-1.0.0\n          app.kubernetes.io/version: "1.0"\n';

function statefulSet(i: number, labels: string): string {
  return `---\n# Source: big/templates/sts.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db-${i}\n  namespace: big\n  labels:\n    app.kubernetes.io/instance: big\nspec:\n  serviceName: db-${i}\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: db\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n        labels:\n${labels}          app: db\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n            storage: 1Gi\n`;
}

describe("a 100 MB stream", () => {
  it("is fixed end to end: exit 0, every version label line gone, every other byte and document kept", { timeout: 0 }, async () => {
    const inputs: string[] = [];
    const outputs: string[] = [];
    let length = 0;
    let pairs = 0;
    while (length < 100 * MB) {
      const cm = configMap(pairs);
      inputs.push(cm, statefulSet(pairs, VERSION_LABEL_LINES));
      outputs.push(cm, statefulSet(pairs, ""));
      length += cm.length + statefulSet(pairs, VERSION_LABEL_LINES).length;
      pairs++;
    }
    const input = inputs.join("");
    const expected = outputs.join("");
    expect(input.length).toBeGreaterThanOrEqual(100 * MB);

    const run = await runBinAsync(["--disable", "claim-ownership"], input);
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    const output = run.stdout.toString("utf8");
    expect(output.length).toBe(input.length - pairs * VERSION_LABEL_LINES.length);
    expect(output === expected).toBe(true);
    expect(splitStream(output)).toHaveLength(2 * pairs);
  });
});

describe("result lists longer than a call's argument limit", () => {
  // 200,000 names of StatefulSets that are not in the stream: one warning finding each. Spreading that many
  // findings into push(...) overflows the stack; the tool must report them, not crash.
  const names = Array.from({ length: 200_000 }, (_, i) => `missing-${i}`);

  it("fixStream reports 200,000 findings", async () => {
    const result = await fix(CONFIGMAP, { enable: ["claim-retention"], ruleOptions: { "claim-retention": { statefulSets: names } } });
    expect(result.output).toBe(CONFIGMAP);
    expect(result.findings).toHaveLength(200_000);
    expect(result.findings[199_999]?.message).toBe(
      "statefulSets names missing-199999, but no StatefulSet of that name with volumeClaimTemplates is in the stream",
    );
  });

  it("the CLI passes the stream through and explains every finding", { timeout: 0 }, async () => {
    const config = join(tempDir(), "many.yaml");
    writeFileSync(config, `rules:\n  claim-retention:\n    enabled: true\n    statefulSets:\n${names.map((name) => `      - ${name}\n`).join("")}`);
    const run = await runBinAsync(["--config", config, "--explain"], CONFIGMAP);
    expect({ code: run.code, stdout: run.stdout.toString("utf8") }).toEqual({ code: 0, stdout: CONFIGMAP });
    expect(run.stderr.trim().split("\n")).toHaveLength(200_000);
  });
});
