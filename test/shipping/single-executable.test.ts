/**
 * The single executable (scripts/build-sea.mjs): fix-storage without Node.js. It must write what the npm bundle
 * writes, byte for byte, with no environment at all (as `env -i`), as a KRM function container runs it (no
 * arguments, a ResourceList on stdin), and as the Helm plugin's install hook fetches it into a git clone.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { example, EXAMPLES, ROOT } from "../helpers.js";
import { tempDir } from "../frontends/hosts.js";
import { bundleRun, PKG, pathWithoutNode, readmeInstallLine, runHelmPlugin } from "./helpers.js";

const TARGET = `${{ linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string]}-${{ x64: "amd64", arm64: "arm64" }[process.arch as string]}`;
// FIX_STORAGE_SEA names an executable built before (the release workflow tests the very file it publishes).
const PREBUILT = process.env.FIX_STORAGE_SEA;
const SEA = PREBUILT ? resolve(PREBUILT) : join(ROOT, "dist", "sea", `fix-storage-${TARGET}${process.platform === "win32" ? ".exe" : ""}`);
const CAN_BUILD = PREBUILT !== undefined || readFileSync(process.execPath).includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2");
if (!CAN_BUILD) console.warn(`skipping single-executable tests: ${process.execPath} cannot make single executables`);
// Windows needs SystemRoot to start a process at all; elsewhere the executable gets nothing.
const NO_ENV: Record<string, string> = process.platform === "win32" ? { SystemRoot: process.env.SystemRoot ?? "C:\\Windows" } : {};

const PUSHGATEWAY = ["--config", join(EXAMPLES, "prometheus-pushgateway", "fix-storage.yaml"), "--explain"];

function runSea(args: string[], input: string, cwd = ROOT) {
  return spawnSync(SEA, args, { input, cwd, env: NO_ENV, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

function expectSameAsBundle(args: string[], input: string, cwd = ROOT) {
  const sea = runSea(args, input, cwd);
  const bundle = bundleRun(args, input, cwd);
  expect(sea.stdout).toBe(bundle.stdout);
  expect(sea.stderr).toBe(bundle.stderr);
  expect(sea.status).toBe(bundle.status);
  return sea;
}

/** A ResourceList as kpt and kustomize send a container function: the rendered documents as items. */
function resourceList(rendered: string, functionConfig: string): string {
  const items = rendered
    .split(/^---\n/m)
    .filter((doc) => /^kind:/m.test(doc))
    .map((doc) => doc.trimEnd().split("\n").map((line, i) => (i === 0 ? `- ${line}` : line === "" ? "" : `  ${line}`)).join("\n"));
  const config = functionConfig.trimEnd().split("\n").map((line) => (line === "" ? "" : `  ${line}`)).join("\n");
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.join("\n")}\nfunctionConfig:\n${config}\n`;
}

describe.skipIf(!CAN_BUILD)("single executable", () => {
  beforeAll(() => {
    if (PREBUILT) return;
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build-sea.mjs"), "--no-strip"], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
  }, 300_000);

  it("runs with no environment at all (no node, no PATH)", () => {
    const run = runSea(["--version"], "");
    expect(run.stdout).toBe(`fix-storage ${PKG.version}\n`);
    expect(run.status).toBe(0);
  });

  it("fixes the prometheus-pushgateway example as the bundle does, byte for byte, schema check included", () => {
    const input = example("prometheus-pushgateway", "rendered-2.17.0.yaml");
    const run = expectSameAsBundle(PUSHGATEWAY, input);
    expect(run.status).toBe(0);
    // Something was edited, so the schemas (dist/validate.cjs beside the bundle) ran inside the executable.
    expect(run.stdout).not.toBe(input);
    expect(run.stderr).toContain("claim-template-labels");
  });

  it("fixes the kyverno Helm 4 render as the bundle does, and agrees on check's exit code and on errors", () => {
    expectSameAsBundle(["--namespace", "kyverno"], example("kyverno", "rendered-helm4.yaml"));
    expect(expectSameAsBundle(["check", "-"], example("kyverno", "rendered-helm4.yaml")).status).toBe(1);
    const broken = expectSameAsBundle([], "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a\n");
    expect(broken.status).toBe(2);
    expect(broken.stdout).toBe("");
  });

  it("reads a ResourceList on stdin with no arguments, from /, as a KRM function container runs it", () => {
    const input = resourceList(example("prometheus-pushgateway", "rendered-2.17.0.yaml"), readFileSync(join(EXAMPLES, "krm", "fix-storage-fn.yaml"), "utf8"));
    const run = expectSameAsBundle([], input, "/");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^apiVersion: config\.kubernetes\.io\/v1\nkind: ResourceList\n/);
    expect(run.stdout).toContain("results:");
  });

  it.skipIf(process.platform === "win32")("the README's download line, from a copy of the release, gives a working executable", () => {
    const release = tempDir("release-");
    copyFileSync(SEA, join(release, `fix-storage-${TARGET}`));
    const line = readmeInstallLine("single executable")
      .replace(/https:\/\/github\.com\/fix-storage\/fix-storage\/releases\/download\/v[^/]+/, `file://${release}`)
      .replace(/fix-storage-linux-amd64/, `fix-storage-${TARGET}`);
    const home = tempDir();
    const download = spawnSync("sh", ["-c", line], { cwd: home, encoding: "utf8" });
    expect(download.status, download.stderr).toBe(0);
    const run = spawnSync(join(home, "fix-storage"), ["--version"], { env: NO_ENV, encoding: "utf8" });
    expect(run.stdout).toBe(`fix-storage ${PKG.version}\n`);
  });

  it.skipIf(process.platform === "win32")("Helm plugin from a git clone: the install hook fetches and checks the executable, and the plugin runs it without Node.js", () => {
    // `helm plugin install <git-url>` copies a clone: the tracked files, no dist/.
    const clone = join(tempDir("helm-plugins-"), "fix-storage");
    const tracked = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    for (const file of tracked) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(clone, file));
    expect(existsSync(join(clone, "dist"))).toBe(false);

    // A copy of the release: the executable and sha256sums, reached by file:// instead of the network.
    const release = tempDir("release-");
    const asset = `fix-storage-${TARGET}`;
    copyFileSync(SEA, join(release, asset));
    const sum = createHash("sha256").update(readFileSync(SEA)).digest("hex");
    const path = pathWithoutNode();

    writeFileSync(join(release, "sha256sums"), `${"0".repeat(64)}  ${asset}\n`);
    const tampered = runHelmPlugin(clone, "install", { env: { PATH: path, FIX_STORAGE_RELEASE_URL: `file://${release}` } });
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain(`fix-storage: ${asset} has sha256 ${sum}, but sha256sums says ${"0".repeat(64)}`);
    expect(existsSync(join(clone, "bin", "fix-storage-executable"))).toBe(false);

    writeFileSync(join(release, "sha256sums"), `${sum}  ${asset}\n`);
    const hook = runHelmPlugin(clone, "install", { env: { PATH: path, FIX_STORAGE_RELEASE_URL: `file://${release}` } });
    expect(hook.status, hook.stderr).toBe(0);
    expect(hook.stdout).toContain(`fix-storage: installed fix-storage ${PKG.version} as ${clone}/bin/fix-storage-executable`);

    const input = example("prometheus-pushgateway", "rendered-2.17.0.yaml");
    const run = runHelmPlugin(clone, "postrender", { env: { PATH: path }, input, args: PUSHGATEWAY });
    const bundle = bundleRun(PUSHGATEWAY, input);
    expect(run.stdout).toBe(bundle.stdout);
    expect(run.status).toBe(0);
  });
});

