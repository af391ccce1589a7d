/**
 * The retry wrapper run for real: every attempt, the last one (an exec) too, sees the environment the command sees
 * unwrapped, bash's SHLVL included; errexit from the environment does not stop it before the command.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RETRY_NAME, retryScript } from "../../../src/rules/cleanup/shell-invocation.js";

const SHELLS = ["bash", "dash"].filter((shell) => spawnSync(shell, ["-c", "true"]).status === 0);

/** Prints SHLVL, then fails until its fourth run (a counter in $DIR). */
const PROBE = 'n=$(cat "$DIR/n" 2>/dev/null || echo 0); echo $((n + 1)) > "$DIR/n"; echo "SHLVL=${SHLVL-unset}"; [ "$n" -ge 3 ]';

describe.skipIf(SHELLS.length === 0)("the retry wrapper", () => {
  for (const shell of SHELLS) {
    for (const start of [undefined, "0", "1", "5"]) {
      it(`${shell}, SHLVL ${start ?? "unset"}: each attempt sees the SHLVL the command sees unwrapped`, () => {
        const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...(start !== undefined && { SHLVL: start }) };
        const unwrapped = spawnSync(shell, ["-c", PROBE], { env: { ...env, DIR: mkdtempSync(join(tmpdir(), "retry-")) }, encoding: "utf8" });
        const wrapped = spawnSync(shell, ["-c", retryScript(3, 0), RETRY_NAME, shell, "-c", PROBE], {
          env: { ...env, DIR: mkdtempSync(join(tmpdir(), "retry-")) },
          encoding: "utf8",
        });
        expect(wrapped.status).toBe(0);
        expect(wrapped.stdout.trim().split("\n")).toEqual(Array(4).fill(unwrapped.stdout.trim()));
      });
    }
  }

  it.skipIf(!SHELLS.includes("bash"))("bash with errexit from the environment (SHELLOPTS) at SHLVL 1 still runs the command", () => {
    const run = spawnSync("bash", ["-c", retryScript(1, 0), RETRY_NAME, "echo", "ran"], { env: { PATH: process.env.PATH ?? "", SHELLOPTS: "errexit", SHLVL: "0" }, encoding: "utf8" });
    expect([run.status, run.stdout]).toEqual([0, "ran\n"]);
  });
});
