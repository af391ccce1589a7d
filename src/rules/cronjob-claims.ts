/**
 * cronjob-claims — Jobs and CronJobs that mount a claim nothing creates (Bitnami Matomo with
 * `persistence.existingClaim`), or a ReadWriteOnce claim whose pod lands on another node. Their pods stay Pending.
 */
import { isDeepStrictEqual } from "node:util";
import * as z from "zod/mini";
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import { ownReleaseName } from "../core/release.js";
import type { Json } from "../core/render.js";
import type { RuleContext } from "../core/stage.js";
import type { Path } from "../core/yaml-editor.js";
import {
  HOSTNAME,
  hostPorts,
  keepsApart,
  nodeSelectorsDiffer,
  podsOnOneNode,
  requiredNodeAffinity,
  requiredPodAffinityTerms,
  requiredPodAntiAffinityTerms,
  sameSetting,
  selectsOnSameNode,
  tolerationsDiffer,
} from "./pod-affinity.js";
import { PlanBuilder, type Rule } from "./rule.js";
import {
  type ClaimVolume,
  claimTemplates,
  claimVolumes,
  autoscalerOf,
  hookPhases,
  mayRunNoPods,
  mostReplicas,
  isHelmHook,
  notAHook,
  mentionsClaims,
  mounts,
  POD_SPEC_PATHS,
  podSpec,
  statefulSets,
} from "./workloads.js";

const accessMode = z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]);

const options = z.strictObject({
  mode: z._default(z.enum(["share", "emptyDir", "remove", "report"]), "share"),
  /** Claims mapped by hand: `{from: to}`. */
  claims: z._default(z.record(z.string(), z.string()), {}),
  /** Access mode assumed for claims the stream does not render. */
  accessMode: z._default(accessMode, "ReadWriteOnce"),
  coLocate: z._default(z.boolean(), true),
});

type Options = z.infer<typeof options>;

/** A claim a main workload mounts, and where. */
interface WorkloadMount {
  workload: KubeObject;
  claim: string;
  mountPath: string;
  /** Set when the claim comes from a volumeClaimTemplate (one claim per replica): the most replicas it may run. */
  replicas?: number;
  /** For a volumeClaimTemplate's claim of an autoscaled StatefulSet: the autoscaler, and the fewest replicas it may run. */
  scaled?: { by: string; fewest: number | undefined };
  /** For a volumeClaimTemplate's claim: the one pod that mounts it. */
  pod?: string;
  /** For a volumeClaimTemplate's claim: the first replica's ordinal (spec.ordinals.start). */
  start?: number;
  /** Why the workload may run no pods at times (mayRunNoPods), or undefined. */
  noPods?: string | undefined;
  /** For a pod volume's claim: the most replicas the workload may run, every one mounting it. */
  mountedBy?: number;
}

/**
 * Hook phases in which a release's workload may have no pods: before it is created (pre-install; pre-upgrade and
 * pre-rollback for a workload new in the version they bring), after it is deleted (post-delete). A Job that runs
 * then and must run beside one of its pods could never be scheduled.
 */
const PHASES_WITHOUT_PODS = new Set(["pre-install", "pre-upgrade", "pre-rollback", "post-delete"]);

/** The pod label the StatefulSet controller sets to the pod's name. */
const POD_NAME = "statefulset.kubernetes.io/pod-name";

/** How a retargeting edit's reason ends; a Job left alone is told what it should share instead. */
const NOW_SHARES = "the Job now shares";

