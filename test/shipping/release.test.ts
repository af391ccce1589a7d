/**
 * The release pieces agree with each other: the workflow runs npm scripts that exist and builds every target the
 * scripts know, the README's install lines name the assets, image and paths the release makes, and the Dockerfile
 * copies the executables build-sea writes. (Building and running each artefact is in the other shipping tests.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { PKG, readmeInstallLine } from "./helpers.js";

const read = (...parts: string[]) => readFileSync(join(ROOT, ...parts), "utf8");
const SCRIPTS = Object.keys(PKG.scripts as Record<string, string>);
const TARGETS = JSON.parse(/export const TARGETS = (\[[^\]]*\]);/.exec(read("scripts", "lib", "targets.mjs"))?.[1] ?? "[]") as string[];
const WORKFLOW = parse(read(".github", "workflows", "release.yml"));
const RELEASE_URL = `https://github.com/fix-storage/fix-storage/releases/download/v${PKG.version}`;
const IMAGE = `ghcr.io/fix-storage/fix-storage:${PKG.version}`;

type Step = { run?: string; uses?: string; with?: Record<string, unknown> };
const steps = (): Step[] => Object.values(WORKFLOW.jobs as Record<string, { steps: Step[] }>).flatMap((job) => job.steps);

describe("release workflow", () => {
  it("runs only npm scripts that exist, and release:local steps it knows", () => {
    const runs = steps().flatMap((step) => step.run ?? []).join("\n");
    const named = [...runs.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !SCRIPTS.includes(name as string))).toEqual([]);
    const only = [...runs.matchAll(/release:local -- --only (\w+)/g)].map((match) => match[1]);
    expect(new Set(only)).toEqual(new Set(["npm", "sea", "plugin", "sums", "image"]));
  });

  it("builds the single executable for every target, each on a runner of its own platform", () => {
    const matrix = WORKFLOW.jobs.executables.strategy.matrix.include as Array<{ target: string; runner: string }>;
    expect(matrix.map((entry) => entry.target).sort()).toEqual([...TARGETS].sort());
    for (const { target, runner } of matrix) {
      const os = target.split("-")[0] as string;
      expect(runner).toMatch({ linux: /^ubuntu-/, darwin: /^macos-/, windows: /^windows-/ }[os] as RegExp);
      expect(runner.endsWith("-arm") || runner === "macos-14").toBe(target.endsWith("-arm64"));
    }
  });

  it("pushes the image the README and the Dockerfile name, for the platforms the Dockerfile can copy", () => {
    const push = steps().find((step) => step.uses?.startsWith("docker/build-push-action"));
    expect(push?.with?.tags).toBe("ghcr.io/fix-storage/fix-storage:${{ steps.version.outputs.version }}");
    const platforms = String(push?.with?.platforms).split(",");
    for (const platform of platforms) expect(TARGETS).toContain(platform.replace("/", "-"));
    expect(readmeInstallLine("container image")).toContain(IMAGE);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("copies build-sea's executable for the target architecture and runs it with no arguments needed", () => {
    expect(dockerfile).toContain("COPY --chmod=0755 dist/sea/fix-storage-linux-${TARGETARCH} /usr/local/bin/fix-storage\n");
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/local/bin/fix-storage"]\n');
    expect(read(".dockerignore").split("\n")).toEqual(expect.arrayContaining(["*", "!dist/sea/fix-storage-linux-*"]));
    // A Node.js single executable needs glibc and libstdc++: not distroless/static, not Alpine.
    expect(dockerfile).toMatch(/^FROM docker\.io\/library\/debian:bookworm-slim$/m);
  });
});

describe("README install lines", () => {
  it("download a released executable by its asset name", () => {
    const line = readmeInstallLine("single executable");
    const asset = line.match(new RegExp(`${RELEASE_URL.replace(/[./]/g, "\\$&")}/fix-storage-([\\w-]+)`))?.[1];
    expect(TARGETS).toContain(asset);
  });

  it("install the Helm plugin from the paths and assets the release makes", () => {
    // --version checks out the release's tag, whose plugin.yaml names a version with released executables.
    expect(readmeInstallLine("Helm 4 plugin, git URL")).toBe(`helm plugin install https://github.com/fix-storage/fix-storage --version v${PKG.version} --verify=false`);
    expect(readmeInstallLine("Helm 4 plugin, signed release archive")).toBe(
      `curl -fsSLO ${RELEASE_URL}/fix-storage-release-key.gpg && helm plugin install ${RELEASE_URL}/fix-storage-${PKG.version}.tgz --keyring fix-storage-release-key.gpg`,
    );
    expect(readmeInstallLine("Helm 4 plugin, archive built here")).toBe(
      `npm ci && npm run package:helm-plugin && helm plugin install dist/helm-plugin/fix-storage-${PKG.version}.tgz --verify=false`,
    );
    expect(readmeInstallLine("Helm 4 plugin, this checkout")).toBe("npm ci && npm run build && helm plugin install .");
    const workflow = read(".github", "workflows", "release.yml");
    expect(workflow).toContain("gpg --export > dist/release/fix-storage-release-key.gpg");
    expect(workflow).toContain("dist/release/fix-storage-release-key.gpg");
  });

  it("name the hook's and the plugin's assets consistently", () => {
    const hook = read("helm-plugin", "install-binary.sh");
    const supported = /\n {2}([\w -|]+)\) ;;\n {2}\*\) fail "no single executable/.exec(hook)?.[1]?.split(" | ");
    expect(supported).toEqual(TARGETS.filter((target) => !target.startsWith("windows-")));
    expect(hook).toContain('base=${FIX_STORAGE_RELEASE_URL:-https://github.com/fix-storage/fix-storage/releases/download/v$version}');
    expect(read("helm-plugin", "install-binary.ps1")).toContain(`$asset = 'fix-storage-${TARGETS.find((target) => target.startsWith("windows-"))}.exe'`);
  });
});
