/**
 * The last pipeline stage when --live is given. volumeClaimTemplates are immutable on a live StatefulSet, so after
 * every rule ran, each rendered StatefulSet that exists in the cluster must carry exactly the live templates:
 * differences are pinned back to the live ones (mode pin) or are an error (mode fail), with the migration that
 * applies the new templates. A StatefulSet that does not exist yet, but whose claims do, would start on old data.
 */
import { FixStorageError } from "../core/errors.js";
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import type { ReleaseIdentity } from "../core/release.js";
import { PlanBuilder, type Stage } from "../core/stage.js";
import { claimTemplates, claimVolumes, mentionsClaims, mounts, podSpec, statefulSets } from "../rules/workloads.js";
import { differences, normalizeTemplate, pinnableTemplate, quantityBytes } from "./claim-template-diff.js";
import { recreatingHook } from "./recreating-hooks.js";
import type { LiveClaim, LiveState } from "./live-state.js";

export type LiveMode = "pin" | "fail";

export const LIVE_STAGE = "live-state";

export interface LiveGuardOptions {
  live: LiveState;
  mode: LiveMode;
  /** Milliseconds since the epoch, for the age of stale claims (a parameter, so the core stays pure). */
  now: number;
}

export function liveGuard({ live, mode, now }: LiveGuardOptions): Stage {
  return {
    name: LIVE_STAGE,
    plan({ stream, release }) {
      const plan = new PlanBuilder(LIVE_STAGE);
      const failures: string[] = [];
      const namespacesRead = new Set([...[...live.statefulSets.keys()].map((key) => key.slice(0, key.indexOf("/"))), ...live.claims.map((claim) => claim.namespace)]);
      for (const statefulSet of statefulSets(stream)) {
        const namespace = release().namespaceOf(statefulSet) ?? "";
        const current = live.statefulSets.get(`${namespace}/${statefulSet.name}`);
        const recreatedBy = () => recreatingHook(stream, statefulSet, namespace, (object) => release().namespaceOf(object) ?? "");
        if (current) comparePinned(statefulSet, current, live.claims, namespace, mode, plan, failures, stream.doubt(), recreatedBy);
        else {
          // A file read from other namespaces says nothing of this one: "not in it" is then no sign of "new".
          if (!namespacesRead.has(namespace)) {
            // An empty file is also what a first install's namespace gives: only a file of other namespaces warns.
            plan.finding(
              namespacesRead.size === 0 ? "info" : "warning",
              `${statefulSet} is not in ${live.origin}, which holds nothing of namespace ${namespace}${namespacesRead.size === 0 ? " (nothing at all)" : ""}: it is taken as new, so its volumeClaimTemplates may change; if it exists, read that namespace too (kubectl get statefulsets,persistentvolumeclaims -n ${namespace} -o yaml), or give --live kubectl`,
              statefulSet,
            );
          }
          const made = madeClaims(statefulSet, namespace, live);
          if (live.statefulSets.size === 0 && made.length > 0) {
            // `kubectl get pvc` alone: its claims are there, and whether the StatefulSet is cannot be told.
            plan.finding(
              "warning",
              `${statefulSet} is not in ${live.origin}, which holds its claims (${made.map((claim) => claim.name).join(", ")}) but no StatefulSet at all (read with kubectl get statefulsets,persistentvolumeclaims?): it is taken as new, so its volumeClaimTemplates may change`,
              statefulSet,
            );
          }
          staleClaims(statefulSet, namespace, made, now, mode, plan, failures);
        }
      }
      if (failures.length > 0) {
        throw new FixStorageError(`--live-mode fail: ${failures.length} problem(s) with the live state (${live.origin}):\n  ${failures.join("\n  ")}`);
      }
      return plan.build();
    },
  };
}

/**
 * The first stage when --live is given: every object --live compares (StatefulSets, and Jobs that mount claims) must
 * have a namespace, its own or the release's; otherwise the comparison would silently look at nothing.
 */
export function liveNamespaceCheck(): Stage {
  return {
    name: LIVE_STAGE,
    plan({ stream, release }) {
      liveNamespaces(stream, release());
      return { edits: [], findings: [] };
    },
  };
}

/** Whether the object's pods mount a claim (a volume of it). */
function mountsClaims(object: KubeObject): boolean {
  const pod = podSpec(object);
  return pod !== undefined && claimVolumes(pod).length > 0;
}

/** The namespaces whose StatefulSets and PVCs --live needs; refuses, naming -n, when an object's cannot be told. */
export function liveNamespaces(stream: ManifestStream, release: ReleaseIdentity): string[] {
  const namespaces = new Set<string>();
  const compared = [...statefulSets(stream), ...stream.objects(["CronJob", "Job"], mentionsClaims).filter(mountsClaims)];
  for (const object of compared) {
    const namespace = release.namespaceOf(object);
    if (namespace === undefined) {
      const ref = object.ref();
      throw new FixStorageError(
        `--live cannot tell which namespace to compare ${object} with: it states no metadata.namespace and no release namespace is given; pass -n NS (--namespace)`,
        { document: ref.document, ...(ref.source !== undefined && { source: ref.source }) },
      );
    }
    namespaces.add(namespace);
  }
  // Deployments on claims the stream does not render take their access modes from the cluster (rwo-rollout): their
  // namespace is read too, when it is known.
  for (const deployment of stream.objects(["Deployment"], mentionsClaims).filter(mountsClaims)) {
    const namespace = release.namespaceOf(deployment);
    if (namespace !== undefined) namespaces.add(namespace);
  }
  return [...namespaces].sort();
}

