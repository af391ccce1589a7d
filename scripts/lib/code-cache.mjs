// V8 code cache of the npm bundle (src/cli/start.ts says how it is used): made by running the CLI once on a
// representative stream, so that it holds what a run compiles (the top level, the YAML reader, the rules, and the
// schemas of dist/validate.cjs), then checked by a second run that must take every cache.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCandidateHeavyStreams } from "../bench/candidate-heavy-stream.mjs";

const RUNNER = new URL("./code-cache-run.cjs", import.meta.url).pathname;
export const CACHED_SCRIPTS = ["cli.cjs", "validate.cjs"];

/**
 * 100 documents of the seed charts' renders (examples/*\/rendered*.yaml) in the bench's candidate-heavy mix, whose
 * StatefulSets, CronJobs and Jobs get edited and schema-checked. Without ../shared/corpus: every build makes the same.
 */
function representativeStream(root) {
  const { streams } = buildCandidateHeavyStreams({ root, corpus: join(root, "examples", ".no-corpus"), counts: [100] });
  return streams[0].text;
}

/** Runs `fix-storage ARGS` through the loader; `used`: each script it compiled, and whether V8 took its cache. */
export function runThroughLoader(loader, mode, { input = "", args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "fix-storage-code-cache-"));
  const report = join(dir, "report.json");
  // V8 flags (NODE_OPTIONS) are part of what a cache is valid for: one made with them would be rejected without them.
  const { NODE_OPTIONS: _, ...env } = process.env;
  try {
    const run = spawnSync(process.execPath, [RUNNER, loader, mode, report, ...args], { input, env, encoding: "utf8", stdio: ["pipe", "ignore", "pipe"] });
    let used = {};
    try {
      used = JSON.parse(readFileSync(report, "utf8"));
    } catch {}
    return { status: run.status, stderr: run.stderr, used };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes dist/<script>.v8cache for CACHED_SCRIPTS; returns what went wrong, or undefined. */
export function writeCodeCaches(root, dist) {
  const problem = makeAndCheck(root, dist);
  // Each cache is replaced atomically (a process starting meanwhile reads the old or the new one); one left from a
  // previous build would not be used with the new scripts, but is bytes for nothing.
  if (problem) for (const name of CACHED_SCRIPTS) rmSync(join(dist, `${name}.v8cache`), { force: true });
  return problem;
}

function makeAndCheck(root, dist) {
  let input;
  try {
    input = representativeStream(root);
  } catch (error) {
    return `no representative stream from ${join(root, "examples")}: ${error.message}`;
  }
  const loader = join(dist, "fix-storage.cjs");
  const made = runThroughLoader(loader, "write", { input });
  if (made.status !== 0 && made.status !== 1) return `the representative run exited ${made.status}: ${made.stderr.trim()}`;
  const checked = runThroughLoader(loader, "check", { input });
  const missed = CACHED_SCRIPTS.map((name) => join(dist, name)).filter((file) => checked.used[file] !== true);
  if (missed.length > 0) return `V8 did not take the cache of ${missed.join(", ")} (${JSON.stringify(checked.used)})`;
  return undefined;
}
