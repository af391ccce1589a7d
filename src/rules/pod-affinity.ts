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

/** The pod spec's required podAntiAffinity terms, as written. */
export function requiredPodAntiAffinityTerms(spec: Record<string, unknown>): unknown[] {
  const affinity = isRecord(spec.affinity) ? spec.affinity : {};
  const antiAffinity = isRecord(affinity.podAntiAffinity) ? affinity.podAntiAffinity : {};
  const required = antiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  return Array.isArray(required) ? required : [];
}

/**
 * Whether a required podAntiAffinity term may keep its pod off the node of a pod with `labels`: any topology holds
 * the node, so any term whose label selector selects the pod does, whatever namespaces it names.
 */
export function keepsApart(term: unknown, labels: Record<string, unknown>): boolean {
  if (!isRecord(term) || typeof term.topologyKey !== "string" || term.topologyKey === "") return false;
  // A term that selects by namespace or by the pod's own labels too may select the pod: taken as keeping it apart.
  return isRecord(term.labelSelector) && selectorMatches(term.labelSelector, labels);
}

/** The pod spec's required node affinity, as written (undefined when it has none). */
export function requiredNodeAffinity(spec: Record<string, unknown>): unknown {
  const affinity = isRecord(spec.affinity) ? spec.affinity : {};
  const nodeAffinity = isRecord(affinity.nodeAffinity) ? affinity.nodeAffinity : {};
  return nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? undefined;
}

/**
 * How the node selectors of two pods differ, or undefined when they are the same: with others, whether a node meets
 * both cannot be told from here (a label on the Job's only may be on no node of the other's).
 */
export function nodeSelectorsDisagree(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  const ours = isRecord(a.nodeSelector) ? a.nodeSelector : {};
  const theirs = isRecord(b.nodeSelector) ? b.nodeSelector : {};
  const shown = (selector: Record<string, unknown>) => Object.entries(selector).map(([key, value]) => `${key}=${String(value)}`).join(",") || "none";
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  return [...keys].some((key) => ours[key] !== theirs[key]) ? `${shown(ours)} against ${shown(theirs)}` : undefined;
}

/** Tolerations one pod has that the other lacks: the first may run on tainted nodes the second cannot. */
export function tolerationsDiffer(job: Record<string, unknown>, workload: Record<string, unknown>): boolean {
  const list = (spec: Record<string, unknown>) => (Array.isArray(spec.tolerations) ? spec.tolerations : []);
  const ours = list(job).map((item) => JSON.stringify(item));
  return list(workload).some((item) => !ours.includes(JSON.stringify(item)));
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
