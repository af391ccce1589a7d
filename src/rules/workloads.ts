/** Where pod specs and claim templates live in the workload kinds the rules read. */
import * as z from "zod/mini";
import { FixStorageError } from "../core/errors.js";
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import type { Path } from "../core/yaml-editor.js";

export const POD_SPEC_PATHS: Record<string, Path> = {
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
};

/** apps/v1 StatefulSets, the only objects whose volumeClaimTemplates Kubernetes turns into PVCs. */
export function statefulSets(stream: ManifestStream): KubeObject[] {
  return stream.objects(["StatefulSet"]).filter((object) => object.apiVersion === "apps/v1");
}

/** Main workloads matter to cronjob-claims only when they mount a claim, so others need not even be parsed. */
export const mentionsClaims = (text: string) => text.includes("claimName") || text.includes("volumeClaimTemplates");

export interface ClaimTemplate {
  index: number;
  path: Path;
  value: Record<string, unknown>;
  name: string;
}

/** The volumeClaimTemplates that are well-formed enough to edit; `invalid` says why the field was skipped. */
export function claimTemplates(statefulSet: KubeObject): { templates: ClaimTemplate[]; invalid?: string } {
  const list = statefulSet.get(["spec", "volumeClaimTemplates"]);
  if (list === undefined || list === null) return { templates: [] };
  if (!Array.isArray(list)) return { templates: [], invalid: "spec.volumeClaimTemplates is not a list" };
  const templates: ClaimTemplate[] = [];
  list.forEach((value, index) => {
    if (isRecord(value)) {
      const metadata = isRecord(value.metadata) ? value.metadata : {};
      templates.push({
        index,
        path: ["spec", "volumeClaimTemplates", index],
        value,
        name: typeof metadata.name === "string" ? metadata.name : "",
      });
    }
  });
  return { templates };
}

export interface PodSpecView {
  path: Path;
  spec: Record<string, unknown>;
}

export function podSpec(object: KubeObject): PodSpecView | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return undefined;
  const spec = object.get(path);
  return isRecord(spec) ? { path, spec } : undefined;
}

export interface ContainerView {
  path: Path;
  value: Record<string, unknown>;
}

export function containers(pod: PodSpecView): ContainerView[] {
  const found: ContainerView[] = [];
  for (const field of ["initContainers", "containers"]) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((value, index) => {
      if (isRecord(value)) found.push({ path: [...pod.path, field, index], value });
    });
  }
  return found;
}

export interface ClaimVolume {
  index: number;
  path: Path;
  name: string;
  claimName: string;
}

export function claimVolumes(pod: PodSpecView): ClaimVolume[] {
  const volumes = pod.spec.volumes;
  if (!Array.isArray(volumes)) return [];
  const found: ClaimVolume[] = [];
  volumes.forEach((volume, index) => {
    if (!isRecord(volume) || !isRecord(volume.persistentVolumeClaim)) return;
    const claimName = volume.persistentVolumeClaim.claimName;
    if (typeof claimName === "string" && typeof volume.name === "string") {
      found.push({ index, path: [...pod.path, "volumes", index], name: volume.name, claimName });
    }
  });
  return found;
}

export interface MountView {
  container: ContainerView;
  index: number;
  path: Path;
  name: string;
  mountPath: string;
}

