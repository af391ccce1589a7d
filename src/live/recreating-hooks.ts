/**
 * Charts that let a claim template change delete their StatefulSet in a pre-upgrade hook (`kubectl delete statefulset
 * NAME --cascade=orphan`, as Loki's statefulset-recreate-job does): Helm then creates it anew, so its templates may
 * differ from the live ones, and pinning them would undo the chart's change. Found from the hook's command line.
 */
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import { POD_SPEC_PATHS } from "../rules/workloads.js";

const BEFORE_UPGRADE = new Set(["pre-upgrade", "pre-rollback"]);

/** The hook Job of the stream that deletes `statefulSet` (in `namespace`) before an upgrade, if one does. */
export function recreatingHook(stream: ManifestStream, statefulSet: KubeObject, namespace: string, namespaceOf: (object: KubeObject) => string): KubeObject | undefined {
  const name = statefulSet.name;
  for (const job of stream.objects(["Job"], (text) => text.includes(name))) {
    const hooks = job.metadata.annotations;
    const phases = isRecord(hooks) && typeof hooks["helm.sh/hook"] === "string" ? hooks["helm.sh/hook"].split(",").map((phase) => phase.trim()) : [];
    if (!phases.some((phase) => BEFORE_UPGRADE.has(phase))) continue;
    for (const words of commandLines(job)) {
      if (deletes(words, name, namespace, namespaceOf(job))) return job;
    }
  }
  return undefined;
}

/** Each container's command and args, as one list of words, and split at spaces too (a script of `sh -c`). */
function commandLines(job: KubeObject): string[][] {
  const path = POD_SPEC_PATHS[job.kind];
  const pod = path ? job.get(path) : undefined;
  if (!isRecord(pod)) return [];
  const containers = [...asList(pod.initContainers), ...asList(pod.containers)];
  return containers.flatMap((container) => {
    if (!isRecord(container)) return [];
    const words = [...asList(container.command), ...asList(container.args)].filter((word): word is string => typeof word === "string");
    return [words.flatMap((word) => word.split(/[\s;&|()]+/).filter(Boolean))];
  });
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * `delete`, then `statefulset NAME` (statefulsets, sts, statefulset.apps) or `statefulset/NAME`, in the StatefulSet's
 * namespace: the one a -n/--namespace word names, else the Job's own.
 */
function deletes(words: readonly string[], name: string, namespace: string, jobNamespace: string): boolean {
  const verb = words.indexOf("delete");
  if (verb === -1) return false;
  const rest = words.slice(verb + 1);
  const kind = /^(?:statefulsets?|sts)(?:\.apps)?$/;
  const named = rest.some((word, i) => word === `statefulset/${name}` || word === `sts/${name}` || word === `statefulset.apps/${name}` || (kind.test(word) && rest.slice(i + 1).includes(name)));
  if (!named) return false;
  let stated: string | undefined;
  words.forEach((word, i) => {
    if (word === "-n" || word === "--namespace") stated = words[i + 1];
    else if (word.startsWith("--namespace=")) stated = word.slice("--namespace=".length);
    else if (/^-n[^-]/.test(word)) stated = word.slice(2);
  });
  return (stated ?? jobNamespace) === namespace;
}
