/**
 * The V8 flags every run sets (src/cli/v8-flags.ts): which they are, and that this Node knows each of them (V8 prints
 * "unrecognized flag" to stderr for one it does not, which would reach Helm's output on every run).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";

const { setFlagsFromString } = vi.hoisted(() => ({ setFlagsFromString: vi.fn() }));
vi.mock("node:v8", () => ({ setFlagsFromString }));

import { INTERRUPT_BUDGET, setV8Flags } from "../src/cli/v8-flags.js";

describe("setV8Flags", () => {
  setV8Flags();
  const flags = setFlagsFromString.mock.calls.map(([flag]) => flag as string);

  it("waits twelve times V8's default before optimizing, and collects the old generation at 30 % growth", () => {
    expect(INTERRUPT_BUDGET).toBe(819_200);
    expect(flags).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`, "--heap-growing-percent=30"]);
  });

  it("sets only flags this Node's V8 knows, silently", () => {
    const script = `const v8 = require("node:v8"); for (const flag of ${JSON.stringify(flags)}) v8.setFlagsFromString(flag);`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const unknown = spawnSync(process.execPath, ["-e", `require("node:v8").setFlagsFromString("--no-such-flag-of-v8")`], { encoding: "utf8" });
    expect(unknown.stderr).toContain("no-such-flag");
  });
});
