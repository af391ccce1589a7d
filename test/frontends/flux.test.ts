/**
 * Flux applies HelmRelease spec.postRenderers[].kustomize.patches with kustomize's PatchTransformer. This applies the
 * emitted patches with the real `kubectl kustomize` and compares, object by object, with fix-storage's own output
 * passed through the same kustomize build (so kustomize's own normalisation is on both sides).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { EXAMPLES, example, runBin } from "../helpers.js";
import { hasTool, objectsByKey, tempDir } from "./hosts.js";

const kubectl = hasTool("kubectl", ["version", "--client"]);
if (!kubectl) console.warn("skipping Flux interop tests: kubectl is not on PATH");

function kustomize(stream: string, patches: unknown[] = []): string {
  const dir = tempDir("fix-storage-flux-");
  writeFileSync(join(dir, "rendered.yaml"), stream);
  writeFileSync(join(dir, "kustomization.yaml"), stringify({ resources: ["rendered.yaml"], ...(patches.length > 0 && { patches }) }));
  const result = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kubectl kustomize failed: ${result.stderr}`);
  return result.stdout;
}

const CASES: Array<[string, string, string[]]> = [
  ["prometheus-pushgateway", "rendered-2.17.0.yaml", []],
  ["matomo", "rendered-existing-claim.yaml", []],
  ["matomo", "rendered-default.yaml", []],
  ["matomo", "rendered-existing-claim.yaml", ["--config", join(EXAMPLES, "matomo", "remove-mode.yaml")]],
  ["devlake", "rendered.yaml", ["--enable", "claim-retention"]],
  ["grafana", "rendered.yaml", ["--config", join(EXAMPLES, "grafana", "fix-storage.yaml")]],
  ["kyverno", "rendered.yaml", []],
];

describe.skipIf(!kubectl)("fix-storage flux-patches", () => {
  for (const [chart, file, args] of CASES) {
    it(`${chart}/${file} ${args.join(" ")}: the patches, applied by kustomize, give fix-storage's objects`, () => {
      const input = example(chart, file);
      const emitted = runBin(["flux-patches", ...args], input);
      expect(emitted.code).toBe(0);
      const { postRenderers } = parse(emitted.stdout);
      const patches = postRenderers[0]?.kustomize.patches ?? [];
      expect(patches.length).toBeGreaterThan(0);
      const fixed = runBin(args, input);
      expect(fixed.code).toBe(0);
      const viaFlux = objectsByKey(kustomize(input, patches));
      const viaTool = objectsByKey(kustomize(fixed.stdout));
      expect([...viaFlux.keys()].sort()).toEqual([...viaTool.keys()].sort());
      for (const [key, object] of viaTool) expect(viaFlux.get(key), key).toEqual(object);
    });
  }

  it("names each rule in a comment and targets objects precisely", () => {
    const emitted = runBin(["flux-patches"], example("matomo", "rendered-existing-claim.yaml")).stdout;
    expect(emitted).toContain("# cronjob-claims: CronJob matomo/matomo-archive\n");
    const targets = parse(emitted).postRenderers[0].kustomize.patches.map((patch: { target: unknown }) => patch.target);
    expect(targets).toContainEqual({ group: "batch", version: "v1", kind: "CronJob", name: "matomo-archive", namespace: "matomo" });
    expect(targets).toContainEqual({ group: "apps", version: "v1", kind: "StatefulSet", name: "matomo-mariadb", namespace: "matomo" });
  });

  it("prints an empty list when there is nothing to fix", () => {
    const run = runBin(["flux-patches", "--disable", "claim-template-labels,claim-ownership"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"));
    expect(parse(run.stdout)).toEqual({ postRenderers: [] });
  });
});
