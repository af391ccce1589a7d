/**
 * Without --live nothing shows whether a StatefulSet whose volumeClaimTemplates the rules changed already exists in
 * the cluster with other templates (installed without fix-storage, or with other options), where the upgrade would be
 * forbidden; nor whether a rendered claim whose spec changed exists already (a bound claim's spec cannot change). The
 * change is made as for a new object, and one finding per object says so and names what decides. Flux patches are
 * written once and applied on every reconcile, where --live cannot help: their notes say when to add them instead.
 */
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import { LIVE_STAGE } from "./live-guard.js";

/** Where the changes go: a run that could have read the cluster (--live), or HelmRelease patches (flux-patches). */
export type UnpinnedAdvice = "live" | "flux-patches";

export function unpinnedTemplates(changes: readonly ChangeRecord[], advice: UnpinnedAdvice = "live"): Finding[] {
  const notes: Finding[] = [];
  for (const { object, what } of changedObjects(changes, "StatefulSet", (path) => path[1] === "volumeClaimTemplates")) {
    const name = `StatefulSet ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
    const recreate = `\`kubectl delete statefulset ${object.name} --cascade=orphan\``;
    notes.push({
      rule: LIVE_STAGE,
      severity: advice === "live" ? "info" : "warning",
      message:
        advice === "live"
          ? `${name}: volumeClaimTemplates changed (${what}) without --live, as for a new StatefulSet; if the cluster has it with other templates (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate it with ${recreate}`
          : `${name}: the patches change its volumeClaimTemplates (${what}), which Kubernetes forbids on a StatefulSet that exists: add them before the release's first install; for a release installed without them, the next upgrade fails (Forbidden: updates to statefulset spec) unless the StatefulSet is recreated with ${recreate} once they are in`,
      object,
      path: ["spec", "volumeClaimTemplates"],
    });
  }
  // A claim's spec cannot change once it is bound, but for its requested size.
  for (const { object, what } of changedObjects(changes, "PersistentVolumeClaim", (path) => path.length >= 2, (path) => `spec.${String(path[1])}`)) {
    const name = `PersistentVolumeClaim ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
    notes.push({
      rule: LIVE_STAGE,
      severity: advice === "live" ? "info" : "warning",
      message:
        advice === "live"
          ? `${name}: ${what} set without --live, as for a new claim; if the cluster has the claim already, its spec cannot change and the upgrade fails: pass --live kubectl or --live FILE to check, or delete the claim first (its PV is kept only if its reclaim policy is Retain)`
          : `${name}: the patches set ${what}, which a claim the cluster has cannot change: add them before the claim exists; where it exists, the next upgrade fails unless the claim is deleted first (its PV is kept only if its reclaim policy is Retain)`,
      object,
      path: ["spec"],
    });
  }
  return notes;
}

/**
 * The objects of `kind` with changes under `spec` that `counts`, once each in stream order, with what changed them:
 * the rules, or the fields `field` names.
 */
function changedObjects(
  changes: readonly ChangeRecord[],
  kind: string,
  counts: (path: ChangeRecord["path"]) => boolean,
  field?: (path: ChangeRecord["path"]) => string,
): Array<{ object: ObjectRef; what: string }> {
  const changed = new Map<string, { object: ObjectRef; what: Set<string> }>();
  for (const change of changes) {
    const { object, path } = change;
    if (object.kind !== kind || path[0] !== "spec" || !counts(path)) continue;
    const key = `${object.document}/${object.item ?? ""}`;
    const what = field ? field(path) : change.rule;
    const known = changed.get(key);
    if (known) known.what.add(what);
    else changed.set(key, { object, what: new Set([what]) });
  }
  return [...changed.values()].map(({ object, what }) => ({ object, what: [...what].join(field ? " and " : ", ") }));
}
