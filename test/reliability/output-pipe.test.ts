/**
 * stdin and stdout as the parent hands them over. stdin is split into documents chunk by chunk as it is read: a
 * refusal deep in the stream still names the stream's offset and line, and comes only after stdin was read to its end
 * (a writer that finds the pipe closed would report its own error instead). stdout: a pipe that is non-blocking (Helm and other Go parents may give one, and stderr
 * on the same pipe makes it so) or slow to be read. The output is written document by document with blocking writes;
 * when the pipe says EAGAIN the rest must still arrive, whole and in order.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixStream } from "../../src/fix-stream.js";
import { BIN, ROOT } from "../helpers.js";
import { CONFIGMAP, requireBundle, STATEFULSET, tempDir } from "./support.js";

beforeAll(requireBundle);

describe("stdout on a pipe", () => {
  // About 4.6 MB: far more than a pipe holds, so the writer meets a full pipe while the reader has not started.
  const STREAM = STATEFULSET + CONFIGMAP.repeat(40_000);

  it("non-blocking (stderr on the same pipe) and read late: the whole fixed stream arrives", async () => {
    const expected = (await fixStream(STREAM)).output;
    expect(expected).not.toBe(STREAM);
    const dir = tempDir();
    writeFileSync(join(dir, "in.yaml"), STREAM);
    const script = `"${process.execPath}" "${BIN}" < in.yaml 2>&1 | (sleep 1; cat) > out.yaml; echo "\${PIPESTATUS[0]}"`;
    const run = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
    expect(run.stdout.trim()).toBe("0");
    expect(readFileSync(join(dir, "out.yaml"), "utf8") === expected).toBe(true);
  });
});

describe("stderr on the same non-blocking pipe", () => {
  it("--explain before the output, read late: every explanation, then the whole fixed stream", async () => {
    const STREAM = STATEFULSET + CONFIGMAP.repeat(40_000);
    const expected = (await fixStream(STREAM)).output;
    const dir = tempDir();
    writeFileSync(join(dir, "in.yaml"), STREAM);
    const script = `"${process.execPath}" "${BIN}" --explain < in.yaml 2>&1 | (sleep 1; cat) > out.yaml; echo "\${PIPESTATUS[0]}"`;
    const run = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
    expect(run.stdout.trim()).toBe("0");
    const out = readFileSync(join(dir, "out.yaml"), "utf8");
    const explained = out.slice(0, out.length - expected.length);
    expect(out.endsWith(expected)).toBe(true);
    expect(explained).toMatch(/^(fix-storage: [^\n]*\n)+$/);
  });

  // A Go parent may hand over a non-blocking pipe; Node's own children get blocking ones, so perl sets the flag.
  const perl = spawnSync("perl", ["-MFcntl", "-e", "1"]).status === 0;
  it.skipIf(!perl)("non-blocking, explanations far larger than the pipe, read late: the process ends only after all are written", async () => {
    // Each StatefulSet gets its explanations: some hundred kilobytes of stderr, which the pipe takes only as it drains.
    const STREAM = STATEFULSET.repeat(1500) + CONFIGMAP;
    const { changes, findings } = await fixStream(STREAM);
    const dir = tempDir();
    writeFileSync(join(dir, "in.yaml"), STREAM);
    const nonBlocking = `perl -MFcntl -e 'fcntl(STDERR, F_SETFL, fcntl(STDERR, F_GETFL, 0) | O_NONBLOCK) or die; exec @ARGV or die'`;
    const script = `${nonBlocking} "${process.execPath}" "${BIN}" --explain < in.yaml 2>&1 >out.yaml | (sleep 1; cat) > err.txt; echo "\${PIPESTATUS[0]}"`;
    const run = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
    expect(run.stdout.trim()).toBe("0");
    const explained = readFileSync(join(dir, "err.txt"), "utf8");
    expect(explained.length).toBeGreaterThan(200_000);
    expect(explained.split("\n").filter((line) => line.startsWith("fix-storage: ")).length).toBe(changes.length + findings.length);
    expect(readFileSync(join(dir, "out.yaml"), "utf8")).toBe((await fixStream(STREAM)).output);
  });
});

describe("stdout bytes", () => {
  it("documents of one- and two-byte text, one larger than a write, small ones around it: written byte for byte", () => {
    const wide = `---\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n  text: "${"ünïcödé ✓ 𝄞 ".repeat(60_000)}"\n`;
    const ascii = `---\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  text: "${"x".repeat(700_000)}"\n`;
    const input = `${CONFIGMAP}${wide}${CONFIGMAP.replace("data:", "data:\n  note: é")}${ascii}${CONFIGMAP.repeat(12_000)}${wide}`;
    const run = spawnSync(process.execPath, [BIN], { input, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    expect(run.status).toBe(0);
    expect(Buffer.compare(run.stdout, Buffer.from(input))).toBe(0);
  });
});

describe("stdin on a pipe", () => {
  it("invalid UTF-8 several chunks in: exit 2, the stream's offset and line, and stdin read to its end", async () => {
    const head = Buffer.from(CONFIGMAP.repeat(20_000));
    const bytes = Buffer.concat([head, Buffer.from("---\na: "), Buffer.from([0xff]), Buffer.from(`\n${CONFIGMAP.repeat(20_000)}`)]);
    const line = head.toString("utf8").split("\n").length + 1;
    const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const writeError = new Promise<unknown>((resolve) => {
      child.stdin.on("error", resolve);
      child.stdin.end(bytes, () => resolve(undefined));
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(await writeError).toBeUndefined();
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: `fix-storage: document 20001 line ${line}, column 4: input is not valid UTF-8 (first bad byte at offset ${head.length + 7})\n`,
    });
  });
});
