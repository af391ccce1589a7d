/**
 * The candidate-heavy benchmark: streams where the documents the rules read are a large share (see
 * candidate-heavy-stream.mjs), measured in one run against the baselines of each target:
 *   100 documents      time / `node -e ''`                                  target ≤ 1.5 ×
 *   2,000 documents    `kubectl kustomize` (plain build) time / fix-storage   target ≥ 20 ×
 *   20,000 documents   time / a Node script that splits on `---` and writes back   target ≤ 3.0 ×
 *   20,000 documents   peak memory / the same script                         target ≤ 1.5 ×
 *   100 MB             peak memory / input size                              target ≤ 3 ×
 * (The cost of the run-time proof is measured in-process apart: proof-cost.mjs.)
 * Each pair is timed in interleaved rounds and compared by medians: only ratios within one run mean anything on a
 * shared machine. Peak memory is the maximum resident set from /usr/bin/time (else process.resourceUsage in a preload).
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildCandidateHeavyStreams, TARGET_SHARES } from "./candidate-heavy-stream.mjs";

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fmtS = (s) => (s === undefined ? "-" : s.toFixed(3));
const fmtMiB = (kib) => (kib === undefined || Number.isNaN(kib) ? "-" : (kib / 1024).toFixed(0));

/** Counts documents the way the outputs are written: `---` lines, plus one for content before the first. */
function countDocuments(text) {
  const markers = text.match(/^---(?:[ \t][^\n]*)?$/gm)?.length ?? 0;
  const head = text.split(/^---(?:[ \t][^\n]*)?$/m, 1)[0] ?? "";
  return markers + (/^[ \t]*[^\s#]/m.test(head) ? 1 : 0);
}

/**
 * What this machine charges, measured in a fresh Node process: a first touch of a fresh 4 KiB page and a pass of plain
 * JavaScript over a string. The baselines weigh these differently (the split-and-join script is mostly fresh memory,
 * kustomize and fix-storage mostly computation), so the verdicts of one machine at two times can differ: print both.
 */
function machineConditions() {
  const probe = `
    const bytes = 64 * 1024 * 1024, page = 4096, buffer = Buffer.allocUnsafeSlow(bytes);
    let start = process.hrtime.bigint();
    for (let at = 0; at < bytes; at += page) buffer[at] = 1;
    const touch = Number(process.hrtime.bigint() - start) / 1e3 / (bytes / page);
    const text = "key: value # comment\\n".repeat(1 << 17);
    start = process.hrtime.bigint();
    let colons = 0;
    for (let round = 0; round < 4; round++) for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 58) colons++;
    const scan = (4 * text.length) / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
    process.stdout.write(JSON.stringify({ touch, scan, colons }));`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  try {
    const { touch, scan } = JSON.parse(result.stdout);
    return `machine: first touch of a fresh page ${touch.toFixed(1)} µs, a JavaScript loop over a string ${scan.toFixed(0)} MB/s`;
  } catch {
    return "machine: could not be probed";
  }
}

function makeRunner({ root, dir, preload }) {
  const hasTime = existsSync("/usr/bin/time");
  /** Runs one command with stdin from a file and stdout to a file; with `memory`, also its peak RSS in KiB. */
  return ({ command, args, stdin, env, memory, label }) => {
    const outFile = join(dir, `out-${label}.yaml`);
    const memFile = join(dir, `mem-${label}.txt`);
    rmSync(memFile, { force: true });
    let spawnCommand = command;
    let spawnArgs = args;
    let spawnEnv = { ...process.env, ...env };
    if (memory && hasTime) {
      spawnCommand = "/usr/bin/time";
      spawnArgs = ["-f", "%M", "-o", memFile, command, ...args];
    } else if (memory) {
      spawnEnv = { ...spawnEnv, NODE_OPTIONS: `--require=${preload}`, BENCH_MEM_FILE: memFile };
    }
    const input = stdin ? openSync(stdin, "r") : "ignore";
    const output = openSync(outFile, "w");
    const start = process.hrtime.bigint();
    const result = spawnSync(spawnCommand, spawnArgs, { cwd: root, stdio: [input, output, "pipe"], env: spawnEnv, maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (typeof input === "number") closeSync(input);
    closeSync(output);
    const kib = memory && existsSync(memFile) ? Number.parseInt(readFileSync(memFile, "utf8").trim().split("\n").pop(), 10) : undefined;
    return { seconds, kib, status: result.status, stderr: String(result.stderr ?? "").trim(), outFile };
  };
}

/**
 * Interleaved rounds over `tools` (the order rotates each round); per tool the samples of time and memory. A tool with
 * `perRound` runs that many times in each round: a quick tool then gets as many samples as a slow baseline's round
 * allows, so that a few seconds of a busy machine move its median less.
 */
function rounds(run, tools, count, onProblem) {
  const cells = Object.fromEntries(tools.map((tool) => [tool.id, { seconds: [], kib: [] }]));
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + round) % tools.length];
      for (let repeat = 0; repeat < (tool.perRound ?? 1); repeat++) measureOnce(run, tool, cells[tool.id], onProblem);
    }
    process.stdout.write(".");
  }
  for (const cell of Object.values(cells)) {
    if (cell.seconds.length > 0) cell.median = median(cell.seconds);
    if (cell.kib.length > 0) cell.medianKiB = median(cell.kib);
  }
  return cells;
}

