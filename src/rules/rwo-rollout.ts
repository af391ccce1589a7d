/**
 * rwo-rollout — a Deployment whose pod mounts a ReadWriteOnce claim and updates with RollingUpdate. The controller
 * starts the new pod before it stops the old one; when the new pod lands on another node it waits on
 * `Multi-Attach error for volume` while the old pod keeps the volume attached, so the rollout never finishes
 * (Grafana with persistence, Harbor's jobservice and registry). Strategy Recreate stops the old pod first; the field
 * may change on a live Deployment, and `rollingUpdate: null` lets an upgrade clear the live default (see below).
 */
import * as z from "zod/mini";
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import { HOSTNAME, requiredPodAffinityTerms, selectsOnSameNode } from "./pod-affinity.js";
import { PlanBuilder, type Rule } from "./rule.js";
import type { Path } from "../core/yaml-path.js";
import { type Autoscaling, autoscalerOf, claimTemplates, claimVolumes, mostReplicas, objectName, type PodSpecView, podSpec, refuseAmbiguousNames, statefulSets } from "./workloads.js";

const accessMode = z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]);

const options = z.strictObject({
  /** report: a finding per Deployment that can deadlock; fix: also switch it to strategy Recreate. */
  mode: z._default(z.enum(["report", "fix"]), "report"),
  /** Access modes of claims the stream does not render (`existingClaim`): `{claim: ReadWriteOnce}`. */
  claims: z._default(z.record(z.string(), accessMode), {}),
  /** Deployments to look at, as NAME or NAMESPACE/NAME; all when absent. */
  deployments: z.optional(z.array(objectName())),
});

type Options = z.infer<typeof options>;

/** The Deployments the `deployments` option names (NAME, or NAMESPACE/NAME), and which entries found one. */
interface Selection {
  has(deployment: KubeObject): boolean;
  see(deployment: KubeObject): void;
}

function selection(entries: readonly string[], namespaceOf: (object: KubeObject) => string, seen: Set<string>, deployments: readonly KubeObject[]): Selection {
  refuseAmbiguousNames("rwo-rollout: deployments", "Deployment", entries, deployments, namespaceOf);
  const matching = (deployment: KubeObject) =>
    entries.filter((entry) => {
      const slash = entry.indexOf("/");
      return slash === -1 ? entry === deployment.name : entry.slice(slash + 1) === deployment.name && entry.slice(0, slash) === namespaceOf(deployment);
    });
  return {
    has: (deployment) => matching(deployment).length > 0,
    see: (deployment) => {
      for (const entry of matching(deployment)) seen.add(entry);
    },
  };
}

const MULTI_ATTACH = '"Multi-Attach error for volume"';

/**
 * Why rollingUpdate is set to null rather than removed: the live Deployment holds the API server's default
 * rollingUpdate (25%/25%). Helm's and kubectl's three-way merge only remove what the previous manifest had or the
 * new one sets to null, so a manifest without the field keeps the default, and the upgrade fails with
 * "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
 * (helm/helm#5144, kubernetes/kubernetes#24198). An explicit null clears it; on a fresh install it reads as absent.
 */
const CLEAR_ROLLING_UPDATE =
  "strategy Recreate allows no rollingUpdate; null (not a missing field) makes helm upgrade and kubectl apply clear the default the API server stored on the live Deployment, which would otherwise fail the upgrade with \"spec.strategy.rollingUpdate: Forbidden\"";

