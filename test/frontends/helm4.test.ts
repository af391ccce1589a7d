/**
 * Helm 4 runs a `postrenderer/v1` plugin as a subprocess: platformCommand's command with ${HELM_PLUGIN_DIR}
 * expanded, then static args and each --post-renderer-args value; stdin holds hooks and manifests re-serialised
 * without # Source comments, each object annotated postrenderer.helm.sh/postrender-filename; stderr is discarded and
 * empty output is an error (internal/plugin, pkg/postrenderer, pkg/action in helm/helm v4). No helm binary is
 * installed here, so this test installs the packaged plugin into a directory and invokes it that way.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { example, ROOT } from "../helpers.js";
import { tempDir } from "./hosts.js";

const ALLOWED_KEYS = ["apiVersion", "name", "type", "runtime", "version", "sourceURL", "config", "runtimeConfig"];
const FILENAME = "postrenderer.helm.sh/postrender-filename";

let pluginDir = "";

beforeAll(() => {
  const packaged = spawnSync(process.execPath, [join(ROOT, "scripts", "package-helm-plugin.mjs")], { encoding: "utf8" });
  expect(packaged.status, packaged.stderr).toBe(0);
  // `helm plugin install DIR` copies the directory into $HELM_PLUGINS; node_modules are nowhere near it.
  pluginDir = join(tempDir("helm-plugins-"), "fix-storage");
  cpSync(join(ROOT, "dist", "helm-plugin", "fix-storage"), pluginDir, { recursive: true });
});

function runPlugin(stdin: string, postRendererArgs: string[], env: Record<string, string> = {}) {
  const plugin = parse(readFileSync(join(pluginDir, "plugin.yaml"), "utf8"));
  const entry = plugin.runtimeConfig.platformCommand[0];
  const command = String(entry.command).replace("${HELM_PLUGIN_DIR}", pluginDir);
  const args = [...(entry.args ?? []), ...postRendererArgs];
  return spawnSync(command, args, {
    input: stdin,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HELM_PLUGIN_DIR: pluginDir, HELM_PLUGIN_NAME: "fix-storage", ...env },
  });
}

describe("Helm 4 postrenderer/v1 plugin", () => {
  it("plugin.yaml has only the keys Helm 4.1+ accepts, and package.json's version", () => {
    const plugin = parse(readFileSync(join(ROOT, "helm-plugin", "plugin.yaml"), "utf8"));
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(Object.keys(plugin).filter((key) => !ALLOWED_KEYS.includes(key))).toEqual([]);
    expect(plugin).toMatchObject({ apiVersion: "v1", name: "fix-storage", type: "postrenderer/v1", runtime: "subprocess", version: pkg.version });
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(plugin.runtimeConfig.platformCommand[0].command).toMatch(/^\$\{HELM_PLUGIN_DIR\}\//);
  });

  it("the .tgz holds the plugin without node_modules", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const listing = spawnSync("tar", ["-tzf", join(ROOT, "dist", "helm-plugin", `fix-storage-${pkg.version}.tgz`)], { encoding: "utf8" }).stdout;
    expect(listing).toContain("fix-storage/plugin.yaml");
    expect(listing).toContain("fix-storage/bin/fix-storage");
    expect(listing).toContain("fix-storage/dist/fix-storage.cjs");
    expect(listing).not.toContain("node_modules");
  });

  it("fixes a Helm-4-shaped stream, hooks included, and keeps every postrender-filename annotation", () => {
    const input = example("kyverno", "rendered-helm4.yaml");
    const run = runPlugin(input, ["--namespace=kyverno"]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).not.toBe("");
    const filenames = (text: string) =>
      parseAllDocuments(text)
        .map((doc) => doc.toJS())
        .filter(Boolean)
        .map((object) => object.metadata?.annotations?.[FILENAME]);
    expect(filenames(run.stdout)).toEqual(filenames(input));
    expect(filenames(input).every((name) => typeof name === "string")).toBe(true);
    const job = parseAllDocuments(run.stdout)
      .map((doc) => doc.toJS())
      .find((object) => object?.kind === "Job" && object.metadata.name === "kyverno-remove-configmap");
    expect(job.spec.template.spec.containers[0].command[2]).toContain("kubectl delete --ignore-not-found cm -n kyverno kyverno");
    expect(job.metadata.annotations[FILENAME]).toBe("kyverno/templates/hooks/post-delete-configmap.yaml");
  });

  it("names documents by their postrender-filename in messages, and logs to FIX_STORAGE_LOG since stderr is discarded", () => {
    const log = join(tempDir(), "fix-storage.log");
    const run = runPlugin(example("kyverno", "rendered-helm4.yaml"), [], { FIX_STORAGE_LOG: log });
    expect(run.status).toBe(0);
    const text = readFileSync(log, "utf8");
    expect(text).toContain("idempotent-cleanup: document");
    expect(text).toContain("(kyverno/templates/hooks/post-delete-configmap.yaml) Job kyverno/kyverno-remove-configmap");
  });

  it("never answers with empty output: empty input is an error Helm reports", () => {
    const run = runPlugin("", []);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
  });
});