export const cronjobClaims: Rule<Options> = {
  name: "cronjob-claims",
  summary: "point Jobs/CronJobs that mount a claim nothing creates at the main workload's claim, and co-locate RWO users",
  defaultEnabled: true,
  options,
  plan({ stream, release, live }, opts) {
    const plan = new PlanBuilder("cronjob-claims");
    const jobs = stream.objects(["CronJob", "Job"]).filter((job) => job.apiVersion.startsWith("batch/"));
    const withClaims = jobs.filter((job) => {
      const pod = podSpec(job);
      return pod !== undefined && claimVolumes(pod).length > 0;
    });
    if (withClaims.length === 0) return plan.build();

    // An object's own namespace, else the release's as given (never one read from other objects).
    const namespaceOf = (object: KubeObject) => release().namespaceOf(object) ?? "";
    const claims = renderedClaims(stream, namespaceOf);
    const workloadMounts = mainWorkloadMounts(stream, namespaceOf);
    // Workloads whose pods stay on a node that a copied selector may also select: those this rule reads anyway (a
    // subchart's StatefulSet under a release-wide selector). Not Jobs, whose pods come and go (and which this rule
    // points at claims too), nor the Deployments and DaemonSets that name no claim: at 20,000 documents, reading
    // them all cost about a sixth of the run. A podAffinity to pods they also select is no worse than none.
    let owners: PodOwners | undefined;
    const podOwners = () => {
      owners ??= new PodOwners([...statefulSets(stream), ...stream.objects(["Deployment"], mentionsClaims)], namespaceOf);
      return owners;
    };

    for (const job of withClaims) {
      const pod = podSpec(job);
      if (!pod) continue;
      const editsBefore = plan.edits.length;
      const namespace = namespaceOf(job);
      const removals: Path[] = [];
      const affinityTerms: Array<{ term: Record<string, Json>; owner: KubeObject; claim: string; assumed?: string }> = [];
      for (const volume of claimVolumes(pod)) {
        const mountPaths = mounts(pod)
          .filter((mount) => mount.name === volume.name)
          .map((mount) => mount.mountPath);
        const sameScope = (mount: WorkloadMount) =>
          namespaceOf(mount.workload) === namespace && sameRelease(mount.workload, job) && sameApplication(mount.workload, job);
        let target = volume.claimName;
        let why: string | undefined;
        // A claim named for an ordinal its StatefulSet does not run (said why), or undefined.
        const notRun = claims.notRun(namespace, volume.claimName);
        const mapped = opts.claims[volume.claimName];
        if (mapped !== undefined) {
          // A mapping names no namespace: where the stream creates its target only in others, or the cluster lacks it
          // in the Job's, it is not the Job's claim, and the Job would stay Pending on it.
          const elsewhereOnly = mapped !== volume.claimName && !claims.created(namespace, mapped);
          const elsewhere = elsewhereOnly ? claims.namespacesCreating(mapped).filter((other) => other !== namespace) : [];
          const absent = elsewhereOnly && live !== undefined && !live.claimExists(namespace, mapped);
          if (elsewhere.length > 0 || absent) {
            plan.finding(
              "warning",
              `${job} mounts claim ${volume.claimName}; the claims option maps it to ${mapped}, but nothing creates ${mapped} in namespace ${namespace || "(none)"}${elsewhere.length > 0 ? ` (the stream renders it in ${elsewhere.join(", ")})` : ""}${absent ? ` and ${live?.origin} does not have it there` : ""}: left as it is (the mapping names no namespace: keep it to releases whose namespace has ${mapped})`,
              job,
              volume.path,
            );
            continue;
          }
          target = mapped;
          why = `the claims option maps ${volume.claimName} to ${mapped}`;
          if (mapped !== volume.claimName && live?.claimExists(namespace, volume.claimName)) {
            plan.finding(
              "warning",
              `${job} mounts claim ${volume.claimName}, which ${live.origin} has; the claims option maps it to ${mapped}, so the Job is pointed there as asked (drop that entry of cronjob-claims.claims to keep the claim)`,
              job,
              volume.path,
            );
          }
        } else if (Object.values(opts.claims).includes(volume.claimName)) {
          // A claim the claims option points to was chosen by hand: it is never retargeted again.
        } else if (
          release().namespaceOf(job) === undefined &&
          !claims.created(namespace, volume.claimName) &&
          claims.namespacesCreating(volume.claimName).length > 0
        ) {
          // The stream creates the claim in a namespace it names; the Job's own is not known, so neither is whether it
          // is that one.
          plan.finding(
            "warning",
            `${job} states no namespace and none is given, and the stream creates claim ${volume.claimName} in ${claims.namespacesCreating(volume.claimName).join(", ")}: whether the Job mounts that claim is not known, so it is left alone; pass --namespace (-n) with the release's namespace`,
            job,
            volume.path,
          );
          continue;
        } else if (notRun !== undefined) {
          // Such a claim exists only if an earlier scale or ordinal start left it: never swapped for another.
          const inCluster = live?.claimExists(namespace, volume.claimName);
          const exists = inCluster
            ? `${live?.origin} has it, left from an earlier scale`
            : live
              ? `${live.origin} has no such claim either, so the Job's pods would stay Pending`
              : "so the claim exists only if an earlier scale left it (pass --live to check)";
          plan.finding(
            inCluster ? "info" : "warning",
            `${job} mounts claim ${volume.claimName}: ${notRun}; ${exists}; left as it is (if another claim is meant, set cronjob-claims.claims: {${volume.claimName}: NAME})`,
            job,
            volume.path,
          );
          continue;
        } else if (namespace !== "" && !claims.created(namespace, volume.claimName) && claims.createdUnplaced(volume.claimName)) {
          // The stream creates the claim stating no namespace, and none is given: Helm puts it in the release's
          // namespace, which may or may not be the one the Job states.
          plan.finding(
            "warning",
            `${job} is in namespace ${namespace}, and the stream creates claim ${volume.claimName} stating no namespace while none is given: whether the Job mounts that claim (and how it may be shared) is not known, so it is left alone; pass --namespace (-n) with the release's namespace`,
            job,
            volume.path,
          );
          continue;
        } else if (!claims.created(namespace, volume.claimName) && workloadMounts.ofClaim(volume.claimName, sameScope) === undefined) {
          // A claim the stream does not render may still exist in the cluster: the Job's own, never to be swapped.
          if (live?.claimExists(namespace, volume.claimName)) {
            plan.finding(
              "info",
              `${job} mounts claim ${volume.claimName}, which the stream does not render but the cluster has (${live.origin}); left as it is`,
              job,
              volume.path,
            );
            continue;
          }
          const rivals = workloadMounts.atPaths(mountPaths, (mount) => sameScope(mount) && mount.claim !== volume.claimName);
          const distinct = [...new Set(rivals.map((mount) => mount.claim))];
          const elsewhere =
            distinct.length === 0 && release().namespaceOf(job) === undefined ? mountedElsewhere(workloadMounts, mountPaths, volume.claimName, job, namespaceOf) : [];
          const misreadOwner = distinct.length === 0 ? misreadAt(workloadMounts, mountPaths, sameScope) : undefined;
          if (distinct.length === 1) {
            const rival = rivals[0] as WorkloadMount;
            if (rival.replicas !== undefined && rival.replicas > 1) {
              plan.finding(
                "warning",
                `${job} mounts claim ${volume.claimName}, which nothing creates; ${rival.workload} mounts per-replica claims at ${rival.mountPath}, so there is no one claim to share (set cronjob-claims.claims)`,
                job,
                volume.path,
              );
              continue;
            }
            target = distinct[0] as string;
            why = `nothing in the stream creates claim ${volume.claimName}, and ${rival.workload} mounts ${target} at the same path ${rival.mountPath}; the Job's pods would stay Pending`;
            if (live) why = `${why} (${live.origin} has no claim ${volume.claimName} either)`;
            else {
              plan.finding(
                "warning",
                `${job}: assuming \`${volume.claimName}\` does not exist in the cluster; pass --live to check (if it exists, set cronjob-claims.claims: {${volume.claimName}: ${volume.claimName}} to keep it)`,
                job,
                volume.path,
              );
            }
          } else if (distinct.length > 1) {
            plan.finding(
              "warning",
              `${job} mounts claim ${volume.claimName}, which nothing creates; main workloads mount several claims at ${mountPaths.join(", ")} (${distinct.join(", ")}), so which one is meant is not clear (set cronjob-claims.claims: {${volume.claimName}: NAME})`,
              job,
              volume.path,
            );
            continue;
          } else if (elsewhere[0] !== undefined) {
            // Workloads that state a namespace mount a claim at the Job's path: the Job's own is not known, so
            // neither is whether it is theirs.
            const first = elsewhere[0];
            plan.finding(
              "warning",
              `${job} states no namespace and none is given, and ${first.workload} mounts claim ${first.claim} at the same path ${first.mountPath} in namespace ${namespaceOf(first.workload)}: whether the Job belongs beside it is not known, so it is left alone; pass --namespace (-n) with the release's namespace`,
              job,
              volume.path,
            );
            continue;
          } else if (misreadOwner !== undefined) {
            const other = misreadOwner;
            plan.finding(
              "warning",
              `${job} mounts claim ${volume.claimName}, which nothing in the stream creates; ${other.workload} mounts a claim at the same path ${other.mountPath}, but Kubernetes reads the names it is built from otherwise (to its YAML 1.1 a plain 010 is 8; Helm's split drops the last line break of a block scalar that ends the document), so it is not taken as the Job's main workload (quote those values in the chart, or set cronjob-claims.claims)`,
              job,
              volume.path,
            );
            continue;
          } else {
            const unmounted = claims.unmounted(namespace, (claim) => sameRelease(claim, job));
            const inCluster = live ? `${live.origin} has no claim ${volume.claimName} either, so its pods would stay Pending` : "fine if it exists in the cluster (pass --live to check)";
            const hint =
              unmounted.length === 1
                ? `; the likely target is ${unmounted[0]}, which the stream renders and nothing mounts: set cronjob-claims.claims: {${volume.claimName}: ${unmounted[0]}}`
                : unmounted.length > 1
                  ? `; the stream renders claims nothing mounts (${unmounted.join(", ")}): if one is meant, set cronjob-claims.claims: {${volume.claimName}: NAME}`
                  : `; if another claim is meant, set cronjob-claims.claims: {${volume.claimName}: NAME}`;
            plan.finding(
              live || unmounted.length > 0 ? "warning" : "info",
              `${job} mounts claim ${volume.claimName}, which nothing in the stream creates and no main workload mounts; ${inCluster}${hint}`,
              job,
              volume.path,
            );
            continue;
          }
        }

        if (target !== volume.claimName) {
          if (opts.mode === "report") {
            plan.finding("warning", `${job}: ${why}; mode report, so left alone (mode share would mount ${target})`, job, volume.path);
            continue;
          }
          if (opts.mode === "emptyDir" && mapped === undefined) {
            plan.edit(job, { op: "delete", path: [...volume.path, "persistentVolumeClaim"], reason: `${why}; mode emptyDir` });
            plan.edit(job, { op: "set", path: [...volume.path, "emptyDir"], value: {}, reason: `${why}; mode emptyDir gives the Job scratch space instead` });
            continue;
          }
          if (opts.mode === "remove" && mapped === undefined) {
            removals.push(volume.path, ...mounts(pod).filter((mount) => mount.name === volume.name).map((mount) => mount.path));
            continue;
          }
          plan.edit(job, {
            op: "set",
            path: [...volume.path, "persistentVolumeClaim", "claimName"],
            value: target,
            reason: `${why}; ${NOW_SHARES} ${target}`,
          });
        }
        if (opts.coLocate && opts.mode !== "report") {
          const sameNamespace = (mount: WorkloadMount) => namespaceOf(mount.workload) === namespace;
          const term = coLocation(volume, target, namespace, claims, workloadMounts, { sameScope, sameNamespace }, opts, plan, job, pod.spec, podOwners, live);
          if (term && !affinityTerms.some((known) => isDeepStrictEqual(known.term, term.term))) affinityTerms.push(term);
        }
      }
      for (const path of removals.sort(comparePathsDescending)) {
        plan.edit(job, { op: "delete", path, reason: "the volume's claim is created by nothing in the stream; mode remove drops the volume and every mount of it" });
      }
      addAffinity(plan, job, pod.path, pod.spec, affinityTerms);
      // A release Job is never edited: its pod template cannot change (see idempotent-cleanup).
      if (job.kind === "Job" && !isHelmHook(job) && plan.edits.length > editsBefore) {
        const withheld = plan.edits.splice(editsBefore);
        plan.finding(
          "warning",
          `${job} ${notAHook(job)}, so it is left alone: a Job's pod template cannot change, and an edited one would make every later upgrade of an existing release fail. What it needs: ${[...new Set(withheld.map((edit) => edit.reason.replace(NOW_SHARES, "it should share")))].join("; ")}. Fix it in the chart, or make the Job a hook (helm.sh/hook)`,
          job,
        );
      }
    }
    return plan.build();
  },
};

