/**
 * Without --live nothing shows whether a StatefulSet whose volumeClaimTemplates the rules changed already exists in
 * the cluster with other templates (installed without fix-storage, or with other options), where the upgrade would be
 * forbidden. The change is made for a new StatefulSet, and one finding per StatefulSet says so and names what decides.
 */
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import { LIVE_STAGE } from "./live-guard.js";

export function unpinnedTemplates(changes: readonly ChangeRecord[]): Finding[] {
  return [...unpinnedStatefulSets(changes), ...unpinnedClaims(changes)];
}

/**
 * The same for a rendered claim whose spec a rule changed (volume-name): a claim's spec cannot change once it is
 * bound, but for its requested size, so where the cluster has it already the upgrade fails.
 */
function unpinnedClaims(changes: readonly ChangeRecord[]): Finding[] {
  const changed = new Map<string, { object: ObjectRef; fields: Set<string> }>();
  for (const change of changes) {
    const { object, path } = change;
    if (object.kind !== "PersistentVolumeClaim" || path[0] !== "spec" || path.length < 2) continue;
    const key = `${object.document}/${object.item ?? ""}`;
    const field = `spec.${String(path[1])}`;
    const known = changed.get(key);
    if (known) known.fields.add(field);
    else changed.set(key, { object, fields: new Set([field]) });
  }
  return [...changed.values()].map(({ object, fields }) => ({
    rule: LIVE_STAGE,
    severity: "info",
    message: `PersistentVolumeClaim ${object.namespace ? `${object.namespace}/` : ""}${object.name}: ${[...fields].join(" and ")} set without --live, as for a new claim; if the cluster has the claim already, its spec cannot change and the upgrade fails: pass --live kubectl or --live FILE to check, or delete the claim first (its PV is kept only if its reclaim policy is Retain)`,
    object,
    path: ["spec"],
  }));
}

function unpinnedStatefulSets(changes: readonly ChangeRecord[]): Finding[] {
  const changed = new Map<string, { object: ObjectRef; rules: Set<string> }>();
  for (const change of changes) {
    const { object, path } = change;
    if (object.kind !== "StatefulSet" || path[0] !== "spec" || path[1] !== "volumeClaimTemplates") continue;
    const key = `${object.document}/${object.item ?? ""}`;
    const known = changed.get(key);
    if (known) known.rules.add(change.rule);
    else changed.set(key, { object, rules: new Set([change.rule]) });
  }
  return [...changed.values()].map(({ object, rules }) => {
    const name = `StatefulSet ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
    return {
      rule: LIVE_STAGE,
      severity: "info",
      message: `${name}: volumeClaimTemplates changed (${[...rules].join(", ")}) without --live, as for a new StatefulSet; if the cluster has it with other templates (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate it with \`kubectl delete statefulset ${object.name} --cascade=orphan\``,
      object,
      path: ["spec", "volumeClaimTemplates"],
    };
  });
}
