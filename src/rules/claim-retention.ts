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
  /** Unset: Delete, unless the chart already sets a value. */
  whenDeleted: z.optional(policy),
  /** Unset: Retain, unless the chart already sets a value. */
  whenScaled: z.optional(policy),
  /** StatefulSet names to change; all with volumeClaimTemplates when absent. */
  statefulSets: z.optional(z.array(z.string())),
});

const DEFAULTS = { whenDeleted: "Delete", whenScaled: "Retain" } as const;
const NEEDS = "needs Kubernetes >= 1.27, GA in 1.32; allowed on a live StatefulSet";

export const claimRetention: Rule<z.infer<typeof options>> = {
  name: "claim-retention",
  summary: "set persistentVolumeClaimRetentionPolicy (opt-in: uninstall then deletes the data)",
  defaultEnabled: false,
  options,
  plan({ stream }, configured) {
    const plan = new PlanBuilder("claim-retention");
    const selected = configured.statefulSets ? new Set(configured.statefulSets) : undefined;
    const seen = new Set<string>();
    for (const statefulSet of statefulSets(stream)) {
      if (claimTemplates(statefulSet).templates.length === 0) continue;
      if (selected && !selected.has(statefulSet.name)) continue;
      seen.add(statefulSet.name);
      const current = statefulSet.get(["spec", "persistentVolumeClaimRetentionPolicy"]);
      const existing = isRecord(current) ? current : {};
      for (const field of ["whenDeleted", "whenScaled"] as const) {
        const asked = configured[field];
        const chart = existing[field];
        if (asked === undefined && chart !== undefined && chart !== null) {
          if (chart !== DEFAULTS[field]) {
            plan.finding("info", `${statefulSet} keeps the chart's ${field}: ${String(chart)} (set claim-retention.${field} to change it)`, statefulSet);
          }
          continue;
        }
        const value = asked ?? DEFAULTS[field];
        if (chart === value) continue;
        // The chart's own value and a setting for every StatefulSet disagree: the one that names this StatefulSet decides.
        if (chart !== undefined && chart !== null && !selected) {
          plan.finding(
            "warning",
            `${statefulSet} sets ${field}: ${String(chart)}, and claim-retention.${field} asks ${value} for every StatefulSet: the chart's is kept (list ${statefulSet.name} in claim-retention.statefulSets to apply ${value} to it)`,
            statefulSet,
            ["spec", "persistentVolumeClaimRetentionPolicy", field],
          );
          continue;
        }
        plan.edit(statefulSet, {
          op: "set",
          path: ["spec", "persistentVolumeClaimRetentionPolicy", field],
          value,
          reason:
            field === "whenDeleted" && value === "Delete"
              ? `the PVCs of ${statefulSet} are deleted with it, so uninstall removes the data and no stale data reaches the next install (${NEEDS})`
              : `${field}: ${value} for the PVCs of ${statefulSet} (${NEEDS})`,
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