/**
 * Why the Job's pod may never share a node with the workload's pod, or undefined: the first of the scheduling
 * constraints, on either side, that a required podAffinity could contradict.
 */
function keptApart(
  jobPod: Record<string, unknown>,
  jobLabels: Record<string, unknown>,
  ownerPod: Record<string, unknown>,
  ownerLabels: Record<string, unknown>,
  owner: string,
): string | undefined {
  const antiAffinity = requiredPodAntiAffinityTerms(jobPod);
  const sharedPort = hostPorts(jobPod).find((port) => hostPorts(ownerPod).includes(port));
  const selectors = nodeSelectorsDiffer(jobPod, ownerPod);
  const checks: Array<[boolean, () => string]> = [
    [antiAffinity.some((term) => keepsApart(term, ownerLabels)), () => `its own required podAntiAffinity keeps it off the nodes of ${owner}'s pods`],
    [antiAffinity.length > 0, () => "its own required podAntiAffinity may keep it off the node of the pod that holds the claim"],
    [requiredPodAffinityTerms(jobPod).length > 0, () => "its own required podAffinity ties it to other pods, which may be on another node"],
    [
      Array.isArray(jobPod.topologySpreadConstraints) && jobPod.topologySpreadConstraints.some((one) => isRecord(one) && one.whenUnsatisfiable !== "ScheduleAnyway"),
      () => "its topologySpreadConstraints may keep it off that node",
    ],
    [sharedPort !== undefined, () => `it asks for host port ${sharedPort}, which ${owner}'s pods hold`],
    [(jobPod.runtimeClassName ?? null) !== (ownerPod.runtimeClassName ?? null), () => `its runtimeClassName and ${owner}'s differ, and a RuntimeClass may restrict the nodes`],
    [requiredPodAntiAffinityTerms(ownerPod).some((term) => keepsApart(term, jobLabels)), () => `${owner}'s required podAntiAffinity keeps the Job's pod, whose labels it selects, off its pods' nodes`],
    [selectors !== undefined, () => `its nodeSelector and ${owner}'s differ (${selectors}), so whether they share a node cannot be told`],
    [!sameSetting(requiredNodeAffinity(jobPod), requiredNodeAffinity(ownerPod)), () => `its required nodeAffinity and ${owner}'s differ, so whether they share a node cannot be told`],
    [tolerationsDiffer(jobPod, ownerPod), () => `${owner} tolerates taints the Job does not, so its pods may run on nodes the Job cannot`],
  ];
  return checks.find(([applies]) => applies)?.[1]();
}

