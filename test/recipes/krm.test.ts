/**
 * examples/krm as its hosts run it:
 * - `kubectl kustomize` (kustomize 5.5 built in, no --enable-exec) loads the kustomization with its default load
 *   restrictor and strict field decoding, and skips the exec function: it must succeed and pass the render through.
 * - Standalone kustomize 5.x cannot run here; checked against its source instead (kustomize v5.5.0,
 *   kyaml/fn/runtime/runtimeutil/functiontypes.go: ExecSpec has only `path`; api/internal/target/kusttarget.go runs
 *   exec functions with the kustomization root as working directory, so a relative path is resolved there).
 * - kpt runs the function: `kpt fn render --allow-exec` through the Kptfile, and `kpt fn eval --exec`.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BIN, EXAMPLES, runBin } from "../helpers.js";
import { hasTool, objectsByKey, tempDir } from "../frontends/hosts.js";

const KRM = join(EXAMPLES, "krm");
const kubectl = hasTool("kubectl", ["version", "--client"]);
const kpt = hasTool("kpt", ["version"]);
if (!kubectl) console.warn("skipping kubectl kustomize recipe tests: kubectl is not on PATH");
if (!kpt) console.warn("skipping kpt recipe tests: kpt is not on PATH");

/** The environment a user has after installing fix-storage: the bundled CLI first on PATH. */
const ENV = { ...process.env, PATH: `${dirname(BIN)}${delimiter}${process.env.PATH ?? ""}` };

function copyExample(): string {
  const dir = join(tempDir("fix-storage-krm-recipe-"), "krm");
  cpSync(KRM, dir, { recursive: true });
  return dir;
}

function kustomize(dir: string) {
  return spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", dir], { encoding: "utf8", env: ENV, maxBuffer: 64 * 1024 * 1024 });
}

/** The StatefulSet's claim templates as fix-storage itself writes them for the example's render and config. */
function expectedClaimTemplates(): unknown {
  const fixed = runBin(["--config", join(KRM, "fix-storage-fn.yaml")], readFileSync(join(KRM, "rendered.yaml"), "utf8"));
  expect(fixed.code, fixed.stderr).toBe(0);
  return claimTemplates(fixed.stdout);
}

function claimTemplates(stream: string): unknown {
  const statefulSet = objectsByKey(stream).get("StatefulSet/monitoring/pushgateway-prometheus-pushgateway") as { spec: { volumeClaimTemplates: unknown } };
  return statefulSet.spec.volumeClaimTemplates;
}

describe("examples/krm for standalone kustomize 5.x", () => {
  const transformer = parse(readFileSync(join(KRM, "fix-storage-transformer.yaml"), "utf8"));
  const fn = parse(transformer.metadata.annotations["config.kubernetes.io/function"]);

  it("uses only exec.path, the one field kustomize knows before 5.7", () => {
    expect(Object.keys(fn)).toEqual(["exec"]);
    expect(Object.keys(fn.exec)).toEqual(["path"]);
  });

  it("renders the prometheus-pushgateway example (a copy kept inside the root, checked not to drift)", () => {
    const copy = readFileSync(join(KRM, "rendered.yaml"), "utf8").replace(/^(#[^\n]*\n)+(?=---)/, "");
    expect(copy).toBe(readFileSync(join(EXAMPLES, "prometheus-pushgateway", "rendered-2.17.0.yaml"), "utf8"));
  });

  it("names an executable inside the kustomization root, and only files inside it", () => {
    expect(fn.exec.path).toMatch(/^\.\/[^/]+$/);
    expect(statSync(join(KRM, fn.exec.path)).mode & 0o111).not.toBe(0);
    const kustomization = parse(readFileSync(join(KRM, "kustomization.yaml"), "utf8"));
    for (const file of [...kustomization.resources, ...kustomization.transformers]) expect(file).not.toMatch(/^\.\.|^\//);
  });
});

describe.skipIf(!kubectl)("examples/krm with kubectl kustomize (kustomize 5.5, no --enable-exec)", () => {
  it("loads the kustomization and passes the render through (the exec function is skipped)", () => {
    const built = kustomize(KRM);
    expect(built.status, built.stderr).toBe(0);
    const plain = join(tempDir(), "plain");
    cpSync(join(KRM, "rendered.yaml"), join(plain, "rendered.yaml"), { recursive: true });
    writeFileSync(join(plain, "kustomization.yaml"), "resources: [rendered.yaml]\n");
    const passThrough = spawnSync("kubectl", ["kustomize", plain], { encoding: "utf8" });
    expect(objectsByKey(built.stdout)).toEqual(objectsByKey(passThrough.stdout));
  });

  it("without --enable-alpha-plugins, refuses the kustomization, as the READMEs say", () => {
    const built = spawnSync("kubectl", ["kustomize", KRM], { encoding: "utf8", env: ENV });
    expect(built.status).not.toBe(0);
    expect(built.stderr).toContain("external plugins disabled");
  });

  it("would catch the shapes that failed before: exec.args, and a resource outside the root", () => {
    const withArgs = copyExample();
    const path = join(withArgs, "fix-storage-transformer.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("path: ./fix-storage-krm", "path: ./fix-storage-krm\n        args: [krm]"));
    const args = kustomize(withArgs);
    expect(args.status).not.toBe(0);
    expect(args.stderr).toContain('unknown field \\"args\\"');
    const outside = copyExample();
    writeFileSync(join(outside, "kustomization.yaml"), "resources:\n  - ../../prometheus-pushgateway/rendered-2.17.0.yaml\n");
    expect(kustomize(outside).status).not.toBe(0);
  });
});

describe.skipIf(!kpt)("examples/krm with kpt", () => {
  it("kpt fn render --allow-exec (from the package directory) runs the Kptfile's pipeline", () => {
    const dir = copyExample();
    const render = spawnSync("kpt", ["fn", "render", "--allow-exec", "."], { cwd: dir, encoding: "utf8", env: ENV });
    expect(render.status, render.stderr).toBe(0);
    expect(claimTemplates(readFileSync(join(dir, "rendered.yaml"), "utf8"))).toEqual(expectedClaimTemplates());
  });

  it("kpt fn eval --exec examples/krm/fix-storage-krm --fn-config examples/krm/fix-storage-fn.yaml", () => {
    const dir = tempDir("fix-storage-kpt-eval-");
    cpSync(join(KRM, "rendered.yaml"), join(dir, "rendered.yaml"));
    const evaluated = spawnSync("kpt", ["fn", "eval", dir, "--exec", join(KRM, "fix-storage-krm"), "--fn-config", join(KRM, "fix-storage-fn.yaml")], {
      encoding: "utf8",
      env: ENV,
    });
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(claimTemplates(readFileSync(join(dir, "rendered.yaml"), "utf8"))).toEqual(expectedClaimTemplates());
  });
});
