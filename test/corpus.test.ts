/** Real `helm template` outputs from ../shared/corpus (see its SOURCES.md); skipped when the folder is absent. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitStream } from "../src/core/stream.js";
import { parseConfigText } from "../src/config.js";
import type { FixOptions } from "../src/fix-stream.js";
import { ALL_RULES_OFF, CORPUS, corpusFiles, corpusMissing, EXAMPLES, fix } from "./helpers.js";
import { K8S_READ, k8sDifferences } from "./k8s-read.js";

const ALL_RULES_ON = { enable: ["claim-retention"], release: { name: "corpus", namespace: "corpus" } };

describe.skipIf(corpusMissing)("corpus round-trips", () => {
  for (const file of corpusFiles()) {
    const name = basename(file);
    const input = readFileSync(file, "utf8");

    it(`${name}: with every rule off, output is the input byte for byte`, async () => {
      expect((await fix(input, ALL_RULES_OFF)).output).toBe(input);
    });

    it(`${name}: with every rule on, every untouched document is byte-identical and a second run changes nothing`, async () => {
      const first = await fix(input, ALL_RULES_ON);
      const before = splitStream(input);
      const after = splitStream(first.output);
      expect(after).toHaveLength(before.length);
      const touched = new Set(first.changes.map((change) => change.object.document));
      for (const doc of before) {
        if (!touched.has(doc.index)) expect(after[doc.index - 1]?.text).toBe(doc.text);
      }
      const second = await fix(first.output, ALL_RULES_ON);
      expect(second.changes).toEqual([]);
      expect(second.output).toBe(first.output);
    });
  }

  it("k8s-monitoring: the Alloy resource's nested volumeClaimTemplates stay untouched, the idempotent hook Job too", async () => {
    const file = corpusFiles().find((path) => path.includes("k8s-monitoring"));
    if (!file) throw new Error(`${CORPUS} lacks a file SOURCES.md lists`);
    const input = readFileSync(file, "utf8");
    expect(input).toContain("volumeClaimTemplates");
    const result = await fix(input, ALL_RULES_ON);
    expect(result.changes).toEqual([]);
    expect(result.output).toBe(input);
  });

  it("longhorn passes through unchanged", async () => {
    const file = corpusFiles().find((path) => path.includes("longhorn"));
    if (!file) throw new Error(`${CORPUS} lacks a file SOURCES.md lists`);
    const input = readFileSync(file, "utf8");
    const result = await fix(input, ALL_RULES_ON);
    expect(result.changes).toEqual([]);
    expect(result.output).toBe(input);
  });

  it("redis-ha: a StatefulSet without volumeClaimTemplates gets no claim fixes", async () => {
    const file = corpusFiles().find((path) => path.includes("redis-ha"));
    if (!file) throw new Error(`${CORPUS} lacks a file SOURCES.md lists`);
    const result = await fix(readFileSync(file, "utf8"), ALL_RULES_ON);
    expect(result.changes).toEqual([]);
  });

  it("monitoring-logs (releases loki and promtail): loki's claim template gets loki's own release; -n names the release's namespace", async () => {
    const file = corpusFiles().find((path) => path.includes("monitoring-logs"));
    if (!file) throw new Error(`${CORPUS} lacks a file SOURCES.md lists`);
    const input = readFileSync(file, "utf8");
    const own = await fix(input);
    expect(own.changes.map((change) => `${change.object.kind}/${change.object.name} ${change.path.slice(-1)}=${change.after}`)).toEqual([
      "StatefulSet/loki meta.helm.sh/release-name=loki",
      "StatefulSet/loki meta.helm.sh/release-namespace=monitoring-logs",
      "StatefulSet/loki app.kubernetes.io/managed-by=Helm",
    ]);
    // Helm annotates every object with the namespace the release is installed in, whatever the object's own.
    const given = await fix(input, { release: { namespace: "monitoring" } });
    expect(given.changes.filter((change) => change.path.at(-1) === "meta.helm.sh/release-namespace").map((change) => change.after)).toEqual(["monitoring"]);
  });
});

/** Every rendered example, with the config beside it when there is one. */
function exampleRenders(): Array<{ name: string; file: string; options: FixOptions }> {
  const renders: Array<{ name: string; file: string; options: FixOptions }> = [];
  for (const chart of readdirSync(EXAMPLES).sort()) {
    const configPath = join(EXAMPLES, chart, "fix-storage.yaml");
    const config = existsSync(configPath) ? parseConfigText(readFileSync(configPath, "utf8"), configPath) : undefined;
    for (const file of readdirSync(join(EXAMPLES, chart)).sort()) {
      if (!/^(?:rendered|live).*\.ya?ml$/.test(file)) continue;
      renders.push({ name: `${chart}/${file}`, file: join(EXAMPLES, chart, file), options: { ...(config && { config }), enable: ["claim-retention"] } });
    }
  }
  return renders;
}

describe.skipIf(!K8S_READ)("what Kubernetes reads (k8s-read): the input plus the change records, nothing else", () => {
  const cases = [
    ...corpusFiles().map((file) => ({ name: basename(file), file, options: ALL_RULES_ON as FixOptions })),
    ...exampleRenders(),
  ];
  for (const { name, file, options } of cases) {
    it(name, async () => {
      const input = readFileSync(file, "utf8");
      const result = await fix(input, options);
      expect(k8sDifferences(input, result.output, result.changes)).toEqual([]);
    });
  }

  it("the examples are edited, so the check has something to judge", async () => {
    const edited = await Promise.all(exampleRenders().map(async ({ file, options }) => (await fix(readFileSync(file, "utf8"), options)).changes.length));
    expect(edited.filter((count) => count > 0).length).toBeGreaterThan(5);
  });
});
