/**
 * The run-time proof turns an editor bug into exit 2 with nothing on stdout. The bug is injected into the planner:
 * every deletion also swallows the line after it, the way a comment once made the editor swallow `spec:`.
 */
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { FixStorageError } from "../../src/core/errors.js";
import { ManifestStream } from "../../src/core/manifest.js";
import { proveEdits } from "../../src/core/proof.js";
import type { ChangeRecord } from "../../src/core/records.js";
import type * as Planner from "../../src/core/yaml-splice-planner.js";
import { fixStream } from "../../src/fix-stream.js";
import { yaml } from "../helpers.js";

const bug = vi.hoisted(() => ({ active: false, rawLineBreak: false }));

vi.mock("../../src/core/yaml-splice-planner.js", async (importOriginal) => {
  const planner = await importOriginal<typeof Planner>();
  return {
    ...planner,
    planStep: (view: Planner.SourceView, step: Planner.EditStep): Planner.StepPlan => {
      const plan = planner.planStep(view, step);
      if (bug.rawLineBreak && plan.kind === "edit") {
        // A comment holding U+2028: the same data to the yaml package, a broken line to go-yaml.
        return { kind: "edit", splices: plan.splices.map((splice) => ({ ...splice, text: `${splice.text}# a\u2028b\n` })) };
      }
      if (!bug.active || plan.kind !== "edit") return plan;
      const swallow = (to: number) => view.source.indexOf("\n", to) + 1 || view.source.length;
      return { kind: "edit", splices: plan.splices.map((splice) => (splice.text === "" ? { ...splice, to: swallow(splice.to) } : splice)) };
    },
  };
});

const STATEFULSET = yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
  spec:
    serviceName: db
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        containers: [{name: db, image: db}]
    volumeClaimTemplates:
      - metadata:
          name: data
          labels:
            app: db
            helm.sh/chart: db-1.2.3
            tier: data
        spec:
          accessModes: [ReadWriteOnce]
`;

const run = (input: string) =>
  runCli({ argv: ["--disable", "claim-ownership"], env: {}, readStdin: async () => new TextEncoder().encode(input) });

describe("run-time proof", () => {
  it("an injected editor bug: exit 2, nothing on stdout, a message naming document, rule and path", async () => {
    bug.active = true;
    try {
      const outcome = await run(STATEFULSET);
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe("");
      expect(outcome.stderr.join("\n")).toMatch(
        /^fix-storage: document 1 line 1: internal error: the edited document does not read as the input plus the recorded edits \(YAML 1\.2 reading differs at spec\.volumeClaimTemplates\[0\]\.metadata\.labels\.tier; rule claim-template-labels\); nothing was written$/,
      );
    } finally {
      bug.active = false;
    }
  });

  it("an edit that writes U+2028 raw is refused, though the yaml package reads it as text", async () => {
    bug.rawLineBreak = true;
    try {
      const outcome = await run(STATEFULSET);
      expect({ code: outcome.code, stdout: outcome.stdout }).toEqual({ code: 2, stdout: "" });
      expect(outcome.stderr.join("\n")).toContain("the edit wrote U+2028 raw, a line break to YAML 1.1 readers");
    } finally {
      bug.rawLineBreak = false;
    }
  });

  it("without the bug the same input is fixed", async () => {
    const outcome = await run(STATEFULSET);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain("          app: db\n          tier: data\n");
    expect(outcome.stdout).not.toContain("helm.sh/chart");
  });

  it("a record that does not say what the editor did is caught, naming its rule and path", async () => {
    const stream = new ManifestStream(STATEFULSET);
    const [object] = stream.objects(["StatefulSet"]);
    if (!object) throw new Error("no StatefulSet");
    object.doc.editor.delete(["spec", "volumeClaimTemplates", 0, "metadata", "labels", "tier"]);
    const record: ChangeRecord = {
      rule: "claim-template-labels",
      object: object.ref(),
      op: "delete",
      path: ["spec", "volumeClaimTemplates", 0, "metadata", "labels", "helm.sh/chart"],
      before: "db-1.2.3",
      after: undefined,
      reason: "a record that lies",
    };
    expect(() => proveEdits(stream.parsedDocuments(), [record])).toThrow(FixStorageError);
    expect(() => proveEdits(stream.parsedDocuments(), [record])).toThrow(/rule claim-template-labels/);
  });

  it("is not an option: fixStream has no way to skip it", async () => {
    bug.active = true;
    try {
      await expect(fixStream(STATEFULSET, { disable: ["claim-ownership"], validate: false })).rejects.toThrow(/internal error/);
    } finally {
      bug.active = false;
    }
  });
});