function comparePinned(
  statefulSet: KubeObject,
  current: Record<string, unknown>,
  liveClaims: readonly LiveClaim[],
  namespace: string,
  mode: LiveMode,
  plan: PlanBuilder,
  failures: string[],
  /** A document the rules may misread: every edit is then undone (pipeline.ts), so the templates are the rendered ones. */
  doubt: string | undefined,
  /** The stream's hook Job that deletes the StatefulSet before the upgrade, if any (recreating-hooks.ts). */
  recreatedBy: () => KubeObject | undefined,
): void {
  const spec = doubt === undefined ? statefulSet.get(["spec"]) : (statefulSet.original() as { spec?: unknown } | undefined)?.spec;
  const rendered = asList(isRecord(spec) ? spec.volumeClaimTemplates : undefined);
  const liveSpec = (current.spec ?? {}) as Record<string, unknown>;
  const liveTemplates = asList(liveSpec.volumeClaimTemplates);
  const diff = differences(
    liveTemplates.map((template) => normalizeTemplate(template)),
    rendered.map((template) => normalizeTemplate(template, liveTemplates.find((live) => nameOf(live) === nameOf(template)))),
  ).map((line) => `volumeClaimTemplates${line.startsWith("[") ? "" : "."}${line}`);
  // What is compared is the templates as read here; where Kubernetes reads them otherwise, no sameness is shown.
  if (diff.length === 0 && !statefulSet.readsAlikeAt(["spec", "volumeClaimTemplates"])) {
    diff.push("volumeClaimTemplates hold values Kubernetes reads otherwise (to its YAML 1.1 a plain 010 is 8, yes is true), so they are not taken as the live ones");
  }
  if (diff.length === 0) return;
  const hook = recreatedBy();
  if (hook !== undefined) {
    plan.finding(
      "info",
      `StatefulSet ${namespace}/${statefulSet.name}: its volumeClaimTemplates differ from the live ones (${diff.join("; ")}), but ${hook}, a hook run before the upgrade, deletes it, and Helm then creates it anew: the rendered templates are kept, not pinned (if the hook does not run, the upgrade is forbidden)`,
      statefulSet,
      ["spec", "volumeClaimTemplates"],
    );
    return;
  }
  const migration = `kubectl delete statefulset ${statefulSet.name} -n ${namespace} --cascade=orphan, then run the upgrade again (pods and PVCs stay; the new StatefulSet adopts them)`;
  const growth = storageGrowth(statefulSet, liveSpec, liveTemplates, rendered, namespace, liveClaims);
  const what = `StatefulSet ${namespace}/${statefulSet.name} exists in the cluster and its volumeClaimTemplates cannot change: ${diff.join("; ")}`;
  if (mode === "fail") {
    failures.push(`${what}. To apply the new templates: ${migration}${growth ? `. ${growth}` : ""}`);
    return;
  }
  if (doubt !== undefined) {
    plan.finding("warning", `${what}. They cannot be pinned, since nothing is edited (${doubt}): the upgrade would be forbidden. ${migration}`, statefulSet, [
      "spec",
      "volumeClaimTemplates",
    ]);
    return;
  }
  const unbacked = unbackedMounts(statefulSet, liveTemplates);
  if (unbacked.length > 0) {
    throw new FixStorageError(
      `--live: pinning ${statefulSet} to its live volumeClaimTemplates would leave ${unbacked.join(", ")} with neither a volume nor a claim template, so the pods could not start. The new templates need a migration: ${migration}`,
      statefulSet.location(),
    );
  }
  plan.edit(statefulSet, {
    op: "set",
    path: ["spec", "volumeClaimTemplates"],
    value: liveTemplates.map(pinnableTemplate),
    reason: `pinned to the live templates, since the upgrade would be forbidden; fields that differ: ${diff.join("; ")}`,
  });
  plan.finding("warning", `${what}. Pinned to the live templates. To apply the new templates instead: ${migration}`, statefulSet, ["spec", "volumeClaimTemplates"]);
  if (growth) plan.finding("warning", growth, statefulSet, ["spec", "volumeClaimTemplates"]);
}

/**
 * A larger storage request cannot reach existing PVCs through the template: it needs the PVCs expanded. Which PVCs:
 * those of the template the cluster holds; when none was read, those of the live StatefulSet's replicas (an
 * autoscaler writes its count there), not the rendered count.
 */
