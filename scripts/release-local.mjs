#!/usr/bin/env node
/**
 * Builds the release artefacts into dist/release/ (`npm run release:local`); the release workflow runs the same
 * steps one by one (`npm run release:local -- --only sea --target linux-arm64`):
 *   npm     dist/release/npm/fix-storage-<version>.tgz       npm pack (its prepack builds the bundle)
 *   sea     dist/release/fix-storage-<target>[.exe]          the single executable of this machine's platform
 *   plugin  dist/release/fix-storage-<version>.tgz           the Helm plugin archive, unsigned (the workflow signs it),
 *           dist/release/THIRD-PARTY-NOTICES.txt             and the licences of the packages the bundle holds
 *   sums    dist/release/sha256sums                          of every release asset there
 *   image   ghcr.io/fix-storage/fix-storage:<version>        where docker, podman or buildah can build; skipped otherwise
 * Options: --only STEP[,STEP] (default: all, in that order), --target TARGET (sea; default: this machine's).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, createReadStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pkg, ROOT } from "./lib/bundle.mjs";
import { executableName, hostTarget } from "./lib/targets.mjs";

const IMAGE = `ghcr.io/fix-storage/fix-storage:${pkg.version}`;
const RELEASE = join(ROOT, "dist", "release");
const STEPS = ["npm", "sea", "plugin", "sums", "image"];

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option("--only")?.split(",") ?? STEPS;
const target = option("--target") ?? hostTarget();
for (const step of only) if (!STEPS.includes(step)) fail(`--only ${step}: expected ${STEPS.join(", ")}`);

function fail(message) {
  console.error(`release-local: ${message}`);
  process.exit(1);
}

function run(command, commandArgs) {
  console.log(`$ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" && command === "npm" });
  if (result.status !== 0) fail(`${command} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

async function sha256(file) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

/** The first builder that answers; a docker client without an engine does not. */
function imageBuilder() {
  for (const [command, probe] of [["docker", ["info"]], ["podman", ["info"]], ["buildah", ["version"]]]) {
    if (spawnSync(command, probe, { stdio: "ignore", timeout: 20_000 }).status === 0) return command;
  }
  return undefined;
}

mkdirSync(RELEASE, { recursive: true });
for (const step of STEPS.filter((name) => only.includes(name))) {
  console.log(`--- ${step}`);
  switch (step) {
    case "npm": {
      rmSync(join(RELEASE, "npm"), { recursive: true, force: true });
      mkdirSync(join(RELEASE, "npm"));
      run("npm", ["pack", "--pack-destination", join(RELEASE, "npm"), "--no-audit", "--no-fund"]);
      break;
    }
    case "sea": {
      run(process.execPath, [join(ROOT, "scripts", "build-sea.mjs"), "--target", target]);
      copyFileSync(join(ROOT, "dist", "sea", executableName(target)), join(RELEASE, executableName(target)));
      break;
    }
    case "plugin": {
      run(process.execPath, [join(ROOT, "scripts", "build.mjs")]);
      run(process.execPath, [join(ROOT, "scripts", "package-helm-plugin.mjs")]);
      copyFileSync(join(ROOT, "dist", "helm-plugin", `fix-storage-${pkg.version}.tgz`), join(RELEASE, `fix-storage-${pkg.version}.tgz`));
      copyFileSync(join(ROOT, "dist", "THIRD-PARTY-NOTICES.txt"), join(RELEASE, "THIRD-PARTY-NOTICES.txt"));
      break;
    }
    case "sums": {
      const assets = readdirSync(RELEASE).filter((name) => name !== "sha256sums" && statSync(join(RELEASE, name)).isFile()).sort();
      const lines = [];
      for (const name of assets) lines.push(`${await sha256(join(RELEASE, name))}  ${name}`);
      writeFileSync(join(RELEASE, "sha256sums"), `${lines.join("\n")}\n`);
      console.log(lines.join("\n"));
      break;
    }
    case "image": {
      if (process.platform !== "linux") {
        console.log(`the image holds the Linux executables: build ${IMAGE} on Linux`);
        break;
      }
      const builder = imageBuilder();
      if (!builder) {
        console.log(
          `no image builder runs here (docker engine, podman or buildah): skipped ${IMAGE}. ` +
            "The Dockerfile only copies dist/sea/fix-storage-linux-<arch>, built and tested by the sea step.",
        );
        break;
      }
      const arch = hostTarget().split("-")[1];
      run(builder, builder === "buildah" ? ["bud", "--build-arg", `TARGETARCH=${arch}`, "-t", IMAGE, "."] : ["build", "--build-arg", `TARGETARCH=${arch}`, "-t", IMAGE, "."]);
      break;
    }
  }
}
