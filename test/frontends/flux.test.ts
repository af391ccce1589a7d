/**
 * Flux applies HelmRelease spec.postRenderers[].kustomize.patches with kustomize's PatchTransformer. This applies the
 * emitted patches with the real `kubectl kustomize` and compares, object by object, with fix-storage's own output
 * passed through the same kustomize build (so kustomize's own normalisation is on both sides). The patches must also
 * apply to renders that differ a little from the one they came from: one already fixed, and a newer chart version.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { runCli } from "../../src/cli/main.js";
import { parseConfigText } from "../../src/config.js";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { fluxPatches } from "../../src/frontends/flux-patches.js";
import { EXAMPLES, example, yaml } from "../helpers.js";
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

function config(chart: string, file: string): FixOptions["config"] {
  const path = join(EXAMPLES, chart, file);
  return parseConfigText(readFileSync(path, "utf8"), path);
}

async function patchesFor(input: string, options: FixOptions): Promise<unknown[]> {
  const { postRenderers } = parse(fluxPatches(await fixStream(input, options)));
  return postRenderers[0]?.kustomize.patches ?? [];
}

/** Kustomize with the patches gives the objects fix-storage itself gives for `render`. */
async function expectPatchesFix(render: string, patches: unknown[], options: FixOptions): Promise<void> {
  const viaFlux = objectsByKey(kustomize(render, patches));
  const viaTool = objectsByKey(kustomize((await fixStream(render, options)).output));
  expect([...viaFlux.keys()].sort()).toEqual([...viaTool.keys()].sort());
  for (const [key, object] of viaTool) expect(viaFlux.get(key), key).toEqual(object);
}

const CASES: Array<[string, string, FixOptions]> = [
  ["prometheus-pushgateway", "rendered-2.17.0.yaml", {}],
  ["matomo", "rendered-existing-claim.yaml", {}],
  ["matomo", "rendered-default.yaml", {}],
  ["matomo", "rendered-existing-claim.yaml", { config: config("matomo", "remove-mode.yaml") }],
  ["devlake", "rendered.yaml", { enable: ["claim-retention"] }],
  ["grafana", "rendered.yaml", { config: config("grafana", "fix-storage.yaml") }],
  ["kyverno", "rendered.yaml", {}],
];

