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
export function nodeSelectorsDiffer(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  const ours = isRecord(a.nodeSelector) ? a.nodeSelector : {};
  const theirs = isRecord(b.nodeSelector) ? b.nodeSelector : {};
  const shown = (selector: Record<string, unknown>) => Object.entries(selector).map(([key, value]) => `${key}=${String(value)}`).join(",") || "none";
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  return [...keys].some((key) => ours[key] !== theirs[key]) ? `${shown(ours)} against ${shown(theirs)}` : undefined;
}

/** The taints every pod tolerates for a while anyway (the DefaultTolerationSeconds admission plugin adds them). */
const DEFAULT_TOLERATED = new Set(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);

/** Data with its maps' keys in one order, so that two writings of the same value compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/**
 * Tolerations the workload has that the Job lacks: the workload's pods may run on tainted nodes the Job cannot. A Job
 * that tolerates everything (`operator: Exists` with no key) lacks none.
 */
export function tolerationsDiffer(job: Record<string, unknown>, workload: Record<string, unknown>): boolean {
  const list = (spec: Record<string, unknown>) => (Array.isArray(spec.tolerations) ? spec.tolerations.filter(isRecord) : []);
  const ours = list(job);
  if (ours.some((item) => item.operator === "Exists" && (item.key === undefined || item.key === "") && (item.effect === undefined || item.effect === ""))) return false;
  const known = new Set(ours.map(canonical));
  return list(workload).some((item) => !(typeof item.key === "string" && DEFAULT_TOLERATED.has(item.key)) && !known.has(canonical(item)));
}

/** Whether two values are the same data, however their maps' keys are ordered. */
export function sameSetting(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Host ports a pod spec's containers ask for: two pods asking for one can never share a node. */
export function hostPorts(spec: Record<string, unknown>): string[] {
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].filter(isRecord);
  return containers.flatMap((container) =>
    (Array.isArray(container.ports) ? container.ports.filter(isRecord) : [])
      .filter((port) => port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0)
      .map((port) => `${String(port.hostPort)}/${String(port.protocol ?? "TCP")}`),
  );
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

/**
 * Whether a pod template keeps all its pods on one node: a nodeName, a nodeSelector by hostname, or a required
 * podAffinity by hostname to pods with its own labels (`labels`).
 */
export function podsOnOneNode(spec: Record<string, unknown>, labels: Record<string, unknown>): boolean {
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return true;
  const selector = spec.nodeSelector;
  if (isRecord(selector) && typeof selector[HOSTNAME] === "string" && selector[HOSTNAME] !== "") return true;
  return requiredPodAffinityTerms(spec).some((term) => selectsOnSameNode(term, labels));
}