function storageGrowth(
  statefulSet: KubeObject,
  liveSpec: Record<string, unknown>,
  live: unknown[],
  rendered: unknown[],
  namespace: string,
  liveClaims: readonly LiveClaim[],
): string | undefined {
  const steps: string[] = [];
  rendered.forEach((template, index) => {
    const wanted = requestOf(template);
    const before = requestOf(live.find((candidate) => nameOf(candidate) === nameOf(template)));
    const [wantedBytes, beforeBytes] = [quantityBytes(wanted), quantityBytes(before)];
    if (wantedBytes === undefined || beforeBytes === undefined || wantedBytes <= beforeBytes) return;
    const claims = claimsToExpand(`${nameOf(template)}-${statefulSet.name}-`, namespace, liveSpec, liveClaims);
    steps.push(
      `volumeClaimTemplate ${nameOf(template) || index} asks for ${wanted} instead of ${before}: the template stays pinned, so expand the PVCs themselves (their StorageClass needs allowVolumeExpansion: true): ${claims
        .map((claim) => `kubectl patch pvc ${claim} -n ${namespace} -p '{"spec":{"resources":{"requests":{"storage":"${wanted}"}}}}'`)
        .join("; ")}`,
    );
  });
  return steps.length > 0 ? steps.join(". ") : undefined;
}

/** The template's PVCs in the cluster by ordinal, else the names of the live StatefulSet's replicas' PVCs. */
function claimsToExpand(prefix: string, namespace: string, liveSpec: Record<string, unknown>, liveClaims: readonly LiveClaim[]): string[] {
  const existing = liveClaims
    .filter((claim) => claim.namespace === namespace && claim.name.startsWith(prefix) && /^\d+$/.test(claim.name.slice(prefix.length)))
    .map((claim) => Number(claim.name.slice(prefix.length)))
    .sort((a, b) => a - b);
  if (existing.length > 0) return existing.map((ordinal) => `${prefix}${ordinal}`);
  const replicas = typeof liveSpec.replicas === "number" && Number.isInteger(liveSpec.replicas) ? liveSpec.replicas : 1;
  const ordinals = isRecord(liveSpec.ordinals) ? liveSpec.ordinals : {};
  const start = typeof ordinals.start === "number" && Number.isInteger(ordinals.start) ? ordinals.start : 0;
  return Array.from({ length: Math.max(replicas, 1) }, (_, ordinal) => `${prefix}${start + ordinal}`);
}

function staleClaims(
  statefulSet: KubeObject,
  namespace: string,
  /** The live claims its templates name (madeClaims). */
  stale: readonly LiveClaim[],
  now: number,
  mode: LiveMode,
  plan: PlanBuilder,
  failures: string[],
): void {
  if (stale.length === 0) return;
  const described = stale.map((claim) => {
    const details = [
      claim.creationTimestamp ? `created ${age(now, claim.creationTimestamp)} ago` : undefined,
      typeof claim.annotations["meta.helm.sh/release-name"] === "string"
        ? `release ${claim.annotations["meta.helm.sh/release-namespace"] ?? namespace}/${claim.annotations["meta.helm.sh/release-name"]}`
        : "no release annotations",
    ].filter(Boolean);
    return `${claim.name} (${details.join(", ")})`;
  });
  const message = `StatefulSet ${namespace}/${statefulSet.name} does not exist in the cluster, but its claims do: ${described.join(", ")}. Its new pods will mount the old data. To start empty: kubectl delete pvc ${stale.map((claim) => claim.name).join(" ")} -n ${namespace}`;
  if (mode === "fail") failures.push(message);
  else plan.finding("warning", message, statefulSet);
}

/** Mounts (`container c: volumeMount data at /data`) that name neither a pod volume nor one of the templates. */
function unbackedMounts(statefulSet: KubeObject, templates: unknown[]): string[] {
  const pod = podSpec(statefulSet);
  if (!pod) return [];
  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
  const provided = new Set([
    ...volumes.map((volume) => (isRecord(volume) ? volume.name : undefined)),
    ...templates.map(nameOf),
  ]);
  return mounts(pod)
    .filter((mount) => !provided.has(mount.name))
    .map((mount) => `container ${String(mount.container.value.name ?? "(unnamed)")}: volumeMount ${mount.name} at ${mount.mountPath}`);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function nameOf(template: unknown): string {
  const metadata = (template as { metadata?: { name?: unknown } } | undefined)?.metadata;
  return typeof metadata?.name === "string" ? metadata.name : "";
}

function requestOf(template: unknown): unknown {
  return (template as { spec?: { resources?: { requests?: { storage?: unknown } } } } | undefined)?.spec?.resources?.requests?.storage;
}

function age(now: number, timestamp: string): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return "an unknown time";
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400 * 2) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** The live claims that the StatefulSet's claim templates name (`data-db-0`), template by template. */
function madeClaims(statefulSet: KubeObject, namespace: string, live: LiveState): LiveClaim[] {
  return claimTemplates(statefulSet).templates.flatMap((template) => {
    const prefix = `${template.name}-${statefulSet.name}-`;
    return live.claims.filter((claim) => claim.namespace === namespace && claim.name.startsWith(prefix) && /^\d+$/.test(claim.name.slice(prefix.length)));
  });
}