/** The labels of the pods a Job or CronJob runs (its pod template's). */
function jobPodLabels(job: KubeObject): Record<string, unknown> {
  const path = job.kind === "CronJob" ? ["spec", "jobTemplate", "spec", "template", "metadata", "labels"] : ["spec", "template", "metadata", "labels"];
  const labels = job.get(path);
  return isRecord(labels) ? labels : {};
}

/** One directory, however written: `/var/www/html/` is `/var/www/html`. */
function cleanPath(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}

function coLocation(
  volume: ClaimVolume,
  claim: string,
  namespace: string,
  claims: RenderedClaims,
  workloadMounts: WorkloadMounts,
  /** The Job's own application's workloads, and every workload of its namespace. */
  { sameScope, sameNamespace }: { sameScope: (mount: WorkloadMount) => boolean; sameNamespace: (mount: WorkloadMount) => boolean },
  opts: Options,
  plan: PlanBuilder,
  job: KubeObject,
  jobPod: Record<string, unknown>,
  podOwners: () => PodOwners,
  live?: RuleContext["live"],
): { term: Record<string, Json>; owner: KubeObject; claim: string; assumed?: string } | undefined {
  const rendered = claims.accessModes(namespace, claim);
  // A claim the stream does not render may be in the cluster: its access modes are then known, not assumed.
  const inCluster = rendered === undefined ? live?.claim(namespace, claim)?.accessModes : undefined;
  const known = rendered ?? inCluster;
  const modes = known ?? [opts.accessMode];
  const described =
    known === undefined
      ? `claim ${claim} (not rendered, so assumed ${opts.accessMode})`
      : `ReadWriteOnce claim ${claim}${inCluster === undefined ? "" : ` (not rendered; ${live?.origin} has it)`}`;
  if (modes.includes("ReadWriteMany") || modes.includes("ReadOnlyMany")) return undefined;
  // The chart may co-locate the Job already, with a term of its own that selects a pod holding the claim.
  const tiedTo = (mounts: readonly WorkloadMount[]) => mounts.some((mount) => requiredPodAffinityTerms(jobPod).some((term) => coLocatesWith(term, mount)));
  const owners = workloadMounts.ownersOf(claim, sameScope);
  const owner = owners[0];
  if (!owner) {
    // A workload of another application or release may hold the claim: the Job is no part of it, so it is not tied
    // to it, but the volume is no less held on that workload's node.
    const others = workloadMounts.ownersOf(claim, sameNamespace);
    const other = others[0];
    if (other !== undefined && !tiedTo(others)) {
      plan.finding(
        "warning",
        `${job} shares ${described} with ${other.workload}, which is of another application or release (its labels or # Source: chart differ), so no podAffinity ties the Job to it: its pod may wait for the volume on another node (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)`,
        job,
        volume.path,
      );
    }
    return undefined;
  }
  const names = owners.map((mount) => String(mount.workload)).join(" and ");
  if (modes.includes("ReadWriteOncePod")) {
    plan.finding("warning", `${job} and ${names} both mount ${claim}, which is ReadWriteOncePod: only one pod can use it at a time`, job, volume.path);
    return undefined;
  }
  if (tiedTo(owners)) return undefined;
  // Every replica of a workload that runs several mounts the claim, as a ReadWriteMany one allows: the assumed
  // ReadWriteOnce and the workload disagree.
  const sharedBy = owners.length === 1 && known === undefined ? owner.mountedBy : undefined;
  if (sharedBy !== undefined && !(sharedBy <= 1) && !replicasOnOneNode(owner.workload)) {
    plan.finding(
      "warning",
      `${job} shares claim ${claim} with ${owner.workload}, whose ${sharedBy === Number.POSITIVE_INFINITY ? "replicas" : `${sharedBy} replicas`} all mount it, as a ReadWriteMany claim allows; the stream does not render the claim, and cronjob-claims.accessMode (${opts.accessMode}) says otherwise, so no podAffinity is added (set cronjob-claims.accessMode: ReadWriteMany, or pass --live to read the claim's access modes)`,
      job,
      volume.path,
    );
    return undefined;
  }
  if (owners.length > 1) {
    plan.finding(
      "warning",
      `${job} shares ReadWriteOnce claim ${claim} with ${names}: which one's node the Job must run on is not clear, so no podAffinity is added (give the Job a required podAffinity in the chart that selects the pods holding the claim, or set cronjob-claims.coLocate: false)`,
      job,
      volume.path,
    );
    return undefined;
  }
  // Before an upgrade or a rollback, a StatefulSet has the pods the cluster runs (--live shows them), not those of the
  // version the upgrade brings: for one replica's claim, that replica's pod must be among them.
  const livePods = owner.workload.kind === "StatefulSet" ? live?.statefulSetOrdinals(namespace, owner.workload.name) : undefined;
  const ordinal = owner.pod === undefined ? undefined : Number(owner.pod.slice(owner.workload.name.length + 1));
  const running =
    livePods !== undefined && livePods.replicas > 0 && (ordinal === undefined || (ordinal >= livePods.start && ordinal < livePods.start + livePods.replicas));
  const withoutPods =
    isHelmHook(job) && job.kind === "Job"
      ? hookPhases(job).filter((phase) => PHASES_WITHOUT_PODS.has(phase) && !(running && (phase === "pre-upgrade" || phase === "pre-rollback")))
      : [];
  if (withoutPods.length > 0) {
    const others = hookPhases(job).filter((phase) => !PHASES_WITHOUT_PODS.has(phase));
    plan.finding(
      others.length > 0 ? "warning" : "info",
      `${job} shares ${described} with ${owner.workload}, but runs as a ${withoutPods.join(" and ")} hook, when ${owner.workload} may have ${ordinal === undefined ? "no pods" : `no pod ${owner.pod}`}${livePods !== undefined && !running ? ` (${live?.origin} shows ${describeOrdinals(livePods)})` : ""}: a required podAffinity would leave it Pending there, so none is added${
        others.length > 0 ? `; as a ${others.join(" and ")} hook it may wait for the volume on another node (run those phases as a Job of their own with a podAffinity in the chart, or set cronjob-claims.coLocate: false)` : ""
      }`,
      job,
      volume.path,
    );
    return undefined;
  }
  if (owner.noPods !== undefined) {
    plan.finding(
      "warning",
      `${job} shares ${described} with ${owner.workload}, which may run no pods (${owner.noPods}): a required podAffinity would leave the Job Pending whenever it has none, so none is added; while it has pods, the Job may wait for the volume on another node (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)`,
      job,
      volume.path,
    );
    return undefined;
  }
  // One replica's pod runs only while the StatefulSet runs that many replicas, and an autoscaler may run fewer.
  if (ordinal !== undefined && owner.start !== undefined && owner.scaled !== undefined) {
    const { by, fewest } = owner.scaled;
    if (fewest === undefined || ordinal >= owner.start + fewest) {
      plan.finding(
        "warning",
        `${job} shares ${described} with ${owner.workload}'s pod ${owner.pod}, which runs only while ${owner.workload} has at least ${ordinal - owner.start + 1} replicas, and ${by} may run ${fewest === undefined ? "fewer (its minimum is not stated here)" : `as few as ${fewest}`}: a required podAffinity would leave the Job Pending then, so none is added, and its pod may wait for the volume on another node while the pod runs (give the Job a podAffinity in the chart, or set cronjob-claims.coLocate: false)`,
        job,
        volume.path,
      );
      return undefined;
    }
  }
  // The Job's own constraints may keep it off every node the workload's pods run on: a required term would never hold.
  const template = owner.workload.get(["spec", "template", "metadata", "labels"]);
  const ownerLabels: Record<string, unknown> = { ...(isRecord(template) ? template : {}), ...(owner.pod !== undefined && { [POD_NAME]: owner.pod }) };
  const ownerPod = owner.workload.get(["spec", "template", "spec"]);
  const apart = keptApart(jobPod, jobPodLabels(job), isRecord(ownerPod) ? ownerPod : {}, ownerLabels, String(owner.workload));
  if (apart !== undefined) {
    plan.finding(
      "warning",
      `${job} shares ${described} with ${owner.workload}, but ${apart}: a required podAffinity would leave it Pending, so none is added, and its pod may wait for the volume on another node (change the Job's affinity or nodeSelector in the chart, or set cronjob-claims.coLocate: false)`,
      job,
      volume.path,
    );
    return undefined;
  }
  const assumed = known === undefined ? opts.accessMode : undefined;
  /** The term to add; an access mode assumed for it is said, not only in the edit's reason. */
  const coLocated = (term: Record<string, Json>) => {
    if (assumed !== undefined) {
      plan.finding(
        "warning",
        `${job} shares claim ${claim} with ${owner.workload}; the stream does not render the claim, so its access mode is assumed ${assumed} (cronjob-claims.accessMode) and a required podAffinity ties the Job to the node of ${owner.workload}'s pod; if the claim is ReadWriteMany, set cronjob-claims.accessMode: ReadWriteMany (or coLocate: false)`,
        job,
        volume.path,
      );
    }
    return { term, owner: owner.workload, claim, ...(assumed && { assumed }) };
  };
  // A per-replica claim is mounted by one pod only: the workload's labels would match the others, and a StatefulSet
  // may run more replicas than rendered (Helm keeps a replica count the chart leaves out, or one scaled by hand).
  if (owner.pod !== undefined) return coLocated({ labelSelector: { matchLabels: { [POD_NAME]: owner.pod } }, topologyKey: HOSTNAME });
  const matchLabels = owner.workload.get(["spec", "selector", "matchLabels"]);
  if (!owner.workload.readsAlikeAt(["spec", "selector", "matchLabels"])) {
    plan.finding(
      "warning",
      `${job} shares ReadWriteOnce claim ${claim} with ${owner.workload}, whose selector's matchLabels Kubernetes reads otherwise (to its YAML 1.1 a plain on, yes or 010 is a boolean or a number; Helm's split drops the last line break of a block scalar that ends the document), so no podAffinity is copied from them (write those keys and values in the chart as quoted scalars)`,
      job,
      volume.path,
    );
    return undefined;
  }
  if (!isRecord(matchLabels) || Object.keys(matchLabels).length === 0) {
    plan.finding("warning", `${job} shares ReadWriteOnce claim ${claim} with ${owner.workload}, whose selector has no matchLabels to co-locate with`, job, volume.path);
    return undefined;
  }
  // A selector other pods of the namespace match (a subchart's, under a release-wide selector) could put the Job
  // beside a pod that does not hold the claim.
  const also = podOwners()
    .selectedBy(matchLabels)
    .find(({ object, namespace: theirs }) => (theirs === namespace || theirs === "" || namespace === "") && !sameObject(object, owner.workload) && !mountsClaim(object, claim))?.object;
  if (also !== undefined) {
    plan.finding(
      "warning",
      `${job} shares ReadWriteOnce claim ${claim} with ${owner.workload}, but its selector's matchLabels ${JSON.stringify(matchLabels)} also select the pods of ${also}, which do not mount the claim: a podAffinity by them could put the Job beside the wrong pod, so none is added (give the Job a required podAffinity in the chart by labels only ${owner.workload}'s pods have, or set cronjob-claims.coLocate: false)`,
      job,
      volume.path,
    );
    return undefined;
  }
  return coLocated({ labelSelector: { matchLabels: matchLabels as Json }, topologyKey: HOSTNAME });
}

