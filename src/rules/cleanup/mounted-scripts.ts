/**
 * Cleanup scripts a Job runs from a ConfigMap it mounts (`sh /scripts/cleanup.sh`): the rule edits only a Job's own
 * command, so a `kubectl delete` there is reported, naming the ConfigMap and its key, never edited.
 */
import { isRecord, type KubeObject, type ManifestStream } from "../../core/manifest.js";
import { containers, type PodSpecView } from "../workloads.js";
import { analyseScript } from "./script-analysis.js";

/** `key` of ConfigMap `configMap`, which the Job mounts, runs `deletes` kubectl deletes; `unfixed`: one lacks the flag. */
export interface MountedDelete {
  configMap: string;
  key: string;
  deletes: number;
  unfixed: boolean;
  /** Where the first delete lacking the flag is (`line 12: kubectl delete "${pod}"`), when one is. */
  where?: string;
}

/** The first line the patched script changed: the one with a delete that lacks the flag. */
function firstUnflagged(script: string, patched: string): string | undefined {
  const before = script.split("\n");
  const after = patched.split("\n");
  const index = before.findIndex((line, at) => line !== after[at]);
  if (index === -1) return undefined;
  const text = (before[index] as string).trim();
  return `line ${index + 1}: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
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
      if (typeof value !== "string" || !/kubectl/.test(value) || !/\bdelete\b/.test(value)) continue;
      // Read as the Job's own scripts are, delete by delete: the flag on one says nothing of the others.
      const analysis = analyseScript(value);
      if (analysis.deletes === 0) continue;
      const where = firstUnflagged(value, analysis.patched);
      found.push({
        configMap: configMap.name,
        key,
        deletes: analysis.deletes,
        unfixed: analysis.patched !== value || analysis.statusDecides.length > 0,
        ...(where !== undefined && { where }),
      });
    }
  }
  return found;
}
