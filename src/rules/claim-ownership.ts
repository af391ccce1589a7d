/**
 * claim-ownership — PVCs created from volumeClaimTemplates carry none of Helm's ownership metadata, so nothing ties
 * them to the release; after uninstall they stay and the next install mounts stale data (Apache DevLake's MySQL).
 * This makes them attributable and selectable; Helm still does not delete them (that is claim-retention's job).
 */
import * as z from "zod/mini";
import { isRecord, type KubeObject } from "../core/manifest.js";
import { valueAtPath } from "../core/yaml-path.js";
import { releaseProblem } from "./release-finding.js";
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
    const identity = release();
    for (const statefulSet of statefulSets(stream)) {
      const { templates } = claimTemplates(statefulSet);
      if (templates.length === 0) continue;
      // The release of the StatefulSet itself, never one inferred from other objects in the stream.
      const own = identity.of(statefulSet);
      const problem = releaseProblem(own, "claim-ownership");
      if (problem || !own.name || !own.namespace) {
        plan.finding("warning", problem ?? "release unknown", statefulSet);
        continue;
      }
      // app.kubernetes.io/instance names an instance in any tool's manifests (kustomize, jsonnet): a Helm release only
      // where something shows Helm rendered the object, or the user says so.
      if (own.nameFromLabelAlone && !showsHelm(statefulSet)) {
        plan.finding(
          "warning",
          `claim-ownership made no change: ${statefulSet} shows no sign of Helm (no # Source comment, helm.sh/chart, chart or heritage label, managed-by Helm label or helm.sh annotation), so ${own.nameFromLabelAlone} is not taken as a Helm release name; pass --release-name NAME if it is one`,
          statefulSet,
        );
        continue;
      }
      const { name, namespace } = own;
      const wanted = [
        ["annotations", "meta.helm.sh/release-name", name.value],
        ["annotations", "meta.helm.sh/release-namespace", namespace.value],
        ["labels", "app.kubernetes.io/managed-by", "Helm"],
      ] as const;
      // The StatefulSet's own ownership annotations are a source too: one that disagrees leaves the release unknown.
      const ownAnnotations = isRecord(statefulSet.metadata.annotations) ? statefulSet.metadata.annotations : {};
      const disagreeing = wanted.filter(
        ([field, key, value]) => field === "annotations" && ownAnnotations[key] !== undefined && ownAnnotations[key] !== null && ownAnnotations[key] !== value,
      );
      if (disagreeing.length > 0) {
        const [, key, value] = disagreeing[0] as (typeof wanted)[number];
        plan.finding(
          "warning",
          `claim-ownership made no change: ${statefulSet}'s own annotation ${key} is ${JSON.stringify(ownAnnotations[key])}, but its release ${key.endsWith("-name") ? `name is ${JSON.stringify(value)} (from ${name.from})` : `namespace is ${JSON.stringify(value)} (from ${namespace.from})`}; which one owns its claims is not clear (make them agree, or pass --release-name and -n)`,
          statefulSet,
          ["metadata", "annotations", key],
        );
        continue;
      }
      for (const template of templates) {
        const where = `${statefulSet} volumeClaimTemplate ${template.name || template.index}`;
        const notMaps = notAMap(template.value);
        if (notMaps) {
          plan.finding("warning", `${where}: ${notMaps} is not a map; left alone`, statefulSet, [...template.path, "metadata"]);
          continue;
        }
        const metadata = isRecord(template.value.metadata) ? template.value.metadata : {};
        const existingOf = (field: string, key: string) => {
          const map = isRecord(metadata[field]) ? (metadata[field] as Record<string, unknown>) : {};
          return map[key];
        };
        // An ownership the template already states otherwise is left whole: half of each would name no release.
        const conflicts = wanted.filter(([field, key, value]) => {
          const existing = existingOf(field, key);
          return existing !== undefined && existing !== null && existing !== value;
        });
        if (conflicts.length > 0) {
          const stated = conflicts.map(([field, key, value]) => `${field} ${key} is ${JSON.stringify(existingOf(field, key))}, not ${JSON.stringify(value)}`);
          plan.finding("warning", `${where}: ${stated.join("; ")}; nothing of the ownership is written to it`, statefulSet, [
            ...template.path,
            "metadata",
            (conflicts[0] as (typeof wanted)[number])[0],
            (conflicts[0] as (typeof wanted)[number])[1],
          ]);
          continue;
        }
        for (const [field, key, value] of wanted) {
          const path = [...template.path, "metadata", field, key];
          if (existingOf(field, key) === value) continue;
          plan.edit(statefulSet, {
            op: "set",
            path,
            value,
            reason:
              field === "labels"
                ? `marks the PVCs of ${statefulSet} as managed by Helm, like the release's other objects`
                : `ties the PVCs of ${statefulSet} to release ${namespace.value}/${name.value} (${key.endsWith("-name") ? `name from ${name.from}` : `namespace from ${namespace.from}`}), so they can be found and cleaned up after uninstall`,
          });
        }
      }
    }
    return plan.build();
  },
};

/**
 * Whether Helm rendered the StatefulSet, as its # Source comment or Helm's labels and annotations on it, its pods or
 * its claims show: read as rendered, since an earlier rule may have removed helm.sh/chart from the claims.
 */
function showsHelm(statefulSet: KubeObject): boolean {
  if (statefulSet.ref().source !== undefined) return true;
  const rendered = statefulSet.original();
  const templates = valueAtPath(rendered, ["spec", "volumeClaimTemplates"]);
  const metadatas = [
    valueAtPath(rendered, ["metadata"]),
    valueAtPath(rendered, ["spec", "template", "metadata"]),
    ...(Array.isArray(templates) ? templates.map((template) => valueAtPath(template, ["metadata"])) : []),
  ];
  return metadatas.some((metadata) => {
    if (!isRecord(metadata)) return false;
    const labels = isRecord(metadata.labels) ? metadata.labels : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    return (
      labels["helm.sh/chart"] !== undefined ||
      labels.chart !== undefined ||
      labels["app.kubernetes.io/managed-by"] === "Helm" ||
      labels.heritage === "Helm" ||
      labels.heritage === "Tiller" ||
      Object.keys(annotations).some((key) => key.startsWith("meta.helm.sh/") || key.startsWith("helm.sh/"))
    );
  });
}

/** `metadata`, or its labels or annotations, present but not a map (a template typo): editing would abort the run. */
function notAMap(template: Record<string, unknown>): string | undefined {
  const present = (value: unknown) => value !== undefined && value !== null;
  const metadata = template.metadata;
  if (!present(metadata)) return undefined;
  if (!isRecord(metadata)) return "metadata";
  const fields = ["labels", "annotations"].filter((field) => present(metadata[field]) && !isRecord(metadata[field]));
  return fields.length > 0 ? fields.map((field) => `metadata.${field}`).join(" and ") : undefined;
}