/** Whether the workload keeps its replicas on one node, where they share a ReadWriteOnce volume. */
function replicasOnOneNode(workload: KubeObject): boolean {
  const spec = workload.get(["spec", "template", "spec"]);
  const labels = workload.get(["spec", "template", "metadata", "labels"]);
  return isRecord(spec) && podsOnOneNode(spec, isRecord(labels) ? labels : {});
}

/** "replicas 1 (pod ordinals 0 to 0)", for findings. */
function describeOrdinals({ start, replicas }: { start: number; replicas: number }): string {
  return replicas === 0 ? "replicas 0" : `replicas ${replicas} (pod ordinals ${start} to ${start + replicas - 1})`;
}

/**
 * Whether a required podAffinity term puts the Job on the node of the pod that holds the mount's claim (for one
 * replica's claim of several, that one pod).
 */
function coLocatesWith(term: unknown, mount: WorkloadMount): boolean {
  const template = mount.workload.get(["spec", "template", "metadata", "labels"]);
  const labels: Record<string, unknown> = { ...(isRecord(template) ? template : {}), ...(mount.pod !== undefined && { [POD_NAME]: mount.pod }) };
  if (!selectsOnSameNode(term, labels)) return false;
  if (mount.pod === undefined || mount.replicas === 1) return true;
  const selector = (term as Record<string, unknown>).labelSelector as Record<string, unknown>;
  const byName = isRecord(selector.matchLabels) && selector.matchLabels[POD_NAME] === mount.pod;
  const byExpression =
    Array.isArray(selector.matchExpressions) &&
    selector.matchExpressions.some(
      (expression) => isRecord(expression) && expression.key === POD_NAME && expression.operator === "In" && isDeepStrictEqual(expression.values, [mount.pod]),
    );
  return byName || byExpression;
}

