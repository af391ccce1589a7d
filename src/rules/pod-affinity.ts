/** Reading a pod's required podAffinity as the scheduler does, for the rules that co-locate pods on one claim. */
import { isRecord } from "../core/manifest.js";

export const HOSTNAME = "kubernetes.io/hostname";

/** The pod spec's required podAffinity terms, as written. */
export function requiredPodAffinityTerms(spec: Record<string, unknown>): unknown[] {
  const affinity = isRecord(spec.affinity) ? spec.affinity : {};
  const podAffinity = isRecord(affinity.podAffinity) ? affinity.podAffinity : {};
  const required = podAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  return Array.isArray(required) ? required : [];
}

/**
 * Whether a required podAffinity term puts its pod on the node of a pod with `labels` in its own namespace. Terms
 * that select by namespace or by the pod's own labels (matchLabelKeys) are not read, so never taken as co-locating.
 */
export function selectsOnSameNode(term: unknown, labels: Record<string, unknown>): boolean {
  if (!isRecord(term) || term.topologyKey !== HOSTNAME) return false;
  if (["namespaces", "namespaceSelector", "matchLabelKeys", "mismatchLabelKeys"].some((key) => term[key] !== undefined && term[key] !== null)) {
    return false;
  }
  return isRecord(term.labelSelector) && selectorMatches(term.labelSelector, labels);
}

/** A Kubernetes label selector against a pod's labels: every matchLabels pair and every matchExpressions requirement. */
export function selectorMatches(selector: Record<string, unknown>, labels: Record<string, unknown>): boolean {
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (!isRecord(matchLabels) || !Array.isArray(expressions)) return false;
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  return expressions.every((expression) => {
    if (!isRecord(expression) || typeof expression.key !== "string") return false;
    const present = Object.hasOwn(labels, expression.key);
    const values = Array.isArray(expression.values) ? expression.values : [];
    switch (expression.operator) {
      case "In":
        return present && values.includes(labels[expression.key]);
      case "NotIn":
        return !present || !values.includes(labels[expression.key]);
      case "Exists":
        return present;
      case "DoesNotExist":
        return !present;
      default:
        return false;
    }
  });
}
