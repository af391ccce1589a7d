/**
 * claim-retention (opt-in; destroys data on uninstall) — sets persistentVolumeClaimRetentionPolicy so the PVCs of a
 * StatefulSet go with it. The field may change on a live StatefulSet, so this is safe on upgrade.
 */
import * as z from "zod/mini";
import { isRecord, type KubeObject } from "../core/manifest.js";
import { claimTemplates, objectName, refuseAmbiguousNames, statefulSets } from "./workloads.js";
import { PlanBuilder, type Rule } from "./rule.js";

const policy = z.enum(["Delete", "Retain"]);

const options = z.strictObject({
  /** Unset: Delete, unless the chart already sets a value. */
  whenDeleted: z.optional(policy),
  /** Unset: Retain, unless the chart already sets a value. */
  whenScaled: z.optional(policy),
  /** StatefulSets to change, as NAME or NAMESPACE/NAME; all with volumeClaimTemplates when absent. */
  statefulSets: z.optional(z.array(objectName())),
});

const DEFAULTS = { whenDeleted: "Delete", whenScaled: "Retain" } as const;
const NEEDS = "needs Kubernetes >= 1.27, GA in 1.32; allowed on a live StatefulSet";

export const claimRetention: Rule<z.infer<typeof options>> = {
  name: "claim-retention",
  summary: "set persistentVolumeClaimRetentionPolicy (opt-in: uninstall then deletes the data)",
  defaultEnabled: false,
  options,
  plan({ stream, release }, configured) {
    const plan = new PlanBuilder("claim-retention");
    const withTemplates = statefulSets(stream).filter((statefulSet) => claimTemplates(statefulSet).templates.length > 0);
    const namespaceOf = (statefulSet: KubeObject) => release().namespaceOf(statefulSet);
    // Deleting the data of another release's StatefulSet on uninstall is not a guess to make.
    if (configured.statefulSets) refuseAmbiguousNames("claim-retention: statefulSets", "StatefulSet", configured.statefulSets, withTemplates, namespaceOf);
    const selected = configured.statefulSets?.map(selection);
    const seen = new Set<string>();
    for (const statefulSet of withTemplates) {
      const chosen = selected?.filter((entry) => entry.name === statefulSet.name && (entry.namespace === undefined || entry.namespace === namespaceOf(statefulSet)));
      if (selected && chosen?.length === 0) continue;
      for (const entry of chosen ?? []) seen.add(entry.written);
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
    for (const { written, name, namespace } of selected ?? []) {
      if (seen.has(written)) continue;
      const unplaced = namespace !== undefined && withTemplates.some((statefulSet) => statefulSet.name === name && namespaceOf(statefulSet) === undefined);
      plan.finding(
        "warning",
        unplaced
          ? `statefulSets names ${written}, and StatefulSet ${name} states no namespace while none is given, so whether it is that one cannot be told; pass --namespace (-n) with the release's namespace`
          : `statefulSets names ${written}, but no StatefulSet of that name with volumeClaimTemplates is in the stream`,
      );
    }
    return plan.build();
  },
};

/** An entry of `statefulSets`: NAME, or NAMESPACE/NAME (refuseAmbiguousNames has refused a bare name of two). */
function selection(written: string): { written: string; name: string; namespace?: string } {
  const slash = written.indexOf("/");
  return slash === -1 ? { written, name: written } : { written, namespace: written.slice(0, slash), name: written.slice(slash + 1) };
}
