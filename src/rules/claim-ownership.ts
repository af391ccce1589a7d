/**
 * claim-ownership — PVCs created from volumeClaimTemplates carry none of Helm's ownership metadata, so nothing ties
 * them to the release; after uninstall they stay and the next install mounts stale data (Apache DevLake's MySQL).
 * This makes them attributable and selectable; Helm still does not delete them (that is claim-retention's job).
 */
import * as z from "zod/mini";
import { isRecord } from "../core/manifest.js";
import { missingRelease } from "./release-finding.js";
import { claimTemplates, statefulSets } from "./workloads.js";
import { PlanBuilder, type Rule } from "./rule.js";

const options = z.strictObject({});

export const claimOwnership: Rule<z.infer<typeof options>> = {
  name: "claim-ownership",
  summary: "add Helm's release annotations and managed-by label to volumeClaimTemplates, so their PVCs are attributable",
  defaultEnabled: true,
  options,
  plan({ stream, release }) {
    const plan = new PlanBuilder("claim-ownership");
    const withTemplates = statefulSets(stream).filter((object) => claimTemplates(object).templates.length > 0);
    if (withTemplates.length === 0) return plan.build();
    const identity = release();
    const problem = missingRelease(identity, "claim-ownership");
    if (problem || !identity.name || !identity.namespace) {
      plan.finding("warning", problem ?? "release unknown");
      return plan.build();
    }
    const wanted = [
      ["annotations", "meta.helm.sh/release-name", identity.name],
      ["annotations", "meta.helm.sh/release-namespace", identity.namespace],
      ["labels", "app.kubernetes.io/managed-by", "Helm"],
    ] as const;
    for (const statefulSet of withTemplates) {
      for (const template of claimTemplates(statefulSet).templates) {
        const metadata = isRecord(template.value.metadata) ? template.value.metadata : {};
        for (const [field, key, value] of wanted) {
          const map = isRecord(metadata[field]) ? (metadata[field] as Record<string, unknown>) : {};
          const path = [...template.path, "metadata", field, key];
          const existing = map[key];
          if (existing === value) continue;
          if (existing !== undefined && existing !== null) {
            plan.finding(
              "warning",
              `${statefulSet} volumeClaimTemplate ${template.name}: ${field} ${key} is ${JSON.stringify(existing)}, not ${JSON.stringify(value)}; left as it is`,
              statefulSet,
              path,
            );
            continue;
          }
          plan.edit(statefulSet, {
            op: "set",
            path,
            value,
            reason:
              field === "labels"
                ? `marks the PVCs of ${statefulSet} as managed by Helm, like the release's other objects`
                : `ties the PVCs of ${statefulSet} to release ${identity.namespace}/${identity.name} (${key.endsWith("-name") ? `name from ${identity.nameFrom}` : `namespace from ${identity.namespaceFrom}`}), so they can be found and cleaned up after uninstall`,
          });
        }
      }
    }
    return plan.build();
  },
};
