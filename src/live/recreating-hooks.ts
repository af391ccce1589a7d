/**
 * Charts that let a claim template change delete their StatefulSet in a pre-upgrade hook (`kubectl delete statefulset
 * NAME --cascade=orphan`, as Loki's statefulset-recreate-job does): Helm then creates it anew, so its templates may
 * differ from the live ones, and pinning them would undo the chart's change. Found from the hook's command line: a
 * kubectl delete of that StatefulSet, as the command itself or as one command of a shell script. Anything less sure
 * (a dry run, a delete by label, kubectl in a variable) is not taken: the templates are then pinned as usual.
 */
import type { KubeObject, ManifestStream } from "../core/manifest.js";
import { scriptIndex } from "../rules/cleanup/shell-invocation.js";
import { containers, hookPhases, isHelmHook, podSpec } from "../rules/workloads.js";

const BEFORE_UPGRADE = new Set(["pre-upgrade", "pre-rollback"]);

/** The hook Job of the stream that deletes `statefulSet` (in `namespace`) before an upgrade, if one does. */
export function recreatingHook(stream: ManifestStream, statefulSet: KubeObject, namespace: string, namespaceOf: (object: KubeObject) => string): KubeObject | undefined {
  const name = statefulSet.name;
  for (const job of stream.objects(["Job"], (text) => text.includes(name))) {
    // Helm runs a document's object as a hook, never an item of a List.
    if (!isHelmHook(job) || !hookPhases(job).some((phase) => BEFORE_UPGRADE.has(phase))) continue;
    for (const words of kubectlCommands(job)) {
      if (deletes(words, name, namespace, namespaceOf(job))) return job;
    }
  }
  return undefined;
}

/**
 * The kubectl command lines each container runs, without the `kubectl` word: its exec-form argv (the image's entry
 * point being kubectl when it starts with a verb), or each command of a `SHELL -c SCRIPT` split at line breaks, `;`,
 * `&&`, `||` and `|` whose first word is kubectl.
 */
function kubectlCommands(job: KubeObject): string[][] {
  const pod = podSpec(job);
  const found: string[][] = [];
  for (const { value: container } of pod ? containers(pod) : []) {
    const argv = [...asList(container.command), ...asList(container.args)];
    if (!argv.every((word): word is string => typeof word === "string") || argv.length === 0) continue;
    const first = basename(argv[0] as string);
    if (first === "kubectl") found.push(argv.slice(1));
    else if (first === "delete") found.push(argv);
    else {
      const at = scriptIndex(argv);
      if (at === -1) continue;
      for (const command of (argv[at] as string).split(/\n|;|&&|\|\|?/)) {
        const words = command.trim().split(/\s+/);
        if (basename(words[0] ?? "") === "kubectl") found.push(words.slice(1));
      }
    }
  }
  return found;
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
/**
 * `delete`, then `statefulset NAME` (statefulsets, sts, statefulset.apps) or `statefulset/NAME`, not a dry run, in the
 * StatefulSet's namespace: the one its -n/--namespace names, else the Job's own.
 */
function deletes(words: readonly string[], name: string, namespace: string, jobNamespace: string): boolean {
  const verb = words.indexOf("delete");
  if (verb === -1 || words.some((word) => word.startsWith("--dry-run") && word !== "--dry-run=none")) return false;
  const rest = words.slice(verb + 1);
  const kind = /^(?:statefulsets?|sts)(?:\.apps)?$/;
  const named = rest.some((word, i) => /^(?:statefulsets?|sts)(?:\.apps)?\/(.+)$/.exec(word)?.[1] === name || (kind.test(word) && rest.slice(i + 1).includes(name)));
  if (!named) return false;
  let stated: string | undefined;
  words.forEach((word, i) => {
    if (word === "-n" || word === "--namespace") stated = words[i + 1];
    else if (word.startsWith("--namespace=")) stated = word.slice("--namespace=".length);
    else if (/^-n[^-]/.test(word)) stated = word.slice(2);
  });
  return (stated ?? jobNamespace) === namespace;
}