function addAffinity(
  plan: PlanBuilder,
  job: KubeObject,
  podPath: Path,
  spec: Record<string, unknown>,
  terms: Array<{ term: Record<string, Json>; owner: KubeObject; claim: string; assumed?: string }>,
): void {
  const requiredPath = [...podPath, "affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution"];
  const affinity = isRecord(spec.affinity) ? spec.affinity : {};
  const podAffinity = isRecord(affinity.podAffinity) ? affinity.podAffinity : {};
  const existing = podAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  // A copy: the object's data is the editor's and the proof's original, which a rule must never change.
  const present = Array.isArray(existing) ? [...existing] : [];
  for (const { term, owner, claim, assumed } of terms) {
    if (present.some((known) => isDeepStrictEqual(known, term))) continue;
    const mode = assumed === undefined ? "is ReadWriteOnce" : `is assumed ${assumed} (not rendered; cronjob-claims.accessMode)`;
    const reason = `claim ${claim} ${mode} and ${owner} mounts it: the Job's pod must run on the same node, or it stays Pending (multi-attach)`;
    if (Array.isArray(existing) || present.length > 0) plan.edit(job, { op: "append", path: requiredPath, value: term, reason });
    else plan.edit(job, { op: "set", path: requiredPath, value: [term], reason });
    present.push(term);
  }
}

interface RenderedClaims {
  created(namespace: string, claim: string): boolean;
  /** The namespaces, stated by the objects themselves, in which the stream creates `claim`. */
  namespacesCreating(claim: string): string[];
  /** Why a claim named as a claim template's is not one the StatefulSet makes (an ordinal it does not run). */
  notRun(namespace: string, claim: string): string | undefined;
  /** Whether the stream creates `claim` in a namespace not known: stated neither by the object nor by a flag. */
  createdUnplaced(claim: string): boolean;
  accessModes(namespace: string, claim: string): string[] | undefined;
  /** Rendered PVCs of the namespace that no pod in the stream mounts, among those `keep` accepts. */
  unmounted(namespace: string, keep: (claim: KubeObject) => boolean): string[];
}

/** Claims the stream creates: rendered PVCs, and the per-replica PVCs of volumeClaimTemplates. */
function renderedClaims(stream: ManifestStream, namespaceOf: (object: KubeObject) => string): RenderedClaims {
  const pvcs = new Map<string, string[]>();
  const pvcObjects: KubeObject[] = [];
  for (const pvc of stream.objects(["PersistentVolumeClaim"])) {
    if (pvc.apiVersion !== "v1") continue;
    const modes = pvc.get(["spec", "accessModes"]);
    pvcs.set(`${namespaceOf(pvc)}/${pvc.name}`, Array.isArray(modes) ? modes.map(String) : []);
    pvcObjects.push(pvc);
  }
  let mounted: Set<string> | undefined;
  const mountedClaims = () => {
    mounted ??= new Set(
      stream.objects(Object.keys(POD_SPEC_PATHS), mentionsClaims).flatMap((object) => {
        const pod = podSpec(object);
        return pod ? claimVolumes(pod).map((volume) => `${namespaceOf(object)}/${volume.claimName}`) : [];
      }),
    );
    return mounted;
  };
  const templates: Array<{ namespace: string; stated: boolean; prefix: string; modes: string[]; statefulSet: KubeObject; ordinals?: { start: number; most: number } }> =
    [];
  for (const statefulSet of statefulSets(stream)) {
    // The ordinals it runs, when they are plain numbers: spec.ordinals.start up to the most replicas it may run.
    const start = statefulSet.get(["spec", "ordinals", "start"]) ?? 0;
    const declared = statefulSet.get(["spec", "replicas"]) ?? 1;
    const ordinals =
      Number.isSafeInteger(start) && (start as number) >= 0 && Number.isSafeInteger(declared) && statefulSet.readsAlikeAt(["spec", "ordinals"]) && statefulSet.readsAlikeAt(["spec", "replicas"])
        ? { start: start as number, most: mostReplicas(declared as number, autoscalerOf(stream, statefulSet, namespaceOf)) }
        : undefined;
    for (const template of claimTemplates(statefulSet).templates) {
      const modes = isRecord(template.value.spec) ? template.value.spec.accessModes : undefined;
      templates.push({
        namespace: namespaceOf(statefulSet),
        stated: Boolean(statefulSet.namespace),
        prefix: `${template.name}-${statefulSet.name}-`,
        modes: Array.isArray(modes) ? modes.map(String) : [],
        statefulSet,
        ...(ordinals && { ordinals }),
      });
    }
  }
  // A template's claims are its prefix and an ordinal: the prefix of a claim is all up to its last dash.
  const byPrefix = new Map<string, (typeof templates)[number]>();
  for (const template of templates) {
    const key = `${template.namespace}/${template.prefix}`;
    if (!byPrefix.has(key)) byPrefix.set(key, template);
  }
  const fromTemplate = (namespace: string, claim: string) => {
    const prefixEnd = claim.lastIndexOf("-") + 1;
    return prefixEnd > 0 && /^\d+$/.test(claim.slice(prefixEnd)) ? byPrefix.get(`${namespace}/${claim.slice(0, prefixEnd)}`) : undefined;
  };
  function notRun(namespace: string, claim: string): string | undefined {
    if (pvcs.has(`${namespace}/${claim}`)) return undefined;
    const template = fromTemplate(namespace, claim);
    if (template?.ordinals === undefined) return undefined;
    const ordinal = Number(claim.slice(claim.lastIndexOf("-") + 1));
    const { start, most } = template.ordinals;
    if (ordinal >= start && ordinal < start + most) return undefined;
    const runs = most === 0 ? "runs no replicas" : `runs ordinals ${start} to ${most === Number.POSITIVE_INFINITY ? "any" : start + most - 1}`;
    return `${template.statefulSet}'s claim template would make it for ordinal ${ordinal}, but it ${runs}`;
  }
  return {
    created: (namespace, claim) => pvcs.has(`${namespace}/${claim}`) || (fromTemplate(namespace, claim) !== undefined && notRun(namespace, claim) === undefined),
    notRun,
    namespacesCreating: (claim) => {
      const found = new Set<string>();
      for (const pvc of pvcObjects) if (pvc.name === claim && pvc.namespace) found.add(pvc.namespace);
      for (const template of templates) if (template.stated && fromTemplate(template.namespace, claim) === template) found.add(template.namespace);
      return [...found];
    },
    createdUnplaced: (claim) => pvcs.has(`/${claim}`) || fromTemplate("", claim) !== undefined,
    accessModes: (namespace, claim) => pvcs.get(`${namespace}/${claim}`) ?? fromTemplate(namespace, claim)?.modes,
    unmounted: (namespace, keep) =>
      pvcObjects
        .filter((pvc) => namespaceOf(pvc) === namespace && keep(pvc) && !mountedClaims().has(`${namespace}/${pvc.name}`))
        .map((pvc) => pvc.name),
  };
}

