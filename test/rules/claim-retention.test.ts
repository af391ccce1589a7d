import { describe, expect, it } from "vitest";
import { fix } from "../helpers.js";

const STS = (name: string, policy = "") =>
  `---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\nspec:\n  serviceName: ${name}\n${policy}  volumeClaimTemplates:\n    - metadata:\n        name: data\n`;

describe("claim-retention", () => {
  it("is off by default", async () => {
    expect((await fix(STS("db"), { release: { name: "r", namespace: "n" }, disable: ["claim-ownership"] })).changes).toEqual([]);
  });

  it("sets whenDeleted: Delete and whenScaled: Retain, and says what it costs", async () => {
    const result = await fix(STS("db"), { enable: ["claim-retention"], disable: ["claim-ownership"] });
    expect(result.output).toBe(
      STS("db").replace("  volumeClaimTemplates:", "  volumeClaimTemplates:").replace(
        "        name: data\n",
        "        name: data\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n    whenScaled: Retain\n",
      ),
    );
    expect(result.changes[0]?.reason).toContain("uninstall removes the data");
    expect(result.changes[0]?.reason).toContain("Kubernetes >= 1.27, GA in 1.32");
  });

  it("limits itself to the listed StatefulSets and reports names it cannot find", async () => {
    const input = STS("a") + STS("b");
    const result = await fix(input, {
      disable: ["claim-ownership"],
      config: { rules: { "claim-retention": { enabled: true, statefulSets: ["b", "c"] } } },
    });
    expect(result.changes.map((change) => change.object.name)).toEqual(["b", "b"]);
    expect(result.findings[0]?.message).toContain("statefulSets names c, but no StatefulSet of that name");
  });

  it("keeps the chart's own value unless told otherwise", async () => {
    const input = STS("db", "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Retain\n    whenScaled: Delete\n");
    const kept = await fix(input, { enable: ["claim-retention"], disable: ["claim-ownership"] });
    expect(kept.changes).toEqual([]);
    const told = await fix(input, {
      disable: ["claim-ownership"],
      config: { rules: { "claim-retention": { enabled: true, whenDeleted: "Delete" } } },
    });
    expect(told.changes.map((change) => [change.path.at(-1), change.before, change.after])).toEqual([["whenDeleted", "Retain", "Delete"]]);
  });
});
