/**
 * Cleanup scripts a Job runs from a ConfigMap it mounts (`sh /scripts/cleanup.sh`): the rule edits only a Job's own
 * command, so a `kubectl delete` there is reported, naming the ConfigMap and its key, never edited.
 */
import { isRecord, type KubeObject, type ManifestStream } from "../../core/manifest.js";
import { containers, type PodSpecView } from "../workloads.js";

/** A line that runs kubectl delete, roughly: a report, so a script that only mentions it costs a warning at most. */
const DELETES = /(?:^|[\s;&|(])kubectl\b[^\n]*\bdelete\b/m;

/** `key` of ConfigMap `name`, which the Job mounts, holds a kubectl delete without --ignore-not-found. */
export interface MountedDelete {
  configMap: string;
  key: string;
}

/** The ConfigMaps of the stream that may hold a delete, by name: read once for all of a stage's Jobs. */
export function configMapsByName(stream: ManifestStream): Map<string, KubeObject[]> {
  const byName = new Map<string, KubeObject[]>();
  for (const configMap of stream.objects(["ConfigMap"], (text) => text.includes("delete"))) {
    const list = byName.get(configMap.name);
    if (list) list.push(configMap);
    else byName.set(configMap.name, [configMap]);
  }
  return byName;
}

export function mountedScriptDeletes(
  configMaps: () => Map<string, KubeObject[]>,
  job: KubeObject,
  pod: PodSpecView,
  namespaceOf: (object: KubeObject) => string | undefined,
): MountedDelete[] {
  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isRecord) : [];
  const mounted = new Set(containers(pod).flatMap((container) => (Array.isArray(container.value.volumeMounts) ? container.value.volumeMounts.filter(isRecord).map((mount) => mount.name) : [])));
  const names = new Set(
    volumes.flatMap((volume) => (mounted.has(volume.name) && isRecord(volume.configMap) && typeof volume.configMap.name === "string" ? [volume.configMap.name] : [])),
  );
  if (names.size === 0) return [];
  const found: MountedDelete[] = [];
  for (const configMap of [...names].flatMap((name) => configMaps().get(name) ?? [])) {
    if (namespaceOf(configMap) !== namespaceOf(job)) continue;
    const data = configMap.get(["data"]);
    if (!isRecord(data)) continue;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === "string" && DELETES.test(value) && !value.includes("--ignore-not-found")) found.push({ configMap: configMap.name, key });
    }
  }
  return found;
}