/**
 * The claims main workloads mount, found by claim and by mount path, in stream order: a large stream's Jobs would
 * otherwise each scan every mount (20,000 documents: about 0.2 s).
 */
class WorkloadMounts {
  private readonly byClaim = new Map<string, WorkloadMount[]>();
  private readonly byPath = new Map<string, WorkloadMount[]>();
  private readonly order = new Map<WorkloadMount, number>();

  /** Mounts of workloads whose claim names Kubernetes reads otherwise (a plain 010), which no Job is pointed at. */
  readonly misread: ReadonlyArray<{ workload: KubeObject; mountPath: string }>;

  constructor(mounts: readonly WorkloadMount[], misread: ReadonlyArray<{ workload: KubeObject; mountPath: string }> = []) {
    this.misread = misread;
    mounts.forEach((mount, index) => {
      this.order.set(mount, index);
      addTo(this.byClaim, mount.claim, mount);
      addTo(this.byPath, cleanPath(mount.mountPath), mount);
    });
  }

  /** The first mount of `claim` that `accepts`. */
  ofClaim(claim: string, accepts: (mount: WorkloadMount) => boolean): WorkloadMount | undefined {
    return this.ownersOf(claim, accepts)[0];
  }

  /**
   * One mount of `claim` per workload that `accepts`, in stream order: mounts of the claim by name, else that of the
   * one replica of a StatefulSet whose claim template makes it (`data-db-6`: template data, pod db-6, if 6 is one of
   * its ordinals).
   */
  ownersOf(claim: string, accepts: (mount: WorkloadMount) => boolean): WorkloadMount[] {
    const named = (this.byClaim.get(claim) ?? []).filter(accepts);
    const found = named.length > 0 ? named : this.replicaMounts(claim).filter(accepts);
    return found.filter((mount, index) => found.findIndex((other) => other.workload === mount.workload) === index);
  }

  /** The mounts of a template's claim by replicas other than the first, which the index does not hold by name. */
  private replicaMounts(claim: string): WorkloadMount[] {
    const at = claim.lastIndexOf("-") + 1;
    if (at === 0 || !/^\d+$/.test(claim.slice(at))) return [];
    const ordinal = Number(claim.slice(at));
    const found: WorkloadMount[] = [];
    // Keys in insertion order: stream order.
    for (const first of this.order.keys()) {
      const { pod, start, replicas, workload } = first;
      if (pod === undefined || start === undefined || replicas === undefined) continue;
      const template = first.claim.slice(0, first.claim.length - pod.length - 1);
      if (claim !== `${template}-${workload.name}-${ordinal}` || ordinal < start || ordinal >= start + replicas) continue;
      found.push({ ...first, claim, pod: `${workload.name}-${ordinal}` });
    }
    return found;
  }

  /** Every mount at one of `paths` (however written) that `accepts`, once each, in stream order. */
  atPaths(paths: readonly string[], accepts: (mount: WorkloadMount) => boolean): WorkloadMount[] {
    const found = new Set<WorkloadMount>();
    for (const path of new Set(paths.map(cleanPath))) {
      for (const mount of this.byPath.get(path) ?? []) if (accepts(mount)) found.add(mount);
    }
    return [...found].sort((a, b) => (this.order.get(a) as number) - (this.order.get(b) as number));
  }
}

