/**
 * stdout as the parent hands it over: a pipe that is non-blocking (Helm and other Go parents may give one, and stderr
 * on the same pipe makes it so) or slow to be read. The output is written document by document with blocking writes;
 * when the pipe says EAGAIN the rest must still arrive, whole and in order.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixStream } from "../../src/fix-stream.js";
import { BIN } from "../helpers.js";
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
