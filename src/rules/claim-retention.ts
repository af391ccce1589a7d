/**
 * claim-retention (opt-in; destroys data on uninstall) — sets persistentVolumeClaimRetentionPolicy so the PVCs of a
 * StatefulSet go with it. The field may change on a live StatefulSet, so this is safe on upgrade.
 */
import * as z from "zod/mini";
import { isRecord } from "../core/manifest.js";
import { claimTemplates, statefulSets } from "./workloads.js";
import { PlanBuilder, type Rule } from "./rule.js";

const policy = z.enum(["Delete", "Retain"]);

const options = z.strictObject({
  whenDeleted: z._default(policy, "Delete"),
  whenScaled: z._default(policy, "Retain"),
  /** StatefulSet names to change; all with volumeClaimTemplates when absent. */
  statefulSets: z.optional(z.array(z.string())),
});

export const claimRetention: Rule<z.infer<typeof options>> = {
  name: "claim-retention",
  summary: "set persistentVolumeClaimRetentionPolicy (opt-in: uninstall then deletes the data)",
  defaultEnabled: false,
  options,
  plan({ stream }, { whenDeleted, whenScaled, statefulSets: only }) {
    const plan = new PlanBuilder("claim-retention");
    const selected = only ? new Set(only) : undefined;
    const seen = new Set<string>();
    for (const statefulSet of statefulSets(stream)) {
      if (claimTemplates(statefulSet).templates.length === 0) continue;
      if (selected && !selected.has(statefulSet.name)) continue;
      seen.add(statefulSet.name);
      const current = statefulSet.get(["spec", "persistentVolumeClaimRetentionPolicy"]);
      const existing = isRecord(current) ? current : {};
      for (const [field, value] of [
        ["whenDeleted", whenDeleted],
        ["whenScaled", whenScaled],
      ] as const) {
        if (existing[field] === value) continue;
        plan.edit(statefulSet, {
          op: "set",
          path: ["spec", "persistentVolumeClaimRetentionPolicy", field],
          value,
          reason:
            field === "whenDeleted" && value === "Delete"
              ? `the PVCs of ${statefulSet} are deleted with it, so uninstall removes the data and no stale data reaches the next install (needs Kubernetes >= 1.27, GA in 1.32; allowed on a live StatefulSet)`
              : `${field}: ${value} for the PVCs of ${statefulSet} (needs Kubernetes >= 1.27, GA in 1.32; allowed on a live StatefulSet)`,
        });
      }
    }
    for (const name of selected ?? []) {
      if (!seen.has(name)) {
        plan.finding("warning", `claim-retention: statefulSets names ${name}, but no StatefulSet of that name with volumeClaimTemplates is in the stream`);
      }
    }
    return plan.build();
  },
};