/** Every claim that a Deployment or StatefulSet mounts, with its mount path. */
function mainWorkloadMounts(stream: ManifestStream, namespaceOf: (object: KubeObject) => string): WorkloadMounts {
  const found: WorkloadMount[] = [];
  const misread: Array<{ workload: KubeObject; mountPath: string }> = [];
  // Only workloads that mount a claim matter here, so Deployments that never name one are not even parsed.
  for (const workload of stream.objects(["Deployment", "StatefulSet"], mentionsClaims)) {
    if (workload.apiVersion !== "apps/v1") continue;
    const pod = podSpec(workload);
    if (!pod) continue;
    const volumes = new Map(claimVolumes(pod).map((volume) => [volume.name, volume]));
    const templates =
      workload.kind === "StatefulSet" ? new Set(claimTemplates(workload).templates.map((template) => template.name)) : new Set<string>();
    // An autoscaler may run more replicas than spec.replicas says (charts then leave the field out), or none.
    const declared = Number(workload.get(["spec", "replicas"]) ?? 1);
    const scaling = autoscalerOf(stream, workload, namespaceOf);
    const replicas = mostReplicas(declared, scaling);
    const noPods = mayRunNoPods(workload, scaling);
    // The first pod's ordinal (spec.ordinals.start); a value that is no ordinal names no claim.
    const start = workload.get(["spec", "ordinals", "start"]) ?? 0;
    // A claim name is taken from this workload only where Kubernetes reads it alike (a plain 010 is 8 to it, and a
    // block scalar that ends the document loses its last line break to Helm's split).
    const readAlike = (...paths: Path[]) => paths.every((path) => workload.readsAlikeAt(path));
    // A claim template's claims are named from these (not the rest of a template: a plain 0777 size is no name).
    const countedFrom: Path[] =
      workload.kind === "StatefulSet"
        ? [["spec", "ordinals"], ["spec", "replicas"], ...claimTemplates(workload).templates.map((template) => [...template.path, "metadata", "name"])]
        : [];
    for (const mount of mounts(pod)) {
      // A claim template replaces a pod volume of its name (the StatefulSet controller's updateStorage).
      const volume = templates.has(mount.name) ? undefined : volumes.get(mount.name);
      // Only mounts of claims: a ConfigMap's mount names no claim, however it reads.
      if (volume === undefined && !templates.has(mount.name)) continue;
      if (!readAlike([...mount.path, "name"], [...mount.path, "mountPath"], ...(volume ? [volume.path] : countedFrom))) {
        misread.push({ workload, mountPath: mount.mountPath });
        continue;
      }
      if (volume !== undefined) found.push({ workload, claim: volume.claimName, mountPath: mount.mountPath, noPods, mountedBy: replicas });
      else if (Number.isSafeInteger(start) && (start as number) >= 0) {
        const pod = `${workload.name}-${start}`;
        const scaled = scaling && { by: String(scaling.by), fewest: scaling.min };
        found.push({ workload, claim: `${mount.name}-${pod}`, mountPath: mount.mountPath, replicas, pod, start: start as number, noPods, ...(scaled && { scaled }) });
      }
    }
  }
  return new WorkloadMounts(found, misread);
}

/** A workload of the Job's scope, mounting at one of `paths`, whose claim names Kubernetes reads otherwise. */
function misreadAt(
  workloadMounts: WorkloadMounts,
  paths: readonly string[],
  sameScope: (mount: WorkloadMount) => boolean,
): { workload: KubeObject; mountPath: string } | undefined {
  const wanted = new Set(paths.map(cleanPath));
  return workloadMounts.misread.find((mount) => wanted.has(cleanPath(mount.mountPath)) && sameScope({ ...mount, claim: "" }));
}

/** Mounts at `paths` of another claim by workloads of the Job's release and application in a namespace they state. */
function mountedElsewhere(
  workloadMounts: WorkloadMounts,
  paths: readonly string[],
  claim: string,
  job: KubeObject,
  namespaceOf: (object: KubeObject) => string,
): WorkloadMount[] {
  const namespace = namespaceOf(job);
  return workloadMounts.atPaths(
    paths,
    (mount) => mount.claim !== claim && namespaceOf(mount.workload) !== namespace && sameRelease(mount.workload, job) && sameApplication(mount.workload, job),
  );
}

/** Whether two objects may be of one release: not when their own labels (instance, else release) name two. */
function sameRelease(a: KubeObject, b: KubeObject): boolean {
  const left = ownReleaseName(a)?.value;
  const right = ownReleaseName(b)?.value;
  return left === undefined || right === undefined || left === right;
}

const NAME = "app.kubernetes.io/name";
const CHART = "helm.sh/chart";

/**
 * Whether two objects of one release may be of one application, and not one of them a subchart's (a Redis or MariaDB
 * beside the app): not when their `# Source:` charts, their helm.sh/chart labels or their app.kubernetes.io/name
 * labels differ.
 */
function sameApplication(a: KubeObject, b: KubeObject): boolean {
  const chartOf = (object: KubeObject) => /^(.*?)\/templates\//.exec(object.ref().source ?? "")?.[1];
  const differ = (left: unknown, right: unknown) => typeof left === "string" && typeof right === "string" && left !== right;
  return !differ(chartOf(a), chartOf(b)) && !differ(a.labels()[CHART], b.labels()[CHART]) && !differ(a.labels()[NAME], b.labels()[NAME]);
}

/** Deletes must run from the last index to the first, so earlier deletes do not shift later paths. */
function comparePathsDescending(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    return String(y).localeCompare(String(x));
  }
  return b.length - a.length;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return a.doc === b.doc && a.item === b.item;
}

/** Whether the object's pods mount the claim by name. */
function mountsClaim(object: KubeObject, claim: string): boolean {
  const pod = podSpec(object);
  return pod !== undefined && claimVolumes(pod).some((volume) => volume.claimName === claim);
}

/**
 * Workloads by their pod template labels as Kubernetes reads them, so that the workloads a selector selects are found
 * without comparing it with every one; labels Kubernetes may read otherwise may hold anything, so those always count.
 */
class PodOwners {
  private readonly byLabel = new Map<string, Array<{ object: KubeObject; namespace: string }>>();
  private readonly unsure: Array<{ object: KubeObject; namespace: string }> = [];

  constructor(objects: readonly KubeObject[], namespaceOf: (object: KubeObject) => string) {
    for (const object of objects) {
      const pod = POD_SPEC_PATHS[object.kind];
      if (pod === undefined) continue;
      const entry = { object, namespace: namespaceOf(object) };
      const path = [...pod.slice(0, -1), "metadata", "labels"];
      const labels = object.get(path);
      if (!object.readsAlikeAt(path)) this.unsure.push(entry);
      else if (isRecord(labels)) for (const [key, value] of Object.entries(labels)) addTo(this.byLabel, `${key}=${String(value)}`, entry);
    }
  }

  /** The workloads whose pod template labels hold every one of `matchLabels`, and those whose labels may. */
  selectedBy(matchLabels: Record<string, unknown>): Array<{ object: KubeObject; namespace: string }> {
    const lists = Object.entries(matchLabels).map(([key, value]) => this.byLabel.get(`${key}=${String(value)}`) ?? []);
    const [fewest, ...others] = lists.sort((a, b) => a.length - b.length);
    const sets = others.map((list) => new Set(list));
    return [...(fewest ?? []).filter((entry) => sets.every((set) => set.has(entry))), ...this.unsure];
  }
}

/** Appends `value` to the list `index` holds for `key`. */
function addTo<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}
