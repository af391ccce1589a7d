/**
 * Helm 3 runs `--post-renderer` as a plain executable (path or PATH lookup) with argv from `--post-renderer-args`,
 * the environment inherited, and stdin holding only the non-hook manifests, each written as
 * `---\n# Source: <path>\n<trimmed document>\n` (pkg/action/action.go). No helm binary is installed here, so this
 * test feeds a stream of exactly that shape.
 */
import { spawnSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, example, runBin } from "../helpers.js";
import { tempDir } from "./hosts.js";

/** Re-serialises a rendered file the way Helm 3 hands it to a post-renderer, dropping hooks. */
function helm3Stream(rendered: string): string {
  const parts = rendered.split(/^---\n/m).filter((part) => part.trim() !== "");
  return parts
    .map((part) => {
      const source = /^# Source: (.+)$/m.exec(part)?.[1] ?? "unknown.yaml";
      const body = part.replace(/^# Source: .+\n/m, "").trim();
      return { source, body };
    })
    .filter(({ body }) => body !== "" && !/^\s+helm\.sh\/hook:/m.test(body))
    .map(({ source, body }) => `---\n# Source: ${source}\n${body}\n`)
    .join("");
}

/** `helm template --show-only`: the documents whose # Source is that template. */
function showOnly(manifest: string, template: string): string[] {
  return manifest
    .split(/^---\n/m)
    .filter((doc) => doc.startsWith(`# Source: ${template}\n`))
    .map((doc) => doc.trim());
}

describe("Helm 3 --post-renderer", () => {
  const input = helm3Stream(example("matomo", "rendered-existing-claim.yaml"));

  it("takes --post-renderer-args as argv, keeps every # Source line, and --show-only still finds each template", () => {
    const run = runBin(["--release-name=matomo", "--namespace=matomo"], input);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const sources = (text: string) => [...text.matchAll(/^# Source: (.+)$/gm)].map((match) => match[1]);
    expect(sources(run.stdout)).toEqual(sources(input));
    expect(showOnly(run.stdout, "matomo/templates/cronjob.yaml")).toHaveLength(2);
    expect(showOnly(run.stdout, "matomo/templates/cronjob.yaml").join("\n")).toContain("claimName: matomo-data");
    expect(showOnly(run.stdout, "matomo/templates/deployment.yaml")).toEqual(showOnly(input, "matomo/templates/deployment.yaml"));
  });

  it("is found on PATH by name, as Helm 3 looks it up", () => {
    const dir = tempDir();
    symlinkSync(BIN, join(dir, "fix-storage"));
    const result = spawnSync("fix-storage", ["--version"], { env: { PATH: `${dir}:${process.env.PATH}` } });
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toMatch(/^fix-storage \d+\.\d+\.\d+\n$/);
  });

  it("fails with a message Helm shows (stderr) and no output on bad input", () => {
    const run = runBin([], `${input}---\n# Source: matomo/templates/broken.yaml\nkind: Job\nspec: [kubectl delete\n`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^fix-storage: document \d+ \(matomo\/templates\/broken\.yaml\) line \d+, column \d+: /);
  });

  it("reads settings from FIX_STORAGE_CONFIG, since Helm 3 passes only args and the environment", () => {
    const run = runBin([], input, { FIX_STORAGE_CONFIG: join(__dirname, "..", "..", "examples", "matomo", "fix-storage.yaml") });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("claimName: matomo-data");
  });
});
