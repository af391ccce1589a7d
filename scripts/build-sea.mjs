#!/usr/bin/env node
/**
 * Builds the single executable (Node.js single executable applications): fix-storage that runs without Node.js.
 *   node scripts/build-sea.mjs [--target linux-amd64|linux-arm64|darwin-amd64|darwin-arm64|windows-amd64] [--no-strip]
 * 1. esbuild bundles the CLI into one script, the schemas included: a single executable can require() built-in
 *    modules only, so dist/validate.cjs cannot be loaded beside it.
 * 2. `node --experimental-sea-config` makes the preparation blob, with V8's code cache of that script.
 * 3. postject injects the blob into a copy of the Node.js binary running this script (stripped of its debug symbols
 *    on Linux; on macOS its signature is removed first and an ad-hoc one added after, as Node's documentation says).
 * The target must be this machine's: the blob and its code cache are valid only for the Node build that made them,
 * so a release workflow runs this once per platform, on a runner of that platform.
 * Output: dist/sea/fix-storage-<target> (.exe on Windows), checked by running its --version.
 * Measured on Node 20.20 (callgrind instructions, prometheus-pushgateway example): the code cache makes start-up
 * cheaper than `node dist/fix-storage.cjs` (--version 598M vs 640M, a fix with schema checks 1,103M vs 1,227M). A
 * start-up snapshot (useSnapshot, schemas initialised in the heap) saved only 3-7% more, with a 4x larger blob, a
 * separate entry point, and Node's warning that child_process (--live kubectl) is unverified in snapshots: not used.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildAtomically, pkg, ROOT, thirdPartyNotices, writeAtomically } from "./lib/bundle.mjs";
import { SCHEMA_PLUGINS } from "./lib/schema-plugins.mjs";
import { executableName, hostTarget, TARGETS } from "./lib/targets.mjs";

const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
function fail(message) {
  console.error(`build-sea: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) fail(`${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

async function main() {
  const args = process.argv.slice(2);
  const targetIndex = args.indexOf("--target");
  const target = targetIndex >= 0 ? args[targetIndex + 1] : hostTarget();
  if (!TARGETS.includes(target)) fail(`--target ${target}: expected one of ${TARGETS.join(", ")}`);
  if (target !== hostTarget()) {
    fail(`--target ${target}: this machine builds ${hostTarget()} only (the code cache is specific to this Node build); run it on a ${target} machine`);
  }
  const node = process.execPath;
  if (!readFileSync(node).includes(SENTINEL_FUSE)) fail(`${node} (Node.js ${process.version}) cannot make single executables`);

  const out = join(ROOT, "dist", "sea");
  mkdirSync(out, { recursive: true });
  const script = join(out, "fix-storage-sea.cjs");
  const { metafile } = await buildAtomically({ entryPoints: ["src/cli/entry.ts"], outfile: script, legalComments: "eof", plugins: SCHEMA_PLUGINS });
  // The licences of the packages inside travel with the executable: a release asset, and a file in the image.
  writeAtomically(join(out, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices(metafile));

  const blob = join(out, "fix-storage-sea.blob");
  const config = join(out, "sea-config.json");
  writeFileSync(config, `${JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }, null, 2)}\n`);
  run(node, ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "inherit"] });

  const executable = join(out, executableName(target));
  rmSync(executable, { force: true });
  copyFileSync(node, executable);
  chmodSync(executable, 0o755);
  if (process.platform === "linux" && !args.includes("--no-strip") && spawnSync("strip", ["--version"]).status === 0) {
    run("strip", [executable]);
  }
  if (process.platform === "darwin") run("codesign", ["--remove-signature", executable]);
  const { inject } = createRequire(import.meta.url)("postject");
  await inject(executable, "NODE_SEA_BLOB", readFileSync(blob), {
    sentinelFuse: SENTINEL_FUSE,
    ...(process.platform === "darwin" && { machoSegmentName: "NODE_SEA" }),
  });
  if (process.platform === "darwin") run("codesign", ["--sign", "-", executable]);

  // No environment at all, as `env -i` (Windows cannot start a process without SystemRoot).
  const env = process.platform === "win32" ? { SystemRoot: process.env.SystemRoot } : {};
  const version = execFileSync(executable, ["--version"], { encoding: "utf8", env }).trim();
  if (version !== `fix-storage ${pkg.version}`) fail(`${executable} --version printed ${JSON.stringify(version)}`);
  console.log(executable);
}

await main();
