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

/**
 * Other keys that name a version (`helm.sh/chart-version`, `chartVersion`, `app.kubernetes.io/app-version`) or the
 * release revision (`app.kubernetes.io/helm-revision: {{ .Release.Revision }}`, new at every upgrade): by the name
 * after any prefix, and only with a value of that shape.
 */
const VERSION_NAME = /(?:^|[-_.])version$/i;
const REVISION_NAME = /(?:^|[-_.])revision$/i;
/** camelCase (`chartVersion`), told from words such as `conversion`. */
const CAMEL_VERSION = /[a-z]Version$/;
const CAMEL_REVISION = /[a-z]Revision$/;

function namesVersionOrRevision(key: string, value: string): boolean {
  const name = key.slice(key.lastIndexOf("/") + 1);
  if ((VERSION_NAME.test(name) || CAMEL_VERSION.test(name)) && carriesVersion(value)) return true;
  return (REVISION_NAME.test(name) || CAMEL_REVISION.test(name)) && /^\d+$/.test(value);
}

/** The version a chart label ends with (`olympe-1.2.3-rc.1` → `1.2.3-rc.1`), as Helm's `<name>-<version>` writes it. */
export function chartLabelVersion(value: string): string | undefined {
  return /-(v?\d+\.\d+\S*)$/.exec(value)?.[1];
}

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
      const versionValues = new Set<string>();
      for (const key of versionKeys) {
        const value = own[key];
        if (value === undefined || !carriesVersion(value)) continue;
        versionValues.add(value);
        const chartVersion = chartLabelVersion(value);
        if (chartVersion !== undefined) versionValues.add(chartVersion);
      }
      const versioned = (key: string, value: string) =>
        extra.includes(key) ||
        VERSION_KEYS.has(key) ||
        (versionKeys.has(key) && carriesVersion(value)) ||
        namesVersionOrRevision(key, value) ||
        versionValues.has(value);
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
          const value = current[key] as string;
          const why = versionKeys.has(key)
            ? `${key} carries the chart or app version`
            : versionValues.has(value)
              ? `its value ${value} is the StatefulSet's chart or app version`
              : `${key} names a version or the release revision`;
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
