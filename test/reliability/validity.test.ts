/**
 * Every object a rule edits in the fixtures and the corpus is a valid Kubernetes object afterwards, checked here
 * independently of the tool's own schema check, with kubernetes-models.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config.js";
import { withoutNulls } from "../../src/core/plain-data.js";
import { splitStream } from "../../src/core/stream.js";
import type { FixOptions, FixResult } from "../../src/fix-stream.js";
import { corpusFiles, corpusMissing, EXAMPLES, fix } from "../helpers.js";
import { MODELS } from "../core/validate-support.js";

/** Schema problems of every object the changes name, read back from the output; [] when all are valid. */
function invalidEdited(result: FixResult): string[] {
  const documents = splitStream(result.output);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { object } of result.changes) {
    const key = `${object.document}/${object.item ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const doc = parseDocument(documents[object.document - 1]?.text ?? "", { merge: true, uniqueKeys: true });
    expect(doc.errors).toEqual([]);
    const root = doc.toJS({ maxAliasCount: -1 }) as { items?: unknown[] };
    const value = (object.item === undefined ? root : root.items?.[object.item]) as { apiVersion: string; kind: string };
    expect(`${value.apiVersion}/${value.kind}`).toBe(`${object.apiVersion}/${object.kind}`);
    const Model = MODELS[`${value.apiVersion}/${value.kind}`];
    expect(Model, `no schema for ${value.apiVersion}/${value.kind}`).toBeDefined();
    try {
      new (Model as NonNullable<typeof Model>)(withoutNulls(value) as never).validate();
    } catch (error) {
      problems.push(`document ${object.document} ${object.kind} ${object.name}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return problems;
}

function expectAllValid(result: FixResult): void {
  expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([]);
  expect(invalidEdited(result)).toEqual([]);
}

const EXAMPLE_FILES = readdirSync(EXAMPLES).flatMap((chart) =>
  readdirSync(join(EXAMPLES, chart))
    .filter((file) => /^rendered.*\.ya?ml$/.test(file))
    .map((file) => ({ chart, file })),
);

describe("edited objects in the example fixtures are valid", () => {
  it("there are fixtures to check, and the check rejects an invalid object", () => {
    expect(EXAMPLE_FILES.length).toBeGreaterThanOrEqual(7);
    const invalid = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "x" }, spec: { serviceName: "x", volumeClaimTemplates: "data" } };
    expect(() => new StatefulSet(invalid as never).validate()).toThrow();
  });

  for (const { chart, file } of EXAMPLE_FILES) {
    const input = readFileSync(join(EXAMPLES, chart, file), "utf8");
    const configPath = join(EXAMPLES, chart, "fix-storage.yaml");
    // A copy kept for another host (examples/krm) has no config of its own.
    const config = existsSync(configPath) ? parseConfigText(readFileSync(configPath, "utf8"), configPath) : undefined;

    it(`${chart}/${file} with claim-retention enabled`, async () => {
      const result = await fix(input, { enable: ["claim-retention"] });
      expect(result.changes.length).toBeGreaterThan(0);
      expectAllValid(result);
    });

    it(`${chart}/${file} with its own config, claim-retention enabled`, async () => {
      const options: FixOptions = { ...(config && { config }), enable: ["claim-retention"] };
      const result = await fix(input, options);
      expect(result.changes.length).toBeGreaterThan(0);
      expectAllValid(result);
    });
  }
});

describe.skipIf(corpusMissing)("edited objects in the corpus are valid", () => {
  for (const path of corpusFiles()) {
    it(basename(path), async () => {
      const input = readFileSync(path, "utf8");
      expectAllValid(await fix(input, { enable: ["claim-retention"], release: { name: "corpus", namespace: "corpus" } }));
    });
  }
});