function measureOnce(run, tool, cell, onProblem) {
  if (cell.error) return;
  const result = run(tool);
  const problem = result.status !== 0 ? `exit ${result.status}: ${result.stderr.split("\n").slice(0, 2).join(" | ")}` : tool.check?.(result);
  if (problem) {
    cell.error = problem;
    onProblem(`${tool.label}: ${problem}`);
    return;
  }
  cell.seconds.push(result.seconds);
  if (result.kib !== undefined) cell.kib.push(result.kib);
}

function commandExists(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 30000 });
  return result.error || result.status !== 0 ? undefined : `${result.stdout}${result.stderr}`.trim();
}

export function runCandidateHeavy({ root, corpus, bin, outDir, quick }) {
  const began = Date.now();
  const problems = [];
  const dir = mkdtempSync(join(tmpdir(), "fix-storage-bench-heavy-"));
  const preload = join(dir, "max-rss.cjs");
  writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.BENCH_MEM_FILE, String(process.resourceUsage().maxRSS)));\n`);
  const splitJoin = join(root, "scripts/bench/split-join.mjs");
  const kubectl = commandExists("kubectl", ["version", "--client"]);

  console.log("\n== candidate-heavy streams (real renders of the seed charts and the corpus) ==");
  const built = buildCandidateHeavyStreams({ root, corpus, counts: [100, 2000, 20000], bytes: quick ? undefined : 100e6 });
  console.log(`sources: ${built.files.length} files, ${built.documents} documents${built.dropped.length > 0 ? ` (${built.dropped.length} left out: ${built.dropped.slice(0, 3).join("; ")}…)` : ""}`);
  const sizes = {};
  for (const stream of built.streams) {
    const key = stream.big ? "big" : String(stream.n);
    const sizeDir = join(dir, `n-${key}`);
    mkdirSync(sizeDir);
    const file = join(sizeDir, "stream.yaml");
    writeFileSync(file, stream.text);
    writeFileSync(join(sizeDir, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - stream.yaml\n");
    const bytes = Buffer.byteLength(stream.text);
    const shares = Object.keys(TARGET_SHARES)
      .map((cls) => `${cls} ${((100 * (stream.byClass[cls] ?? 0)) / bytes).toFixed(1)} %`)
      .join(", ");
    console.log(`stream: ${stream.n.toLocaleString("en-US").padStart(6)} documents, ${(bytes / 1e6).toFixed(2).padStart(6)} MB — ${shares} of bytes`);
    sizes[key] = { n: stream.n, dir: sizeDir, file, bytes };
  }
  built.streams.length = 0;
  console.log(`load average ${loadavg().map((value) => value.toFixed(2)).join(" ")}; ${quick ? "quick run (fewer rounds, no 100 MB stream)" : "full run"}`);
  console.log(machineConditions());

  const run = makeRunner({ root, dir, preload });
  const sameCount = (size) => (result) => {
    const documents = countDocuments(readFileSync(result.outFile, "utf8"));
    return documents === size.n ? undefined : `output has ${documents} documents, input ${size.n}`;
  };
  const fix = (size, extra = {}) => ({
    id: extra.id ?? "fix",
    label: extra.label ?? `fix-storage on ${size.n}`,
    check: size.n <= 20000 ? sameCount(size) : undefined,
    spec: { command: bin, args: [], stdin: size.file, env: extra.env },
  });
  const exec = (tool, memory) => run({ ...tool.spec, memory, label: tool.id });
  // Untimed warm-up: cold binaries and page cache should not land in the first round.
  for (const spec of [{ command: process.execPath, args: ["-e", ""] }, { command: bin, args: ["--version"] }]) run({ ...spec, label: "warm" });

  const result = { quick, sizes: Object.fromEntries(Object.entries(sizes).map(([key, size]) => [key, { documents: size.n, bytes: size.bytes }])), rows: [] };
  const row = (measure, value, target, pass, detail) => result.rows.push({ measure, value, target, pass, detail });

  // 1. 100 documents against starting Node.
  {
    const size = sizes["100"];
    process.stdout.write(`timing 100 documents against node -e '' `);
    const cells = rounds((tool) => exec(tool, false), [fix(size), { id: "node", label: "node -e ''", spec: { command: process.execPath, args: ["-e", ""] } }], quick ? 7 : 21, (p) => problems.push(p));
    process.stdout.write("\n");
    const ratio = cells.fix.median / cells.node.median;
    row("100 documents, time / node -e ''", ratio, "≤ 1.5 ×", ratio <= 1.5, `${fmtS(cells.fix.median)} s vs ${fmtS(cells.node.median)} s`);
  }

  // 2. 2,000 documents against kubectl kustomize (plain build).
  {
    const size = sizes["2000"];
    if (!kubectl) row("2,000 documents, kubectl kustomize / fix-storage", undefined, "≥ 20 ×", undefined, "not measured: kubectl not on PATH");
    else {
      process.stdout.write("timing 2,000 documents against kubectl kustomize ");
      const kustomize = { id: "kustomize", label: "kubectl kustomize on 2,000", check: sameCount(size), spec: { command: "kubectl", args: ["kustomize", size.dir] } };
      // fix-storage runs three times in each of kustomize's rounds (a twentieth of its time each).
      const cells = rounds((tool) => exec(tool, false), [{ ...fix(size), perRound: 3 }, kustomize], quick ? 1 : 5, (p) => problems.push(p));
      process.stdout.write("\n");
      const ratio = cells.kustomize.median / cells.fix.median;
      row("2,000 documents, kubectl kustomize / fix-storage", ratio, "≥ 20 ×", ratio >= 20, `${fmtS(cells.kustomize.median)} s vs ${fmtS(cells.fix.median)} s (${cells.kustomize.seconds.length} and ${cells.fix.seconds.length} runs)`);
    }
  }

  // 3, 4. 20,000 documents against the split-and-join script: time and peak memory in the same runs.
  {
    const size = sizes["20000"];
    process.stdout.write("timing 20,000 documents against a Node script that splits on --- and writes back ");
    const script = { id: "split", label: "split-join on 20,000", check: (r) => (statSync(r.outFile).size === size.bytes ? undefined : "output differs in size from input"), spec: { command: process.execPath, args: [splitJoin], stdin: size.file } };
    const cells = rounds((tool) => exec(tool, true), [fix(size), script], quick ? 1 : 5, (p) => problems.push(p));
    process.stdout.write("\n");
    const time = cells.fix.median / cells.split.median;
    row("20,000 documents, time / split-join script", time, "≤ 3.0 ×", time <= 3, `${fmtS(cells.fix.median)} s vs ${fmtS(cells.split.median)} s (${cells.fix.seconds.length} runs each)`);
    const memory = cells.fix.medianKiB / cells.split.medianKiB;
    row("20,000 documents, peak memory / split-join script", memory, "≤ 1.5 ×", memory <= 1.5, `${fmtMiB(cells.fix.medianKiB)} MiB vs ${fmtMiB(cells.split.medianKiB)} MiB`);
  }

  // 5. 100 MB: peak memory against the input size (one run: it is memory, not time, that counts here).
  if (sizes.big) {
    const size = sizes.big;
    process.stdout.write(`measuring ${(size.bytes / 1e6).toFixed(0)} MB (${size.n.toLocaleString("en-US")} documents) `);
    const cells = rounds((tool) => exec(tool, true), [fix(size, { label: "fix-storage on 100 MB" })], 1, (p) => problems.push(p));
    process.stdout.write("\n");
    const ratio = (cells.fix.medianKiB * 1024) / size.bytes;
    row("100 MB input, peak memory / input size", ratio, "≤ 3 ×", ratio <= 3, `${fmtMiB(cells.fix.medianKiB)} MiB for ${(size.bytes / 2 ** 20).toFixed(0)} MiB in ${fmtS(cells.fix.median)} s`);
  } else row("100 MB input, peak memory / input size", undefined, "≤ 3 ×", undefined, "not measured (--quick)");

  // Table
  console.log("\n| measure | now | target | verdict | medians |");
  console.log("|---|---|---|---|---|");
  for (const entry of result.rows) {
    const verdict = entry.pass === undefined ? "NOT MEASURED" : entry.pass ? "PASS" : "FAIL";
    console.log(`| ${entry.measure} | ${entry.value === undefined || Number.isNaN(entry.value) ? "-" : `${entry.value.toFixed(1)} ×`} | ${entry.target} | ${verdict} | ${entry.detail} |`);
  }
  if (problems.length > 0) {
    console.log("correctness problems:");
    for (const problem of problems) console.log(`  FAIL ${problem}`);
  }
  result.problems = problems;
  result.elapsedSeconds = (Date.now() - began) / 1000;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "bench-candidate-heavy.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote bench/out/bench-candidate-heavy.json (${result.elapsedSeconds.toFixed(0)} s)`);
  if (process.env.BENCH_KEEP === "1") console.log(`kept the streams in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  return result;
}
