/**
 * Cleanup scripts a Job runs from a ConfigMap or Secret it mounts (`sh /scripts/cleanup.sh`), as a volume of its own
 * or a source of a projected volume: the rule edits only a Job's own command, so a `kubectl delete` there is
 * reported, naming the object and its key, never edited.
 */
import { isRecord, type KubeObject, type ManifestStream } from "../../core/manifest.js";
import { containers, type PodSpecView } from "../workloads.js";
import { analyseScript } from "./script-analysis.js";

/** `key` of the ConfigMap or Secret `name`, which the Job mounts, runs `deletes` kubectl deletes; `unfixed`: one lacks the flag. */
export interface MountedDelete {
  kind: "ConfigMap" | "Secret";
  name: string;
  key: string;
  deletes: number;
  unfixed: boolean;
  /** Where the first delete lacking the flag is (`line 12: kubectl delete "${pod}"`), when one is. */
  where?: string;
  /** One of the two states no namespace and none is given: whether the Job mounts this object cannot be told. */
  namespaceUnknown?: true;
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

/**
 * The ConfigMaps and Secrets of the stream that may hold a delete, by kind and name: read once for all of a stage's
 * Jobs. A Secret's `data` is base64, so any Secret may.
 */
export function scriptSourcesByName(stream: ManifestStream): Map<string, KubeObject[]> {
  const byName = new Map<string, KubeObject[]>();
  // A Secret's and a ConfigMap's binaryData are base64, so any document that may be one of those is read.
  for (const object of stream.objects(["ConfigMap", "Secret"], (text) => text.includes("delete") || text.includes("Secret") || text.includes("binaryData"))) {
    if (object.apiVersion !== "v1") continue;
    const key = `${object.kind}/${object.name}`;
    const list = byName.get(key);
    if (list) list.push(object);
    else byName.set(key, [object]);
  }
  return byName;
}

/** `Kind/name` of each ConfigMap and Secret whose keys the pod's mounted volumes hold, whole or projected. */
function mountedSources(volumes: ReadonlyArray<Record<string, unknown>>, mounted: ReadonlySet<unknown>): Set<string> {
  const found = new Set<string>();
  const add = (kind: string, name: unknown) => {
    if (typeof name === "string" && name !== "") found.add(`${kind}/${name}`);
  };
  for (const volume of volumes) {
    if (!mounted.has(volume.name)) continue;
    if (isRecord(volume.configMap)) add("ConfigMap", volume.configMap.name);
    if (isRecord(volume.secret)) add("Secret", volume.secret.secretName);
    const sources = isRecord(volume.projected) && Array.isArray(volume.projected.sources) ? volume.projected.sources.filter(isRecord) : [];
    for (const source of sources) {
      if (isRecord(source.configMap)) add("ConfigMap", source.configMap.name);
      if (isRecord(source.secret)) add("Secret", source.secret.name);
    }
  }
  return found;
}

/** A ConfigMap's `data`, or a Secret's `stringData` and decoded `data`, as text by key (binary values are left out). */
function scriptsOf(object: KubeObject): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  const data = object.get(["data"]);
  if (object.kind === "ConfigMap") {
    if (isRecord(data)) for (const [key, value] of Object.entries(data)) if (typeof value === "string") entries.push([key, value]);
    const binary = object.get(["binaryData"]);
    if (isRecord(binary)) {
      for (const [key, value] of Object.entries(binary)) {
        const text = typeof value === "string" ? decodedText(value) : undefined;
        if (text !== undefined) entries.push([key, text]);
      }
    }
    return entries;
  }
  const stringData = object.get(["stringData"]);
  if (isRecord(stringData)) for (const [key, value] of Object.entries(stringData)) if (typeof value === "string") entries.push([key, value]);
  if (isRecord(data)) {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== "string" || (isRecord(stringData) && Object.hasOwn(stringData, key))) continue;
      const text = decodedText(value);
      if (text !== undefined) entries.push([key, text]);
    }
  }
  return entries;
}

/** Base64 text that decodes to UTF-8, decoded; undefined for anything else. */
function decodedText(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"));
  } catch {
    return undefined;
  }
}

export function mountedScriptDeletes(
  sources: () => Map<string, KubeObject[]>,
  job: KubeObject,
  pod: PodSpecView,
  namespaceOf: (object: KubeObject) => string | undefined,
): MountedDelete[] {
  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isRecord) : [];
  const mounted = new Set(containers(pod).flatMap((container) => (Array.isArray(container.value.volumeMounts) ? container.value.volumeMounts.filter(isRecord).map((mount) => mount.name) : [])));
  const names = mountedSources(volumes, mounted);
  if (names.size === 0) return [];
  const found: MountedDelete[] = [];
  for (const source of [...names].flatMap((name) => sources().get(name) ?? [])) {
    const [theirs, ours] = [namespaceOf(source), namespaceOf(job)];
    const unknown = theirs !== ours && (theirs === undefined || ours === undefined);
    if (theirs !== ours && !unknown) continue;
    for (const [key, value] of scriptsOf(source)) {
      if (!/kubectl/.test(value) || !/\bdelete\b/.test(value)) continue;
      // Read as the Job's own scripts are, delete by delete: the flag on one says nothing of the others.
      const analysis = analyseScript(value);
      if (analysis.deletes === 0) continue;
      const where = firstUnflagged(value, analysis.patched);
      found.push({
        ...(unknown && { namespaceUnknown: true as const }),
        kind: source.kind === "Secret" ? "Secret" : "ConfigMap",
        name: source.name,
        key,
        deletes: analysis.deletes,
        unfixed: analysis.patched !== value || analysis.statusDecides.length > 0,
        ...(where !== undefined && { where }),
      });
    }
  }
  return found;
}