/** A StatefulSet whose claim template's labels and annotations are written as `labels`/`annotations` vary. */
function statefulSet(chart: string, labels: string, annotations: string): string {
  return yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: db
      namespace: apps
      labels:
        app.kubernetes.io/instance: db
    spec:
      serviceName: db
      selector:
        matchLabels: {app: db}
      template:
        metadata:
          labels: {app: db}
        spec:
          containers: [{name: db, image: "db:1"}]
      volumeClaimTemplates:
        - metadata:
            name: data
            labels:${labels.replace("CHART", chart)}
            annotations:${annotations}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
  `;
}

describe.skipIf(!kubectl)("fix-storage flux-patches", () => {
  for (const [chart, file, options] of CASES) {
    it(`${chart}/${file}: the patches, applied by kustomize, give fix-storage's objects`, async () => {
      const input = example(chart, file);
      const patches = await patchesFor(input, options);
      expect(patches.length).toBeGreaterThan(0);
      await expectPatchesFix(input, patches, options);
    });

    it(`${chart}/${file}: the patches apply to the already fixed render and change nothing more`, async () => {
      const input = example(chart, file);
      const patches = await patchesFor(input, options);
      const fixed = (await fixStream(input, options)).output;
      if (options.config?.rules?.["cronjob-claims"]?.mode === "remove") {
        // Removing a list item is positional: a `test` op makes the patch fail loudly where the item is not the one
        // it removed in the render it came from, rather than remove another item.
        expect(() => kustomize(fixed, patches)).toThrow(/test/i);
        return;
      }
      await expectPatchesFix(fixed, patches, options);
    });
  }

  it.each([
    ["`labels:` with no value", "", " ~"],
    ["`annotations: ~`", "\n              app: db\n              helm.sh/chart: CHART", " ~"],
    ["`labels: null` and `annotations: {}`", " null", " {}"],
  ])("a claim template with %s", async (_name, labels, annotations) => {
    const input = statefulSet("db-1.0.0", labels, annotations);
    await expectPatchesFix(input, await patchesFor(input, {}), {});
  });

  it("a newer chart version that bumps its chart label and adds an annotation: both handled key by key", async () => {
    const labels = "\n              app: db\n              helm.sh/chart: CHART";
    const patches = await patchesFor(statefulSet("db-1.0.0", labels, "\n              example.com/a: kept"), {});
    const newer = statefulSet("db-1.1.0", labels, "\n              example.com/a: kept\n              example.com/b: added-by-1.1.0");
    await expectPatchesFix(newer, patches, {});
    expect(kustomize(newer, patches)).toContain("example.com/b: added-by-1.1.0");
  });

  it("names each rule in a comment and targets objects precisely", async () => {
    const emitted = fluxPatches(await fixStream(example("matomo", "rendered-existing-claim.yaml")));
    expect(emitted).toContain("# cronjob-claims: CronJob matomo/matomo-archive\n");
    const targets = parse(emitted).postRenderers[0].kustomize.patches.map((patch: { target: unknown }) => patch.target);
    expect(targets).toContainEqual({ group: "batch", version: "v1", kind: "CronJob", name: "matomo-archive", namespace: "matomo" });
    expect(targets).toContainEqual({ group: "apps", version: "v1", kind: "StatefulSet", name: "matomo-mariadb", namespace: "matomo" });
  });

  it("an object that states no namespace, beside one of its name in another: targeted as kustomize reads it, in default", async () => {
    const render = statefulSet("db-1.0.0", "\n              helm.sh/chart: CHART", " {}");
    const other = render.replace("namespace: apps", "namespace: monitoring").replace("app.kubernetes.io/instance: db", "app.kubernetes.io/instance: other");
    const input = `${render.replace("  namespace: apps\n", "")}---\n${other}`;
    const options: FixOptions = { release: { namespace: "prod" } };
    const patches = await patchesFor(input, options);
    const targets = patches.map((patch) => (patch as { target: { namespace?: string } }).target.namespace);
    expect(targets).toEqual(["default", "monitoring"]);
    await expectPatchesFix(input, patches, options);
  });

  it.skipIf(!kubectl)("a core-group claim's target selects it alone, never a same-named object of another group", async () => {
    const claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: a\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    const input = `---\n${claim}---\n${claim.replace("apiVersion: v1", "apiVersion: example.com/v1").replace(/spec:[\s\S]*/, "spec: {foo: bar}\n")}`;
    const options: FixOptions = { ruleOptions: { "volume-name": { bindings: [{ claim: "data", volumeName: "pv1" }] } } };
    const patches = await patchesFor(input, options);
    expect(patches.map((patch) => (patch as { target: { group?: string } }).target.group)).toEqual(["^$"]);
    await expectPatchesFix(input, patches, options);
  });

  it("refuses two objects that kustomize reads as in one namespace: no target selects one alone", async () => {
    const render = statefulSet("db-1.0.0", "\n              helm.sh/chart: CHART", " {}");
    const twins = `${render.replace("  namespace: apps\n", "")}---\n${render.replace("namespace: apps", "namespace: default")}`;
    await expect(fixStream(twins, { release: { namespace: "default" } }).then(fluxPatches)).rejects.toThrow(
      "are both in namespace default as kustomize reads them (one that states none is in default), so no patch target selects one alone",
    );
  });

  it("prints an empty list when there is nothing to fix", async () => {
    const emitted = fluxPatches(
      await fixStream(example("prometheus-pushgateway", "rendered-2.17.0.yaml"), { disable: ["claim-template-labels", "claim-ownership"] }),
    );
    expect(parse(emitted)).toEqual({ postRenderers: [] });
  });
});

describe("flux-patches on stderr", () => {
  it("says what the block leaves undone (warnings), and every change with --explain", async () => {
    const file = join(EXAMPLES, "matomo", "rendered-existing-claim.yaml");
    const plain = await runCli({ argv: ["flux-patches", file], env: {}, readStdin: async () => new Uint8Array() });
    expect(plain.code).toBe(0);
    expect(plain.stderr.join("\n")).toContain("fix-storage: warning: cronjob-claims:");
    expect(plain.stderr.join("\n")).not.toContain("claimName from");
    const explained = await runCli({ argv: ["flux-patches", "--explain", file], env: {}, readStdin: async () => new Uint8Array() });
    expect(explained.stdout).toBe(plain.stdout);
    expect(explained.stderr.join("\n")).toContain("persistentVolumeClaim.claimName from \"matomo-matomo\" to \"matomo-data\"");
  });
});

describe("flux-patches and several files", () => {
  it("refuses more than one stream with a clear error, writing nothing", async () => {
    const files = ["rendered-2.16.0.yaml", "rendered-2.17.0.yaml"].map((file) => join(EXAMPLES, "prometheus-pushgateway", file));
    const outcome = await runCli({ argv: ["flux-patches", ...files], env: {}, readStdin: async () => new Uint8Array() });
    expect({ code: outcome.code, stdout: outcome.stdout }).toEqual({ code: 2, stdout: "" });
    expect(outcome.stderr.join("\n")).toContain("this command takes one stream: got 2 files");
  });
});
