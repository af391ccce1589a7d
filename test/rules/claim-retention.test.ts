import { describe, expect, it } from "vitest";
import { fix } from "../helpers.js";
import { type Row, runTable } from "./table.js";

/** StatefulSet `name` with one claim template; `policy` is literal text in its spec before the templates. */
const sts = (name: string, policy = "", templates = "  volumeClaimTemplates:\n    - metadata: {name: data}\n") => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:
  serviceName: ${name}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: c:1}]}
${policy}${templates}`;

const policy = (whenDeleted: string, whenScaled: string) =>
  `  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: ${whenDeleted}\n    whenScaled: ${whenScaled}\n`;

const table: Record<string, Row> = {
  "sets whenDeleted: Delete and whenScaled: Retain": {
    input: sts("db"),
    output: sts("db").replace("    - metadata: {name: data}\n", `    - metadata: {name: data}\n${policy("Delete", "Retain")}`),
  },
  "whenScaled alone: asked Delete, whenDeleted gets its default": {
    options: { whenScaled: "Delete" },
    input: sts("db"),
    output: sts("db").replace("    - metadata: {name: data}\n", `    - metadata: {name: data}\n${policy("Delete", "Delete")}`),
  },
  "the chart's own policy is kept, with a note where it differs from the default": {
    input: sts("db", policy("Retain", "Delete")),
    findings: [
      "StatefulSet db keeps the chart's whenDeleted: Retain (set claim-retention.whenDeleted to change it)",
      "StatefulSet db keeps the chart's whenScaled: Delete (set claim-retention.whenScaled to change it)",
    ],
  },
  "the chart sets only whenScaled: whenDeleted is added beside it": {
    input: sts("db", "  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Retain\n"),
    output: sts("db", "  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Retain\n    whenDeleted: Delete\n"),
  },
  "an option for every StatefulSet does not override the chart's own value: kept, and said which option decides": {
    options: { whenDeleted: "Delete" },
    input: sts("db", policy("Retain", "Retain")),
    findings: [
      "StatefulSet db sets whenDeleted: Retain, and claim-retention.whenDeleted asks Delete for every StatefulSet: the chart's is kept (list db in claim-retention.statefulSets to apply Delete to it)",
    ],
  },
  "an option overrides the chart's value for a StatefulSet statefulSets names": {
    options: { whenDeleted: "Delete", statefulSets: ["db"] },
    input: sts("db", policy("Retain", "Retain")),
    output: sts("db", policy("Delete", "Retain")),
  },
  "statefulSets limits the rule, and a name it cannot find is reported": {
    options: { statefulSets: ["b", "c"] },
    input: sts("a") + sts("b"),
    output: sts("a") + sts("b").replace("    - metadata: {name: data}\n", `    - metadata: {name: data}\n${policy("Delete", "Retain")}`),
    findings: ["statefulSets names c, but no StatefulSet of that name with volumeClaimTemplates is in the stream"],
  },
  "statefulSets names one by NAMESPACE/NAME: the same name in another namespace keeps the chart's value": {
    options: { whenDeleted: "Delete", statefulSets: ["team-a/db"] },
    input: sts("db").replace("  name: db\n", "  name: db\n  namespace: team-a\n") + sts("db", policy("Retain", "Retain")).replace("  name: db\n", "  name: db\n  namespace: team-b\n"),
    output:
      sts("db").replace("  name: db\n", "  name: db\n  namespace: team-a\n").replace("    - metadata: {name: data}\n", `    - metadata: {name: data}\n${policy("Delete", "Retain")}`) +
      sts("db", policy("Retain", "Retain")).replace("  name: db\n", "  name: db\n  namespace: team-b\n"),
  },
  "a StatefulSet without claim templates has no PVCs to keep or delete": {
    input: sts("cache", "", ""),
  },
};

describe("claim-retention", () => {
  runTable("claim-retention", table);

  it("a bare name that StatefulSets of two namespaces have is an error naming both (another release's data is at stake)", async () => {
    const input = sts("db").replace("  name: db\n", "  name: db\n  namespace: team-a\n") + sts("db", policy("Retain", "Retain")).replace("  name: db\n", "  name: db\n  namespace: team-b\n");
    await expect(fix(input, { enable: ["claim-retention"], ruleOptions: { "claim-retention": { whenDeleted: "Delete", statefulSets: ["db"] } } })).rejects.toThrow(
      "claim-retention: statefulSets names db, and StatefulSets of that name are in namespaces team-a, team-b: name the namespace (team-a/db or team-b/db)",
    );
  });

  it("an entry naming a namespace, a StatefulSet of that name stating none and no -n: -n asked for", async () => {
    const result = await fix(sts("db"), { enable: ["claim-retention"], ruleOptions: { "claim-retention": { statefulSets: ["a/db"] } } });
    expect(result.findings.map((finding) => finding.message)).toContain(
      "statefulSets names a/db, and StatefulSet db states no namespace while none is given, so whether it is that one cannot be told; pass --namespace (-n) with the release's namespace",
    );
  });

  it("an entry that is no NAME or NAMESPACE/NAME is a config error", async () => {
    await expect(fix(sts("db"), { enable: ["claim-retention"], ruleOptions: { "claim-retention": { statefulSets: ["a/b/db"] } } })).rejects.toThrow("expected NAME or NAMESPACE/NAME");
  });

  it("is off by default", async () => {
    expect((await fix(sts("db"), { release: { name: "r", namespace: "n" } })).changes.filter((change) => change.rule === "claim-retention")).toEqual([]);
  });
});
