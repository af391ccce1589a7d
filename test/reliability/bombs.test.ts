/**
 * Alias bombs: each must end within bounded memory (a heap limit; a runaway expansion would die of it). No wall time
 * is asserted: a loaded machine must not fail a correct program. A refusal is exit 2, nothing on stdout, and a message
 * that names aliases. Kubernetes' own YAML reader (go-yaml) refuses "excessive aliasing" too, so a refused stream is
 * one the API server would have refused anyway.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { example, runBin } from "../helpers.js";
import { CHART_LABEL_LINE, CONFIGMAP, type ProcessRun, replaceOnce, requireBundle, runBinAsync, STATEFULSET } from "./support.js";

beforeAll(requireBundle);

/** A heap limit: a runaway expansion fails (killed, or a crash that is not exit 2) instead of taking the machine's memory. */
const HEAP = ["--max-old-space-size=1024"];

/** The classic: nine levels of nine aliases each, 9^9 strings once expanded. */
function billionLaughs(): string {
  const lines = ['x-lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 9; level++) {
    lines.push(`x-lol${level}: &lol${level} [${Array.from({ length: 9 }, () => `*lol${level - 1}`).join(",")}]`);
  }
  return `${lines.join("\n")}\n`;
}

function expectBoundedRefusal(run: ProcessRun): void {
  expect({ code: run.code, signal: run.signal, stdout: run.stdout.length }).toEqual({ code: 2, signal: null, stdout: 0 });
  expect(run.stderr).toMatch(/alias/i);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
}

describe("billion laughs", () => {
  it("inside a StatefulSet: refused at once with a located message", async () => {
    const run = await runBinAsync([], CONFIGMAP + STATEFULSET + billionLaughs(), { nodeArgs: HEAP });
    expectBoundedRefusal(run);
    expect(run.stderr).toMatch(
      /^fix-storage: document 2 \(app\/templates\/sts\.yaml\) line \d+, column \d+: excessive aliasing: the aliases expand to over a million nodes\n$/,
    );
  });

  it("inside a Job and a CronJob as well", async () => {
    for (const head of [
      "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      volumes: [{name: d, persistentVolumeClaim: {claimName: d}}]\n      containers: [{name: k, image: k, command: [kubectl, delete, cm, x]}]\n",
      "---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          volumes: [{name: d, persistentVolumeClaim: {claimName: d}}]\n",
    ]) {
      const run = await runBinAsync([], head + billionLaughs(), { nodeArgs: HEAP });
      expectBoundedRefusal(run);
      expect(run.stderr).toMatch(/^fix-storage: document 1 line \d+, column \d+: excessive aliasing: the aliases expand to over a million nodes\n$/);
    }
  });

  it("inside a ConfigMap no rule reads: passed through unparsed, byte for byte", () => {
    const input = CONFIGMAP + billionLaughs().replace(/^/gm, "  ").replace(/ +$/, "");
    const run = runBin([], input);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toBe(input);
  });
});

describe.concurrent("wide alias bombs (few aliases of a large node) stay bounded", () => {
  it("999 aliases of a 200,000-item list in an edited StatefulSet: refused, not expanded to 2e8 items", async () => {
    // Below the alias-count limit (the anchored list holds no aliases), yet 400 KB of input means 2e8 items of data.
    const big = `[${Array.from({ length: 200_000 }, () => "a").join(",")}]`;
    const many = `[${Array.from({ length: 999 }, () => "*big").join(",")}]`;
    const input = `${STATEFULSET}  x-big: &big ${big}\n  x-many: ${many}\n`;
    expectBoundedRefusal(await runBinAsync([], input, { nodeArgs: HEAP }));
  });

  it("an anchored claim-template label map aliased 150 times: left as rendered (too many aliases to write out), with a warning", async () => {
    const { input } = anchoredLabels(2000, 150);
    const run = await runBinAsync(["--disable", "claim-ownership", "--explain"], input, { nodeArgs: HEAP });
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect(run.stdout.toString("utf8")).toBe(input);
    expect(run.stderr).toContain("left as claim-template-labels found it");
    expect(run.stderr).toContain("too many aliases");
  });

  it("an anchored claim-template label map (800 labels) aliased 40 times: fixed without leaking the edit, or refused", async () => {
    const { input, labels } = anchoredLabels(800, 40);
    const run = await runBinAsync(["--disable", "claim-ownership"], input, { nodeArgs: HEAP });
    expect(run.signal).toBeNull();
    if (run.code === 2) {
      expectBoundedRefusal(run);
      return;
    }
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const data = parse(run.stdout.toString("utf8").replace(/^---\n# Source: [^\n]*\n/, ""), { maxAliasCount: -1 });
    const { "helm.sh/chart": _chart, ...kept } = labels;
    expect(data.spec.volumeClaimTemplates[0].metadata.labels).toEqual(kept);
    expect(data.spec.template.metadata.annotations.copies).toHaveLength(40);
    for (const copy of data.spec.template.metadata.annotations.copies) expect(copy).toEqual(labels);
  });
});

/** A StatefulSet whose claim-template labels (`count` of them plus helm.sh/chart) are anchored and aliased `aliases` times later. */
function anchoredLabels(count: number, aliases: number): { input: string; labels: Record<string, string> } {
  const labels: Record<string, string> = { "helm.sh/chart": "db-1.0.0" };
  for (let i = 0; i < count; i++) labels[`l${i}`] = `v${i}`;
  const block = Object.entries(labels)
    .map(([key, value]) => `          ${key}: ${value}\n`)
    .join("");
  const template = STATEFULSET.slice(STATEFULSET.indexOf("  template:\n"), STATEFULSET.indexOf("  volumeClaimTemplates:\n"));
  const claims = STATEFULSET.slice(STATEFULSET.indexOf("  volumeClaimTemplates:\n"));
  const reordered = STATEFULSET.replace(template + claims, claims + template);
  const withAnchor = replaceOnce(reordered, `        labels:\n          app: db\n${CHART_LABEL_LINE}`, `        labels: &claim\n${block}`);
  const copies = `[${Array.from({ length: aliases }, () => "*claim").join(", ")}]`;
  const input = replaceOnce(withAnchor, "    metadata:\n      labels:\n        app: db\n", `    metadata:\n      labels:\n        app: db\n      annotations:\n        copies: ${copies}\n`);
  return { input, labels };
}

describe("block sequences nested thousands deep in a pod spec", () => {
  it("are refused naming the document, not with a stack overflow that names nothing", async () => {
    const levels = Array.from({ length: 2500 }, (_, depth) => `${"  ".repeat(depth + 4)}-\n`).join("");
    const input = example("prometheus-pushgateway", "rendered-2.17.0.yaml").replace(/^( {6}containers:\n)/m, `      tolerations:\n${levels}$1`);
    const run = await runBinAsync([], input, { nodeArgs: HEAP });
    expect({ code: run.code, signal: run.signal, stdout: run.stdout.length }).toEqual({ code: 2, signal: null, stdout: 0 });
    expect(run.stderr).toMatch(/^fix-storage: document 3 \(prometheus-pushgateway\/templates\/statefulset\.yaml\) line \d+, column \d+: collections nest too deeply for fix-storage to read\n$/);
  });
});