export const rwoRollout: Rule<Options> = {
  name: "rwo-rollout",
  summary: "report Deployments whose RollingUpdate deadlocks on a ReadWriteOnce claim (mode fix: strategy Recreate)",
  defaultEnabled: true,
  options,
  plan({ stream, release, live }, opts) {
    const plan = new PlanBuilder("rwo-rollout");
    const seen = new Set<string>();
    // An object's own namespace, else the release's as given (never one read from other objects, such as StatefulSets).
    const namespaceOf = (object: KubeObject) => release().namespaceOf(object) ?? "";
    const selected = opts.deployments ? selection(opts.deployments, namespaceOf, seen, stream.objects(["Deployment"], (text) => text.includes("claimName"))) : undefined;
    let rendered: RenderedClaims | undefined;
    const renderedOnce = () => {
      rendered ??= renderedClaims(stream, namespaceOf);
      return rendered;
    };
    // Only Deployments that name a claim can deadlock, so the others are not even parsed.
    for (const deployment of stream.objects(["Deployment"], (text) => text.includes("claimName"))) {
      if (deployment.apiVersion !== "apps/v1") continue;
      if (selected && !selected.has(deployment)) continue;
      const pod = podSpec(deployment);
      const volumes = pod ? claimVolumes(pod) : [];
      if (volumes.length === 0) continue;
      selected?.see(deployment);
      const rollout = rolloutOf(deployment, autoscalerOf(stream, deployment, namespaceOf));
      if (rollout.kind === "recreate") continue;
      if (rollout.kind === "unreadable") {
        plan.finding("info", `${deployment}: ${rollout.problem}; rwo-rollout left it alone`, deployment, ["spec", "strategy"]);
        continue;
      }
      const claims = renderedOnce();
      const namespace = namespaceOf(deployment);
      // A claim the stream does not render: rwo-rollout.claims, or the cluster's (--live); the two must agree.
      const disagreeing: string[] = [];
      const inClusterOnly = new Set<string>();
      const { exclusive, unknown } = classify(
        volumes.map((volume) => volume.claimName),
        (claim) => {
          const rendered = claims.modes(namespace, claim);
          const given = configured(opts, claim);
          if (rendered !== undefined) {
            // The option is for claims the stream does not render: one that says otherwise than the render is a conflict.
            if (given !== undefined && shared(given) !== shared(rendered)) {
              disagreeing.push(`rwo-rollout.claims gives ${claim} ${given.join(", ")}, but the stream renders it ${rendered.join(", ") || "with no access modes"}`);
              return undefined;
            }
            return rendered;
          }
          const inCluster = live?.claim(namespace, claim)?.accessModes;
          if (given !== undefined && inCluster !== undefined && shared(given) !== shared(inCluster)) {
            disagreeing.push(`rwo-rollout.claims gives ${claim} ${given.join(", ")}, but ${live?.origin} has it ${inCluster.join(", ")}`);
            return undefined;
          }
          if (inCluster === undefined) return given;
          if (given === undefined) inClusterOnly.add(claim);
          return inCluster;
        },
      );
      for (const claim of exclusive) if (inClusterOnly.has(claim.claim)) claim.note = ` (not rendered; ${live?.origin} has it)`;
      if (disagreeing.length > 0) {
        plan.finding("warning", `${deployment}: ${disagreeing.join("; ")}, so rwo-rollout left it alone (correct rwo-rollout.claims)`, deployment);
        continue;
      }
      const renderedElsewhere =
        release().namespaceOf(deployment) === undefined ? unknown.filter((claim) => claims.statedNamespaces(claim).length > 0) : [];
      // Claims rendered stating no namespace while none is given: Helm puts them in the release's, maybe not this one.
      const renderedUnplaced = namespace === "" ? [] : unknown.filter((claim) => claims.modes("", claim) !== undefined);
      if (exclusive.length > 0) {
        // Pods held to one node share a ReadWriteOnce volume there (not a ReadWriteOncePod one): no deadlock on it.
        const sharedOnOneNode = pod !== undefined && onOneNode(deployment, pod) && exclusive.every((claim) => claim.mode === "ReadWriteOnce");
        if (!sharedOnOneNode) planExclusive(plan, deployment, rollout, exclusive, opts.mode);
      } else if (renderedUnplaced.length > 0) {
        const these = renderedUnplaced.length === 1 ? `claim ${renderedUnplaced[0]}` : `claims ${renderedUnplaced.join(", ")}`;
        plan.finding(
          "warning",
          `${deployment} is in namespace ${namespace}, and the stream renders ${these} stating no namespace while none is given: whether it mounts ${renderedUnplaced.length === 1 ? "that claim" : "those claims"}, and so ${renderedUnplaced.length === 1 ? "its access modes" : "their access modes"}, is not known, so rwo-rollout left it alone; pass --namespace (-n) with the release's namespace`,
          deployment,
        );
      } else if (renderedElsewhere.length > 0) {
        // The claim is rendered in a namespace the claim states; the Deployment's own is not known.
        const where = renderedElsewhere.map((claim) => `${claim} in ${claims.statedNamespaces(claim).join(", ")}`).join("; ");
        plan.finding(
          "warning",
          `${deployment} states no namespace and none is given, and the stream renders ${renderedElsewhere.length === 1 ? "claim" : "claims"} ${where}: whether it mounts ${renderedElsewhere.length === 1 ? "that claim" : "those claims"} is not known, so rwo-rollout left it alone; pass --namespace (-n) with the release's namespace`,
          deployment,
        );
      } else if (unknown.length > 0) reportUnknown(plan, deployment, rollout, unknown);
    }
    for (const name of opts.deployments ?? []) {
      if (!seen.has(name)) plan.finding("warning", `deployments names ${name}, but no apps/v1 Deployment of that name that mounts a claim is in the stream`);
    }
    reportSharedClaims(plan, stream, namespaceOf, selected, renderedOnce);
    return plan.build();
  },
};

