/**
 * The npm package as a user gets it: `npm pack` (whose prepack builds the bundle), then the README's install line run
 * against that tarball into an empty prefix, offline (no runtime dependency, so no registry), and npx.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { example, EXAMPLES, ROOT } from "../helpers.js";
import { tempDir } from "../frontends/hosts.js";
import { bundleRun, PKG, readmeInstallLine, runThroughLoader } from "./helpers.js";

const NPM_ENV = { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: "false", NPM_CONFIG_FUND: "false", NPM_CONFIG_AUDIT: "false" };
const OFFLINE = ["--offline", "--no-audit", "--no-fund"];

function npm(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const run = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...NPM_ENV, ...env } });
  expect(run.status, `npm ${args.join(" ")}\n${run.stderr}`).toBe(0);
  return run;
}

let tarball = "";
let packed: string[] = [];

beforeAll(() => {
  const out = tempDir("npm-pack-");
  const pack = npm(["pack", "--pack-destination", out, "--json", ...OFFLINE], ROOT);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(out, info?.filename ?? "");
  packed = (info?.files ?? []).map((file) => file.path).sort();
}, 120_000);

describe("npm package", () => {
  it("holds only the bundle (with its loader, code cache and licence notices), bin/, README.md, LICENSE and package.json, with no runtime dependency", () => {
    const bundle = ["dist/fix-storage.cjs", "dist/cli.cjs", "dist/cli.cjs.v8cache", "dist/validate.cjs", "dist/validate.cjs.v8cache"];
    expect(packed).toEqual(
      ["LICENSE", "README.md", "bin/fix-storage", "bin/package.json", "dist/THIRD-PARTY-NOTICES.txt", ...bundle, "package.json", ...packed.filter((path) => /^dist\/[\w.-]+\.LEGAL\.txt$/.test(path))].sort(),
    );
    const manifest = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }).stdout;
    const pkg = JSON.parse(manifest);
    expect([pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies, pkg.bundleDependencies]).toEqual([undefined, undefined, undefined, undefined]);
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
  });

  it("the README's install line installs it offline into an empty prefix, and it runs from another directory", () => {
    const line = readmeInstallLine("npm");
    expect(line).toBe("npm install -g fix-storage");
    const prefix = tempDir("npm-prefix-");
    npm([...line.split(" ").slice(1, -1), tarball, "--prefix", prefix, ...OFFLINE], tempDir());
    const elsewhere = tempDir();
    const bin = join(prefix, "bin", "fix-storage");
    const version = spawnSync(bin, ["--version"], { cwd: elsewhere, encoding: "utf8" });
    expect(version.stdout).toBe(`fix-storage ${PKG.version}\n`);

    const args = ["--config", join(EXAMPLES, "prometheus-pushgateway", "fix-storage.yaml")];
    const input = example("prometheus-pushgateway", "rendered-2.17.0.yaml");
    const run = spawnSync(bin, args, { cwd: elsewhere, input, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toBe(input);
    expect(run.stdout).toBe(bundleRun(args, input).stdout);

    // The installed loader takes the code cache packed beside the bundle.
    const taken = runThroughLoader(join(prefix, "lib", "node_modules", "fix-storage", "dist"), args, input);
    expect(taken.used).toEqual({ "cli.cjs": true, "validate.cjs": true });
    expect(taken.stdout).toBe(run.stdout);
  });

  it("npx fetches the package and runs its bin", () => {
    const cache = tempDir("npm-cache-");
    const run = npm(["exec", "--yes", `--package=${tarball}`, ...OFFLINE, "--", "fix-storage", "--version"], tempDir(), { npm_config_cache: cache });
    expect(run.stdout).toBe(`fix-storage ${PKG.version}\n`);
  });
});
