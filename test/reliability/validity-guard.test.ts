/**
 * The guard behind validity: an edit that turns a valid object into an invalid one is reported as an error (exit 2)
 * and never emitted. No rule is known to do that, so the schema check is made to reject what claim-retention adds.
 */
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { FixStorageError } from "../../src/core/errors.js";
import { fix } from "../helpers.js";
import { CONFIGMAP, replaceOnce, STATEFULSET } from "./support.js";

const state = vi.hoisted(() => ({ rejectRetentionPolicy: false }));

vi.mock("../../src/core/validate.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/core/validate.js")>();
  return {
    ...real,
    validatorFor(apiVersion: string, kind: string) {
      const validate = real.validatorFor(apiVersion, kind);
      if (!validate) return undefined;
      return (value: unknown) => {
        const spec = (value as { spec?: Record<string, unknown> } | null)?.spec;
        if (state.rejectRetentionPolicy && spec && "persistentVolumeClaimRetentionPolicy" in spec) {
          return "data/spec/persistentVolumeClaimRetentionPolicy is rejected by this test";
        }
        return validate(value);
      };
    },
  };
});

const RETENTION = { enable: ["claim-retention"], disable: ["claim-ownership"] };

describe("an edit that breaks the schema is an error, never output", () => {
  it("fixStream refuses, naming the object and the schema problem", async () => {
    state.rejectRetentionPolicy = true;
    try {
      const error = await fix(CONFIGMAP + STATEFULSET, RETENTION).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FixStorageError);
      expect((error as FixStorageError).message).toBe(
        "internal error: the fixed StatefulSet apps/db fails the Kubernetes schema (data/spec/persistentVolumeClaimRetentionPolicy is rejected by this test); nothing was written",
      );
      expect((error as FixStorageError).location).toEqual({ document: 2, source: "app/templates/sts.yaml" });
    } finally {
      state.rejectRetentionPolicy = false;
    }
  });

  it("the CLI exits 2 with nothing on stdout", async () => {
    state.rejectRetentionPolicy = true;
    try {
      const outcome = await runCli({
        argv: ["--enable", "claim-retention", "--disable", "claim-ownership"],
        env: {},
        readStdin: async () => Buffer.from(CONFIGMAP + STATEFULSET),
      });
      expect(outcome).toEqual({
        code: 2,
        stdout: "",
        stderr: [
          "fix-storage: document 2 (app/templates/sts.yaml): internal error: the fixed StatefulSet apps/db fails the Kubernetes schema (data/spec/persistentVolumeClaimRetentionPolicy is rejected by this test); nothing was written",
        ],
      });
    } finally {
      state.rejectRetentionPolicy = false;
    }
  });

  it("an object already invalid as rendered is fixed and reported as a warning, not refused", async () => {
    const withoutSelector = replaceOnce(STATEFULSET, "  selector:\n    matchLabels:\n      app: db\n", "");
    const result = await fix(withoutSelector, RETENTION);
    expect(result.output).not.toBe(withoutSelector);
    expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([
      {
        rule: "schema",
        severity: "warning",
        message: expect.stringMatching(
          /^StatefulSet apps\/db does not match the Kubernetes schema as rendered \(.*selector.*\); fix-storage's edits did not cause this$/,
        ),
        object: { document: 1, source: "app/templates/sts.yaml", apiVersion: "apps/v1", kind: "StatefulSet", namespace: "apps", name: "db" },
      },
    ]);
  });
});