/**
 * A ReadWriteOnce claim the stream renders that pods of several workloads mount: unless a required podAffinity by
 * node ties them together, one lands on another node and waits forever on the volume (mastodon's web and sidekiq).
 */
function reportSharedClaims(
  plan: PlanBuilder,
  stream: ManifestStream,
  namespaceOf: (object: KubeObject) => string,
  selected: Selection | undefined,
  rendered: () => RenderedClaims,
): void {
  const byClaim = new Map<string, KubeObject[]>();
  for (const workload of stream.objects(["Deployment", "StatefulSet"], (text) => text.includes("claimName"))) {
    if (workload.apiVersion !== "apps/v1") continue;
    const pod = podSpec(workload);
    for (const claim of new Set(pod ? claimVolumes(pod).map((volume) => volume.claimName) : [])) {
      const key = `${namespaceOf(workload)}/${claim}`;
      byClaim.set(key, [...(byClaim.get(key) ?? []), workload]);
    }
  }
  for (const [key, mounting] of byClaim) {
    const [namespace, claim] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
    // A claim template's claim is mounted by its StatefulSet's pod of that ordinal too.
    const replica = rendered().mountedByReplica(namespace, claim);
    const workloads = replica === undefined || mounting.includes(replica) ? mounting : [...mounting, replica];
    if (workloads.length < 2) continue;
    if (selected && !workloads.some((workload) => workload.kind === "Deployment" && selected.has(workload))) continue;
    const claimModes = rendered().modes(namespace, claim);
    if (!claimModes || !(claimModes.includes("ReadWriteOnce") || claimModes.includes("ReadWriteOncePod"))) continue;
    if (claimModes.includes("ReadWriteMany") || claimModes.includes("ReadOnlyMany")) continue;
    const oncePod = claimModes.includes("ReadWriteOncePod");
    // ReadWriteOncePod: one pod at a time, wherever the pods run.
    if (!oncePod && tiedToOneNode(workloads)) continue;
    plan.finding(
      "warning",
      `${workloads.map(String).join(" and ")} ${workloads.length === 2 ? "both" : "all"} mount ${
        oncePod
          ? `ReadWriteOncePod claim ${claim}: only one pod can use the volume at a time (use a ReadWriteMany claim)`
          : `ReadWriteOnce claim ${claim}, and no required podAffinity by ${HOSTNAME} keeps their pods on one node: a pod on another node waits forever on ${MULTI_ATTACH} (give one a required podAffinity to the others' pods in the chart, or use a ReadWriteMany claim)`
      }; strategy Recreate (mode fix) does not change this, so rwo-rollout edits nothing for it`,
      workloads[0] as KubeObject,
    );
  }
}

/** Whether the workloads' required podAffinity terms join them all, each to another, on one node. */
function tiedToOneNode(workloads: readonly KubeObject[]): boolean {
  const podLabels = workloads.map((workload) => {
    const labels = workload.get(["spec", "template", "metadata", "labels"]);
    return isRecord(labels) ? labels : {};
  });
  const groups = workloads.map((_, index) => index);
  const groupOf = (index: number): number => (groups[index] === index ? index : groupOf(groups[index] as number));
  workloads.forEach((workload, index) => {
    const pod = podSpec(workload);
    for (const term of pod ? requiredPodAffinityTerms(pod.spec) : []) {
      podLabels.forEach((labels, other) => {
        if (other !== index && selectsOnSameNode(term, labels)) groups[groupOf(index)] = groupOf(other);
      });
    }
  });
  return workloads.every((_, index) => groupOf(index) === groupOf(0));
}

interface ExclusiveClaim {
  claim: string;
  mode: "ReadWriteOnce" | "ReadWriteOncePod";
  /** Where its mode came from, when not from the stream. */
  note?: string;
}

/** Claims only one node (or pod) can use, and claims whose access mode nobody states. ReadWriteMany/ReadOnlyMany drop out. */
function classify(claimNames: string[], modesOf: (claim: string) => string[] | undefined): { exclusive: ExclusiveClaim[]; unknown: string[] } {
  const exclusive: ExclusiveClaim[] = [];
  const unknown: string[] = [];
  for (const claim of claimNames) {
    const modes = modesOf(claim);
    if (modes === undefined || modes.length === 0) unknown.push(claim);
    else if (modes.includes("ReadWriteMany") || modes.includes("ReadOnlyMany")) continue;
    else exclusive.push({ claim, mode: modes.includes("ReadWriteOncePod") ? "ReadWriteOncePod" : "ReadWriteOnce" });
  }
  return { exclusive, unknown };
}

function describeRollout({ explicit, replicas, maxUnavailable, scaling }: RollingRollout): string {
  return `RollingUpdate${explicit ? "" : " (the default)"} with maxUnavailable ${maxUnavailable} for ${describeReplicas(replicas, scaling)}`;
}

function describeReplicas(replicas: number, scaling: Autoscaling | undefined): string {
  if (scaling && scaling.max === undefined) return `the replicas ${scaling.by} sets`;
  if (scaling) return `up to ${replicas} replica${replicas === 1 ? "" : "s"} (${scaling.by} runs up to ${scaling.max})`;
  return `${replicas} replica${replicas === 1 ? "" : "s"}`;
}

/** A claim only one node can use: the deadlock (reported, or fixed with Recreate), or several replicas on it (reported). */
function planExclusive(plan: PlanBuilder, deployment: KubeObject, rollout: RollingRollout, exclusive: ExclusiveClaim[], mode: Options["mode"]): void {
  const named = exclusive.map(({ claim, mode, note }) => `${mode} claim ${claim}${note ?? ""}`).join(", ");
  const oncePod = exclusive.some(({ mode }) => mode === "ReadWriteOncePod");
  if (rollout.replicas > 1) {
    plan.finding(
      "warning",
      `${deployment} runs ${describeReplicas(rollout.replicas, rollout.scaling)} on ${named}: ${oncePod ? "only one of its pods can use the volume at a time" : `every pod must run on the node the volume is attached to, and pods on other nodes wait forever on ${MULTI_ATTACH}`}; strategy Recreate would not change that, so rwo-rollout changed nothing (use a ReadWriteMany claim, a StatefulSet with volumeClaimTemplates, or replicas: 1)`,
      deployment,
    );
    return;
  }
  // The old pod is stopped without waiting for the new one, so the volume is freed: no deadlock.
  if (rollout.maxUnavailable >= 1) return;
  const deadlock = oncePod
    ? `${deployment} mounts ${named} and updates with ${describeRollout(rollout)}: the new pod starts before the old one stops, cannot use the volume while the old pod runs (on any node), and the old pod is only stopped once the new one is ready, so the rollout never finishes`
    : `${deployment} mounts ${named} and updates with ${describeRollout(rollout)}: the new pod starts before the old one stops, and when it lands on another node it waits forever on ${MULTI_ATTACH} while the old pod keeps the volume, so the rollout never finishes`;
  if (mode === "report") {
    plan.finding("warning", `${deadlock}; set rwo-rollout.mode: fix to switch it to strategy Recreate, which stops the old pod first`, deployment, ["spec", "strategy"]);
    return;
  }
  const reason = `${deadlock}; strategy Recreate stops the old pod before the new one starts (a brief outage on each update instead of a rollout that never finishes; allowed on a live Deployment)`;
  const current = deployment.get(["spec", "strategy"]);
  if (!isRecord(current)) {
    plan.edit(deployment, { op: "set", path: ["spec", "strategy"], value: { type: "Recreate", rollingUpdate: null }, reason });
    return;
  }
  plan.edit(deployment, { op: "set", path: ["spec", "strategy", "type"], value: "Recreate", reason });
  if (current.rollingUpdate !== null) {
    plan.edit(deployment, { op: "set", path: ["spec", "strategy", "rollingUpdate"], value: null, reason: CLEAR_ROLLING_UPDATE });
  }
}

/** Claims the stream does not render: the rule cannot tell, so it says what it assumes and which option decides. */
function reportUnknown(plan: PlanBuilder, deployment: KubeObject, rollout: RollingRollout, unknown: string[]): void {
  if (rollout.replicas === 1 && rollout.maxUnavailable >= 1) return;
  const claims = unknown.length === 1 ? `claim ${unknown[0]}, which the stream does not render, so its access mode is unknown` : `claims ${unknown.join(", ")}, which the stream does not render, so their access modes are unknown`;
  const consequence =
    rollout.replicas === 1
      ? `starts the new pod before the old one stops, and a new pod on another node waits forever on ${MULTI_ATTACH}`
      : `needs every pod on the node the volume is attached to (pods elsewhere wait forever on ${MULTI_ATTACH})`;
  const mapping = unknown.map((claim) => `${claim}: ReadWriteOnce`).join(", ");
  plan.finding(
    "warning",
    `${deployment} mounts ${claims}; if ${unknown.length === 1 ? "it is" : "one is"} ReadWriteOnce (as most block storage is), its ${describeRollout(rollout)} ${consequence}; set rwo-rollout.claims: {${mapping}} (then mode fix sets strategy Recreate), or ReadWriteMany if it is shared storage`,
    deployment,
  );
}

/** The pod template names its node (nodeName), or selects one by hostname, as Kubernetes reads it. */
function onOneNode(deployment: KubeObject, pod: PodSpecView): boolean {
  const named = (value: unknown, path: Path) => typeof value === "string" && value !== "" && deployment.readsAlikeAt(path);
  const selector = pod.spec.nodeSelector;
  return (
    named(pod.spec.nodeName, [...pod.path, "nodeName"]) ||
    (isRecord(selector) && named(selector[HOSTNAME], [...pod.path, "nodeSelector", HOSTNAME]))
  );
}

/** Access modes that let pods on several nodes use the claim (ReadWriteOnce and ReadWriteOncePod do not). */
function shared(modes: readonly string[]): boolean {
  return modes.includes("ReadWriteMany") || modes.includes("ReadOnlyMany");
}

function configured(opts: Options, claim: string): string[] | undefined {
  const mode = opts.claims[claim];
  return mode === undefined ? undefined : [mode];
}

interface RenderedClaims {
  /** The access modes of claim `name` of `namespace`: a rendered PVC's, or those of the claim template that makes it. */
  modes(namespace: string, claim: string): string[] | undefined;
  /** The namespaces claims of that name state themselves (rendered PVCs, and claim templates of StatefulSets that do). */
  statedNamespaces(claim: string): string[];
  /** The StatefulSet whose running pod mounts the claim through a claim template (`data-db-0` while db-0 runs). */
  mountedByReplica(namespace: string, claim: string): KubeObject | undefined;
}

/** The PersistentVolumeClaims the stream renders, and those the StatefulSets' claim templates make (`data-db-0`). */
function renderedClaims(stream: ManifestStream, namespaceOf: (object: KubeObject) => string): RenderedClaims {
  const pvcs = new Map<string, string[]>();
  const stated = new Map<string, string[]>();
  for (const pvc of stream.objects(["PersistentVolumeClaim"])) {
    if (pvc.apiVersion !== "v1") continue;
    const accessModes = pvc.get(["spec", "accessModes"]);
    pvcs.set(`${namespaceOf(pvc)}/${pvc.name}`, Array.isArray(accessModes) ? accessModes.map(String) : []);
    if (pvc.namespace) stated.set(pvc.name, [...(stated.get(pvc.name) ?? []), pvc.namespace]);
  }
  // Read only for a claim named as a template's are (`data-db-0`): most streams' Deployments mount rendered claims.
  let known: ReturnType<typeof templateClaims> | undefined;
  const templates = (claim: string) => {
    if (!/-\d+$/.test(claim)) return undefined;
    known ??= templateClaims(stream, namespaceOf);
    return known;
  };
  return {
    modes: (namespace, claim) => pvcs.get(`${namespace}/${claim}`) ?? templates(claim)?.of(namespace, claim)?.modes,
    statedNamespaces: (claim) => [...new Set([...(stated.get(claim) ?? []), ...(templates(claim)?.statedNamespaces(claim) ?? [])])],
    mountedByReplica: (namespace, claim) => templates(claim)?.of(namespace, claim)?.statefulSet,
  };
}

/** A StatefulSet's claim template: its claims are `prefix` and an ordinal (`data-db-` and `0`). */
interface TemplateClaims {
  statefulSet: KubeObject;
  namespace: string;
  prefix: string;
  modes: string[];
}

/** The claim templates of the stream's StatefulSets, found by the claims they make. */
function templateClaims(stream: ManifestStream, namespaceOf: (object: KubeObject) => string) {
  const byPrefix = new Map<string, TemplateClaims>();
  for (const statefulSet of statefulSets(stream)) {
    for (const { name, value } of claimTemplates(statefulSet).templates) {
      if (name === "") continue;
      const modes = isRecord(value.spec) ? value.spec.accessModes : undefined;
      const namespace = namespaceOf(statefulSet);
      const prefix = `${name}-${statefulSet.name}-`;
      if (!byPrefix.has(`${namespace}/${prefix}`)) byPrefix.set(`${namespace}/${prefix}`, { statefulSet, namespace, prefix, modes: Array.isArray(modes) ? modes.map(String) : [] });
    }
  }
  // Only the claims of the ordinals the StatefulSet runs (spec.ordinals.start on, as many as it may have replicas).
  const of = (namespace: string, claim: string): TemplateClaims | undefined => {
    const end = claim.lastIndexOf("-") + 1;
    const template = end > 0 && /^\d+$/.test(claim.slice(end)) ? byPrefix.get(`${namespace}/${claim.slice(0, end)}`) : undefined;
    if (template === undefined) return undefined;
    const { statefulSet } = template;
    const start = statefulSet.get(["spec", "ordinals", "start"]) ?? 0;
    const replicas = mostReplicas(Number(statefulSet.get(["spec", "replicas"]) ?? 1), autoscalerOf(stream, statefulSet, namespaceOf));
    // `data-db-01` is no claim of ordinal 1: the controller writes ordinals without leading zeros.
    const ordinal = Number(claim.slice(end));
    if (String(ordinal) !== claim.slice(end)) return undefined;
    return Number.isSafeInteger(start) && ordinal >= (start as number) && ordinal < (start as number) + replicas ? template : undefined;
  };
  return {
    of,
    statedNamespaces: (claim: string) =>
      [...byPrefix.values()].filter((template) => template.statefulSet.namespace && of(template.namespace, claim) === template).map((template) => template.namespace),
  };
}

interface RollingRollout {
  kind: "rolling";
  explicit: boolean;
  replicas: number;
  maxUnavailable: number;
  /** The autoscaler that sets the replica count, when one does. */
  scaling?: Autoscaling;
}

type Rollout = { kind: "recreate" } | { kind: "unreadable"; problem: string } | RollingRollout;

/**
 * How the Deployment controller will roll this Deployment out, as it computes it: the type defaults to RollingUpdate;
 * maxSurge and maxUnavailable default to 25%; a percentage of the replicas rounds up for maxSurge and down for
 * maxUnavailable; when both come to 0, maxUnavailable is 1. Old pods are stopped without waiting for new ones only
 * when maxUnavailable is at least 1. Replicas default to 1; 0 counts as 1, since scaling up brings the problem back.
 */
function rolloutOf(deployment: KubeObject, scaling: Autoscaling | undefined): Rollout {
  const strategy = deployment.get(["spec", "strategy"]);
  if (strategy !== undefined && strategy !== null && !isRecord(strategy)) {
    return { kind: "unreadable", problem: "spec.strategy is not a mapping" };
  }
  const type = strategy?.type;
  if (type === "Recreate") return { kind: "recreate" };
  if (type !== undefined && type !== null && type !== "RollingUpdate") {
    return { kind: "unreadable", problem: `spec.strategy.type is ${JSON.stringify(type)}, which Kubernetes does not know` };
  }
  const rawReplicas = deployment.get(["spec", "replicas"]);
  if (rawReplicas !== undefined && rawReplicas !== null && !(Number.isInteger(rawReplicas) && (rawReplicas as number) >= 0)) {
    return { kind: "unreadable", problem: `spec.replicas is ${JSON.stringify(rawReplicas)}, not a whole number` };
  }
  // An autoscaler may run more (charts then leave spec.replicas out): judged at the most it may run.
  const declared = Math.max(1, (rawReplicas as number | null | undefined) ?? 1);
  const replicas = mostReplicas(declared, scaling);
  const rolling = isRecord(strategy?.rollingUpdate) ? strategy.rollingUpdate : {};
  const surge = scaled(rolling.maxSurge, declared, Math.ceil);
  const unavailable = scaled(rolling.maxUnavailable, declared, Math.floor);
  if (surge === undefined || unavailable === undefined) {
    return { kind: "unreadable", problem: "spec.strategy.rollingUpdate has a maxSurge or maxUnavailable that is neither a whole number nor a percentage" };
  }
  return {
    kind: "rolling",
    explicit: type === "RollingUpdate",
    replicas,
    maxUnavailable: surge === 0 && unavailable === 0 ? 1 : unavailable,
    ...(scaling && { scaling }),
  };
}

/** An int-or-percent as the controller scales it; undefined when it is neither. */
function scaled(value: unknown, replicas: number, round: (n: number) => number): number | undefined {
  if (value === undefined || value === null) value = "25%";
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const percent = typeof value === "string" ? /^(\d+)%$/.exec(value) : null;
  return percent ? round((Number(percent[1]) * replicas) / 100) : undefined;
}
