/**
 * The loader of the npm bundle (dist/fix-storage.cjs, src/cli/start.ts) and the V8 code cache the build writes beside
 * cli.cjs and validate.cjs. The cache only saves start-up time: whatever state it is in, the output must be what the
 * bundle writes when run directly. Process contracts, so these spawn Node.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { example, EXAMPLES, ROOT } from "../helpers.js";
import { tempDir } from "../frontends/hosts.js";
import { runThroughLoader as loaderRun } from "./helpers.js";
import { SPOOL_AFTER_BYTES } from "../../src/cli/spool.js";

const DIST = join(ROOT, "dist");
const SCRIPTS = ["cli.cjs", "validate.cjs"];
/** A run that edits, so that the schemas (validate.cjs) are loaded too. */
const ARGS = ["--config", join(EXAMPLES, "prometheus-pushgateway", "fix-storage.yaml"), "--explain"];
const INPUT = example("prometheus-pushgateway", "rendered-2.17.0.yaml");

const runThroughLoader = (dir: string) => loaderRun(dir, ARGS, INPUT);

/** What the bundle writes when Node runs it directly, without the loader. */
let direct: SpawnSyncReturns<string>;

function expectSameAsDirect(run: { status: number | null; stdout: string; stderr: string }) {
  expect(run.stderr).toBe(direct.stderr);
  expect(run.stdout).toBe(direct.stdout);
  expect(run.status).toBe(direct.status);
}

describe("code cache of the npm bundle", () => {
  // The scripts of dist/ with caches made here as the build makes them (a run that writes them), and bin/, so that a
  // build running meanwhile (npm pack's prepack) cannot leave these tests scripts of two builds.
  const made = tempDir("code-cache-made-");
  let copy = "";
  let dist = "";
  beforeAll(() => {
    for (const name of ["fix-storage.cjs", ...SCRIPTS]) copyFileSync(join(DIST, name), join(made, name));
    direct = spawnSync(process.execPath, [join(made, "cli.cjs"), ...ARGS], { input: INPUT, encoding: "utf8" });
    const run = loaderRun(made, ARGS, INPUT, "write");
    expect(run.used, run.stderr).toEqual({ "cli.cjs": false, "validate.cjs": false });
  });
  beforeEach(() => {
    copy = tempDir("code-cache-copy-");
    dist = join(copy, "dist");
    mkdirSync(dist);
    for (const name of ["fix-storage.cjs", ...SCRIPTS, ...SCRIPTS.map((script) => `${script}.v8cache`)]) copyFileSync(join(made, name), join(dist, name));
    cpSync(join(ROOT, "bin"), join(copy, "bin"), { recursive: true });
  });

  it("the reference run edits and validates", () => {
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).not.toBe(INPUT);
    expect(direct.stderr).toContain("claim-template-labels");
  });

  it("the caches written after one run are taken by the next, in another directory too (they name no path)", () => {
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": true, "validate.cjs": true });
    expectSameAsDirect(run);
  });

  it("a stream large enough to be spooled takes both caches too (no V8 flag is set only when a spool opens)", () => {
    const filler = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler-${i}\ndata:\n  text: ${"x".repeat(2000)}\n`;
    const fillers = Array.from({ length: Math.ceil(SPOOL_AFTER_BYTES / 2000) + 10 }, (_, i) => filler(i)).join("");
    const run = loaderRun(dist, ARGS, `${INPUT}${fillers}`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("claim-template-labels");
    expect(run.used).toEqual({ "cli.cjs": true, "validate.cjs": true });
  });

  it("a stale cache (the script changed, not its length, which is all V8 checks) is not used", () => {
    const file = join(dist, "cli.cjs");
    const source = readFileSync(file, "utf8");
    const changed = source.replace("// src/cli/entry.ts", "// src/cli/entry.TS");
    expect(changed).not.toBe(source);
    writeFileSync(file, changed);
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": true });
    expectSameAsDirect(run);
  });

  it("a stale cache of the schemas, read into the memory the CLI's script and cache were read into, is not used", () => {
    const file = join(dist, "validate.cjs");
    const source = readFileSync(file, "utf8");
    // A message no valid object shows, changed without changing the length.
    const changed = source.replace("must NOT have more than", "MUST not have more than");
    expect(changed).not.toBe(source);
    writeFileSync(file, changed);
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": true, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it.each([
    ["first", (source: string) => `'use strict'${source.slice('"use strict"'.length)}`],
    ["last", (source: string) => `${source.slice(0, -1)} `],
  ])("a script changed in its %s byte only is not run with its cache (the copy is compared in parts)", (_, change) => {
    for (const script of SCRIPTS) {
      const file = join(dist, script);
      const source = readFileSync(file, "utf8");
      const changed = change(source);
      expect([changed.length, changed === source]).toEqual([source.length, false]);
      writeFileSync(file, changed);
    }
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it("a cache of the CLI is not taken for the schemas, nor the other way round", () => {
    const cli = readFileSync(join(dist, "cli.cjs.v8cache"));
    writeFileSync(join(dist, "cli.cjs.v8cache"), readFileSync(join(dist, "validate.cjs.v8cache")));
    writeFileSync(join(dist, "validate.cjs.v8cache"), cli);
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it("a foreign cache (made by another V8 or with other flags) is rejected by V8, and the run goes on without it", () => {
    for (const script of SCRIPTS) {
      const cache = readFileSync(join(dist, `${script}.v8cache`));
      // V8's header (magic number, version and flag hashes) starts after the loader's 8 bytes.
      for (let at = 8; at < 24; at++) cache[at] = (cache[at] as number) ^ 0xff;
      writeFileSync(join(dist, `${script}.v8cache`), cache);
    }
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it("a truncated or empty cache file is not used", () => {
    const cache = readFileSync(join(dist, "cli.cjs.v8cache"));
    writeFileSync(join(dist, "cli.cjs.v8cache"), cache.subarray(0, cache.length - 1));
    writeFileSync(join(dist, "validate.cjs.v8cache"), "");
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it("without cache files it runs as well", () => {
    for (const script of SCRIPTS) rmSync(join(dist, `${script}.v8cache`));
    const run = runThroughLoader(dist);
    expect(run.used).toEqual({ "cli.cjs": false, "validate.cjs": false });
    expectSameAsDirect(run);
  });

  it("node dist/fix-storage.cjs (the Helm plugin's way) and bin/fix-storage (npm's) write what the bundle writes", () => {
    expectSameAsDirect(spawnSync(process.execPath, [join(dist, "fix-storage.cjs"), ...ARGS], { input: INPUT, encoding: "utf8" }));
    expectSameAsDirect(spawnSync(join(copy, "bin", "fix-storage"), ARGS, { input: INPUT, encoding: "utf8" }));
  });

  it("the scripts are ASCII, so that V8 holds their source as one byte a character", () => {
    for (const script of SCRIPTS) expect(readFileSync(join(made, script)).every((byte) => byte < 0x80), script).toBe(true);
  });

  it("an error in the bundle keeps its file and line in the stack trace", () => {
    writeFileSync(join(dist, "cli.cjs"), '"use strict";\n\nthrow new Error("boom");\n');
    const run = spawnSync(process.execPath, [join(dist, "fix-storage.cjs")], { input: "", encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${join(dist, "cli.cjs")}:3`);
  });
});
