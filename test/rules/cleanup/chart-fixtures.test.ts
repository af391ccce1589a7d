/** idempotent-cleanup on cleanup hook Jobs rendered from public charts (test/fixtures/cleanup/README.md cites each). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main.js";
import { RULE_NAMES } from "../../../src/rules/rule.js";
import { fix, ROOT } from "../../helpers.js";
import { K8S_READ, k8sDifferences } from "../../k8s-read.js";

const ONLY = { disable: RULE_NAMES.filter((name) => name !== "idempotent-cleanup") };
const FIXTURES = join(ROOT, "test", "fixtures", "cleanup");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

interface Row {
  options?: Record<string, unknown>;
  input: string;
  /** The expected output's file; absent: the output is the input. */
  output?: string;
  findings: string[];
}

const table: Record<string, Row> = {
  "Loki 15.0.1: args-only delete in registry.k8s.io/kubectl gets --ignore-not-found": {
    input: "loki-15.0.1-recreate-job.yaml",
    output: "loki-15.0.1-recreate-job.fixed.yaml",
    findings: [],
  },
  "Loki 17.1.0: upstream's own fix is left as it is": {
    input: "loki-17.1.0-recreate-job.yaml",
    findings: [],
  },
  "Loki 15.0.1 with an image fix-storage does not know: reported, naming kubectlImages": {
    input: "loki-15.0.1-recreate-job-own-image.yaml",
    findings: ["Job monitoring/loki-backend-recreate: container recreate sets only args (delete …), as if image ghcr.io/acme/k8s-tools:1.31 ran kubectl"],
  },
  "… and with that image in kubectlImages, the same fix as for registry.k8s.io/kubectl": {
    options: { kubectlImages: ["ghcr.io/acme/k8s-tools"] },
    input: "loki-15.0.1-recreate-job-own-image.yaml",
    output: "loki-15.0.1-recreate-job-own-image.fixed.yaml",
    findings: [],
  },
};

describe("cleanup hook Jobs from public charts", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const input = read(row.input);
      const options = { ...ONLY, ...(row.options && { config: { rules: { "idempotent-cleanup": row.options } } }) };
      const result = await fix(input, options);
      expect(result.output).toBe(row.output ? read(row.output) : input);
      const findings = result.findings.map((finding) => finding.message);
      expect(findings).toHaveLength(row.findings.length);
      row.findings.forEach((fragment, i) => {
        expect(findings[i]).toContain(fragment);
      });
      if (K8S_READ) expect(k8sDifferences(input, result.output, result.changes)).toEqual([]);
    });
  }

  it("check fails on an args-only delete in an image it does not know (exit 1), and passes on the fixed renders", async () => {
    const check = (argv: string[], stdin: string) => runCli({ argv: ["check", ...argv, "-"], env: {}, readStdin: async () => Buffer.from(stdin) });
    const unknown = await check(["--disable", "claim-ownership"], read("loki-15.0.1-recreate-job-own-image.yaml"));
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("kubectlImages");
    expect((await check(["--disable", "claim-ownership"], read("loki-15.0.1-recreate-job-own-image.fixed.yaml"))).code).toBe(0);
    expect((await check(["--disable", "claim-ownership"], read("loki-15.0.1-recreate-job.fixed.yaml"))).code).toBe(0);
  });

  it("the fixtures are there", () => {
    for (const row of Object.values(table)) expect(existsSync(join(FIXTURES, row.input))).toBe(true);
  });
});
