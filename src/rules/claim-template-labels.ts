/**
 * claim-template-labels — volumeClaimTemplates are immutable, so a label that changes with the chart version breaks
 * every upgrade (`Forbidden: updates to statefulset spec`). Seen in prometheus-pushgateway 2.16.0 → 2.17.0.
 */
import * as z from "zod/mini";
import { isRecord } from "../core/manifest.js";
import { claimTemplates, statefulSets, stringMap } from "./workloads.js";
import { PlanBuilder, type Rule } from "./rule.js";

/** Labels whose value carries the chart or app version. */
export const VERSION_LABELS = ["helm.sh/chart", "chart", "app.kubernetes.io/version", "version"] as const;
/** Their purpose is the version itself, whatever it looks like (`latest`, `7`). */
const VERSION_KEYS = new Set(["app.kubernetes.io/version", "version"]);

/** `prometheus-pushgateway-2.17.0`, `v1.11.0`, `8.4`: a chart label without one (`chart: elasticsearch`) never changes. */
export function carriesVersion(value: string): boolean {
  return /(?:^|[^A-Za-z0-9])v?\d+\.\d+|(?:^|-)v\d+$|-\d+$/.test(value);
}

const options = z.strictObject({
  /** More label keys to remove. */
  labels: z._default(z.array(z.string()), []),
  /** Label keys never removed. */
  keep: z._default(z.array(z.string()), []),
});

export const claimTemplateLabels: Rule<z.infer<typeof options>> = {
  name: "claim-template-labels",
  summary: "remove version-carrying labels from StatefulSet volumeClaimTemplates (immutable, so they break upgrades)",
  defaultEnabled: true,
  options,
  plan({ stream }, { labels: extra, keep }) {
    const plan = new PlanBuilder("claim-template-labels");
    const versionKeys = new Set<string>([...VERSION_LABELS, ...extra]);
    const kept = new Set(keep);
    for (const statefulSet of statefulSets(stream)) {
      const own = stringMap(statefulSet.metadata.labels);
      const versionValues = new Set(
        [...versionKeys].map((key) => own[key]).filter((value): value is string => value !== undefined && carriesVersion(value)),
      );
      const versioned = (key: string, value: string) =>
        extra.includes(key) || VERSION_KEYS.has(key) || (versionKeys.has(key) && carriesVersion(value)) || versionValues.has(value);
      const { templates, invalid } = claimTemplates(statefulSet);
      if (invalid) plan.finding("warning", `${statefulSet}: ${invalid}; left alone`, statefulSet);
      for (const template of templates) {
        const metadata = template.value.metadata;
        if (!isRecord(metadata) || !isRecord(metadata.labels)) continue;
        const current = stringMap(metadata.labels);
        const doomed = Object.keys(current).filter((key) => !kept.has(key) && versioned(key, current[key] as string));
        if (doomed.length === 0) continue;
        const labelsPath = [...template.path, "metadata", "labels"];
        const where = `${statefulSet} volumeClaimTemplate ${template.name || template.index}`;
        if (doomed.length === Object.keys(current).length) {
          plan.edit(statefulSet, {
            op: "delete",
            path: labelsPath,
            reason: `every label of ${where} changes with the chart version; volumeClaimTemplates are immutable, so upgrades would be forbidden`,
          });
          continue;
        }
        for (const key of doomed) {
          const why = versionKeys.has(key) ? `${key} carries the chart or app version` : `its value ${current[key]} is the StatefulSet's chart or app version`;
          plan.edit(statefulSet, {
            op: "delete",
            path: [...labelsPath, key],
            reason: `${why}; volumeClaimTemplates are immutable, so the next chart version could not be upgraded (${where})`,
          });
        }
      }
    }
    return plan.build();
  },
};