export function mounts(pod: PodSpecView): MountView[] {
  const found: MountView[] = [];
  for (const container of containers(pod)) {
    const list = container.value.volumeMounts;
    if (!Array.isArray(list)) continue;
    list.forEach((mount, index) => {
      if (isRecord(mount) && typeof mount.name === "string" && typeof mount.mountPath === "string") {
        found.push({ container, index, path: [...container.path, "volumeMounts", index], name: mount.name, mountPath: mount.mountPath });
      }
    });
  }
  return found;
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

/**
 * A Job Helm runs as a hook (and deletes and recreates per its policy). Any other Job's pod template is immutable:
 * editing it would make every later upgrade of an existing release fail. Helm reads helm.sh/hook only from a
 * document's own metadata (its manifest sorter), so an item of a List is never a hook, whatever its annotations.
 * The items of a KRM ResourceList are the resources themselves (a render in a KRM pipeline, each applied as written).
 */
export function isHelmHook(object: KubeObject): boolean {
  return (object.item === undefined || inResourceList(object)) && hasHookAnnotation(object);
}

function inResourceList(object: KubeObject): boolean {
  const root = object.doc.value();
  return isRecord(root) && root.kind === "ResourceList" && typeof root.apiVersion === "string" && root.apiVersion.startsWith("config.kubernetes.io/");
}

/** The phases a hook runs in, as Helm reads helm.sh/hook: comma-separated, trimmed, lower-cased. */
export function hookPhases(object: KubeObject): string[] {
  const hook = object.annotations()["helm.sh/hook"];
  return typeof hook === "string" ? hook.split(",").map((phase) => phase.trim().toLowerCase()).filter((phase) => phase !== "") : [];
}

function hasHookAnnotation(object: KubeObject): boolean {
  const hook = object.annotations()["helm.sh/hook"];
  return typeof hook === "string" && hook.trim() !== "";
}

/** "is not a Helm hook", with why for an item of a List that asks to be one, or of a List that is one. */
export function notAHook(job: KubeObject): string {
  if (job.item === undefined || inResourceList(job)) return "is not a Helm hook";
  const root = job.doc.value();
  const list = isRecord(root) && isRecord(root.metadata) && isRecord(root.metadata.annotations) ? root.metadata.annotations : {};
  if (typeof list["helm.sh/hook"] === "string" && list["helm.sh/hook"].trim() !== "") {
    return "is an item of a List that Helm runs as a hook, whose delete policy is the List's (fix-storage edits a hook Job only as a document of its own)";
  }
  return hasHookAnnotation(job)
    ? "is not a Helm hook (its helm.sh/hook is on an item of a List, and Helm reads hooks only from a document's own metadata)"
    : "is not a Helm hook";
}

/** Who sets a workload's replica count besides its own spec.replicas. */
export interface Autoscaling {
  by: KubeObject;
  /** The most replicas it may run; undefined when not stated as a whole number. */
  max: number | undefined;
  /** The fewest: KEDA's default is 0 (it scales an idle workload away); an HPA's is 1. Undefined when not a whole number. */
  min: number | undefined;
}

const autoscalerCache = new WeakMap<ManifestStream, KubeObject[]>();

/** The autoscalers of the stream (read once: no rule edits them). */
function autoscalers(stream: ManifestStream): KubeObject[] {
  let found = autoscalerCache.get(stream);
  if (!found) {
    found = stream
      .objects(["HorizontalPodAutoscaler", "ScaledObject"], (text) => text.includes("scaleTargetRef"))
      .filter((object) => (object.kind === "ScaledObject" ? object.apiVersion.startsWith("keda.sh/") : object.apiVersion.startsWith("autoscaling/")));
    autoscalerCache.set(stream, found);
  }
  return found;
}

/**
 * A HorizontalPodAutoscaler or KEDA ScaledObject in the stream that scales `workload`: its spec.replicas is then only
 * where it starts (charts leave it out). Names must match; `namespaceOf` gives each object's namespace (its own, else
 * the release's), and one not known may be the other's, so only two known, different namespaces rule it out.
 */
export function autoscalerOf(
  stream: ManifestStream,
  workload: KubeObject,
  namespaceOf: (object: KubeObject) => string | undefined,
): Autoscaling | undefined {
  const namespace = (object: KubeObject) => {
    const value = namespaceOf(object);
    return value === "" ? undefined : value;
  };
  for (const scaler of autoscalers(stream)) {
    const target = scaler.get(["spec", "scaleTargetRef"]);
    if (!isRecord(target) || target.name !== workload.name) continue;
    // KEDA's target kind defaults to Deployment; an HPA's is required.
    const kind = target.kind ?? (scaler.kind === "ScaledObject" ? "Deployment" : undefined);
    if (kind !== workload.kind) continue;
    const [theirs, ours] = [namespace(scaler), namespace(workload)];
    if (theirs !== undefined && ours !== undefined && theirs !== ours) continue;
    const max = scaler.kind === "ScaledObject" ? (scaler.get(["spec", "maxReplicaCount"]) ?? 100) : scaler.get(["spec", "maxReplicas"]);
    // KEDA scales an idle workload to idleReplicaCount, and holds a paused one at its paused-replicas annotation.
    const paused = scaler.annotations()["autoscaling.keda.sh/paused-replicas"];
    const idle = scaler.get(["spec", "idleReplicaCount"]);
    // A paused count below minReplicaCount is the fewest it runs while paused.
    const held = typeof paused === "string" && /^\d+$/.test(paused) ? Number(paused) : typeof paused === "number" ? paused : undefined;
    const least = scaler.get(["spec", "minReplicaCount"]) ?? 0;
    const min =
      scaler.kind === "ScaledObject"
        ? held === 0 || idle === 0
          ? 0
          : held !== undefined && Number.isSafeInteger(least)
            ? Math.min(held, least as number)
            : least
        : (scaler.get(["spec", "minReplicas"]) ?? 1);
    return { by: scaler, max: Number.isSafeInteger(max) ? (max as number) : undefined, min: Number.isSafeInteger(min) ? (min as number) : undefined };
  }
  return undefined;
}

/** The most replicas a workload may run: its own count, or more where an autoscaler may go further (or says not how far). */
export function mostReplicas(declared: number, scaling: Autoscaling | undefined): number {
  return scaling ? Math.max(declared, scaling.max ?? Number.POSITIVE_INFINITY) : declared;
}

/**
 * Why a workload may run no pods at times (spec.replicas 0, an autoscaler that may scale it to 0), or undefined: a
 * pod that must run beside its pods then cannot be scheduled.
 */
export function mayRunNoPods(workload: KubeObject, scaling: Autoscaling | undefined): string | undefined {
  const declared = workload.get(["spec", "replicas"]);
  if (declared === 0) return "its spec.replicas is 0";
  // `0_0` or `0b0` is 0 to Kubernetes' YAML 1.1, and a string here.
  if (declared !== undefined && declared !== null && (typeof declared !== "number" || !workload.readsAlikeAt(["spec", "replicas"]))) {
    return `its spec.replicas ${JSON.stringify(declared)} is read otherwise by Kubernetes (write it as a plain number)`;
  }
  if (scaling && scaling.min !== 0 && scaling.min !== undefined) return undefined;
  if (scaling) return `${scaling.by} may scale it to ${scaling.min === 0 ? "0" : "a number of replicas not stated here"}`;
  return undefined;
}

/** "scaled by HorizontalPodAutoscaler x up to 5 replicas", for findings. */
export function describeScaling({ by, max }: Autoscaling): string {
  return `scaled by ${by} ${max === undefined ? "to a number of replicas not stated here" : `up to ${max} replica${max === 1 ? "" : "s"}`}`;
}

/** An option's entry naming an object: NAME or NAMESPACE/NAME, each as Kubernetes writes names. */
export function objectName() {
  return z.string().check(z.regex(/^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/, "expected NAME or NAMESPACE/NAME"));
}

/**
 * Refuses an option's bare NAME entry that objects of several namespaces have: it names none of them for certain.
 * `option` is how the error names the entry's list (`claim-retention: statefulSets`), `kind` the objects' kind.
 */
export function refuseAmbiguousNames(
  option: string,
  kind: string,
  entries: readonly string[],
  objects: readonly KubeObject[],
  namespaceOf: (object: KubeObject) => string | undefined,
): void {
  for (const entry of entries.filter((one) => !one.includes("/"))) {
    const namespaces = [...new Set(objects.filter((object) => object.name === entry).map((object) => namespaceOf(object) || "(none stated)"))];
    if (namespaces.length < 2) continue;
    const named = namespaces.filter((namespace) => namespace !== "(none stated)").map((namespace) => `${namespace}/${entry}`);
    throw new FixStorageError(
      `${option} names ${entry}, and ${kind}s of that name are in namespaces ${namespaces.join(", ")}: name the namespace (${named.join(" or ")})`,
    );
  }
}
