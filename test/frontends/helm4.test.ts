/**
 * Helm 4 runs a `postrenderer/v1` plugin as a subprocess: platformCommand's command with ${HELM_PLUGIN_DIR}
 * expanded, then static args and each --post-renderer-args value; stdin holds hooks and manifests re-serialised
 * without # Source comments, each object annotated postrenderer.helm.sh/postrender-filename; stderr is discarded and
 * empty output is an error (internal/plugin, pkg/postrenderer, pkg/action in helm/helm v4).
 * Installing: a directory becomes a symlink, an archive is extracted (its <name>/ folder, after checking its .prov
 * unless --verify=false), a git URL is cloned; then the install hook runs, its args unexpanded
 * (internal/plugin/installer, pkg/cmd/plugin_install.go). No helm binary is installed here, so the tests do what
 * Helm does with the packaged plugin and the checkout; test/shipping covers the git clone and its fetched executable.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { example, ROOT } from "../helpers.js";
import { PKG, pathWithoutNode, runHelmPlugin } from "../shipping/helpers.js";
import { tempDir } from "./hosts.js";

// MetadataV1 and RuntimeConfigSubprocess, decoded with KnownFields(true): any other key fails the install.
const ALLOWED_KEYS = ["apiVersion", "name", "type", "runtime", "version", "sourceURL", "config", "runtimeConfig"];
const RUNTIME_CONFIG_KEYS = ["platformCommand", "platformHooks", "protocolCommands"];
const PLATFORM_COMMAND_KEYS = ["os", "arch", "command", "args"];
const FILENAME = "postrenderer.helm.sh/postrender-filename";
const ARCHIVE = join(ROOT, "dist", "helm-plugin", `fix-storage-${PKG.version}.tgz`);
const NOWHERE = "file:///nonexistent/fix-storage-release";

let pluginDir = "";

beforeAll(() => {
  const packaged = spawnSync(process.execPath, [join(ROOT, "scripts", "package-helm-plugin.mjs")], { encoding: "utf8" });
  expect(packaged.status, packaged.stderr).toBe(0);
  // `helm plugin install fix-storage-<version>.tgz --verify=false`: the archive's fix-storage/ folder, copied.
  const plugins = tempDir("helm-plugins-");
  expect(spawnSync("tar", ["-xzf", ARCHIVE, "-C", plugins]).status).toBe(0);
  pluginDir = join(plugins, "fix-storage");
});

function runPlugin(stdin: string, postRendererArgs: string[], env: Record<string, string> = {}) {
  return runHelmPlugin(pluginDir, "postrender", { input: stdin, args: postRendererArgs, env: { PATH: process.env.PATH ?? "", ...env } });
}

describe("Helm 4 postrenderer/v1 plugin", () => {
  it("plugin.yaml has only the keys Helm 4 accepts, and package.json's version", () => {
    const plugin = parse(readFileSync(join(ROOT, "plugin.yaml"), "utf8"));
    expect(Object.keys(plugin).filter((key) => !ALLOWED_KEYS.includes(key))).toEqual([]);
    expect(plugin).toMatchObject({ apiVersion: "v1", name: "fix-storage", type: "postrenderer/v1", runtime: "subprocess", version: PKG.version });
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(Object.keys(plugin.runtimeConfig).filter((key) => !RUNTIME_CONFIG_KEYS.includes(key))).toEqual([]);
    const commands = [plugin.runtimeConfig.platformCommand, ...Object.values(plugin.runtimeConfig.platformHooks)].flat();
    for (const command of commands) expect(Object.keys(command).filter((key) => !PLATFORM_COMMAND_KEYS.includes(key))).toEqual([]);
    expect(Object.keys(plugin.runtimeConfig.platformHooks).sort()).toEqual(["install", "update"]);
  });

  it("the archive holds fix-storage/ with plugin.yaml, the launcher, the hooks and the bundle, without node_modules", () => {
    const listing = spawnSync("tar", ["-tzf", ARCHIVE], { encoding: "utf8" }).stdout.split("\n");
    for (const file of ["plugin.yaml", "helm-plugin/run", "helm-plugin/install-binary.sh", "helm-plugin/install-binary.ps1", "dist/fix-storage.cjs", "dist/validate.cjs", "LICENSE"]) {
      expect(listing).toContain(`fix-storage/${file}`);
    }
    expect(listing.filter((name) => name.includes("node_modules"))).toEqual([]);
  });

  it("its install hook fetches nothing where Node.js 20+ and the bundle are there", () => {
    const hook = runHelmPlugin(pluginDir, "install", { env: { PATH: process.env.PATH ?? "", FIX_STORAGE_RELEASE_URL: NOWHERE } });
    expect(hook.stderr).toBe("");
    expect(hook.status).toBe(0);
    expect(hook.stdout).toContain(`fix-storage: runs with Node.js ${process.version}`);
    expect(existsSync(join(pluginDir, "bin", "fix-storage-executable"))).toBe(false);
  });

  it("fixes a Helm-4-shaped stream, hooks included, and keeps every postrender-filename annotation", () => {
    const input = example("kyverno", "rendered-helm4.yaml");
    const run = runPlugin(input, ["--namespace=kyverno"]);
    expect(run.status, run.stderr).toBe(0);
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
    expect(JSON.stringify(job.spec.template.spec.containers[0].command)).toContain("kubectl delete --ignore-not-found cm -n kyverno kyverno");
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

  it("without Node.js nor the executable, it exits 2 saying so on stderr and in FIX_STORAGE_LOG, and so does its install hook", () => {
    const log = join(tempDir(), "fix-storage.log");
    const path = pathWithoutNode();
    const run = runPlugin(example("kyverno", "rendered-helm4.yaml"), [], { PATH: path, FIX_STORAGE_LOG: log });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    const message = `fix-storage: cannot start: this plugin has neither its single executable (${pluginDir}/bin/fix-storage-executable) nor Node.js with the bundle (${pluginDir}/dist/fix-storage.cjs); install Node.js 20 or later, or reinstall the plugin so its install hook fetches the executable\n`;
    expect(run.stderr).toBe(message);
    expect(readFileSync(log, "utf8")).toBe(message);

    const hook = runHelmPlugin(pluginDir, "install", { env: { PATH: path, FIX_STORAGE_RELEASE_URL: NOWHERE } });
    expect(hook.status).toBe(1);
    expect(hook.stderr).toContain(`fix-storage: cannot download ${NOWHERE}/fix-storage-linux-`);
    expect(hook.stderr).toContain("the plugin needs Node.js 20 or later with the bundle");
    expect(existsSync(join(pluginDir, "bin", "fix-storage-executable"))).toBe(false);
  });

  it("installed from a directory (a symlink), the packaged plugin and the checkout both survive `npm run build`", () => {
    const plugins = tempDir("helm-plugins-");
    symlinkSync(join(ROOT, "dist", "helm-plugin", "fix-storage"), join(plugins, "fix-storage"));
    symlinkSync(ROOT, join(plugins, "checkout"));
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    for (const name of ["fix-storage", "checkout"]) {
      const dir = join(plugins, name);
      const run = runHelmPlugin(dir, "postrender", { env: { PATH: process.env.PATH ?? "" }, args: ["--version"] });
      expect(run.stdout, `${name}: ${run.stderr}`).toBe(`fix-storage ${PKG.version}\n`);
    }
  });
});

