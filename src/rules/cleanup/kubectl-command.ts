/** kubectl's command line: which word is the subcommand, whether a delete already ignores missing objects. */

export const IGNORE_NOT_FOUND = "--ignore-not-found";

/** kubectl's global flags that take their value as the next word. */
const FLAGS_WITH_VALUE = new Set([
  "-n",
  "--namespace",
  "--context",
  "--kubeconfig",
  "--cluster",
  "--user",
  "-s",
  "--server",
  "--token",
  "--as",
  "--as-group",
  "--as-uid",
  "--request-timeout",
  "--cache-dir",
  "--certificate-authority",
  "--client-certificate",
  "--client-key",
  "--tls-server-name",
  "--username",
  "--password",
  "--profile",
  "--profile-output",
  "--kuberc",
  "--log-file",
  "--log-dir",
  "--log-file-max-size",
  "--log-flush-frequency",
  "--log-backtrace-at",
  "--stderrthreshold",
  "--vmodule",
  "-v",
  "--v",
]);

/** kubectl's global flags that take no value. */
const BOOLEAN_FLAGS = new Set([
  "--insecure-skip-tls-verify",
  "--match-server-version",
  "--warnings-as-errors",
  "--disable-compression",
  "--add-dir-header",
  "--alsologtostderr",
  "--logtostderr",
  "--one-output",
  "--skip-headers",
  "--skip-log-headers",
]);

export type Subcommand = { index: number } | { unknown: string } | { none: true };

/**
 * Where kubectl's subcommand is in `words` (the words after `kubectl`), skipping global flags and their values.
 * A word whose value is unknown (undefined: an expansion) or a flag this list does not know makes the answer unknown.
 */
export function subcommand(words: ReadonlyArray<string | undefined>): Subcommand {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) return { unknown: "a word before the subcommand is only known when the script runs" };
    if (!word.startsWith("-") || word === "-") return { index: i };
    if (word === "--") return { none: true };
    const name = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
    if (word.includes("=") && (FLAGS_WITH_VALUE.has(name) || BOOLEAN_FLAGS.has(name))) continue;
    if (FLAGS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (BOOLEAN_FLAGS.has(word)) continue;
    // Short flags with the value attached (`-nkube-system`, `-v3`).
    if (/^-[nsv]./.test(word)) continue;
    return { unknown: `kubectl flag ${word} is not one fix-storage knows` };
  }
  return { none: true };
}

export function isKubectlPath(word: string): boolean {
  return word === "kubectl" || word.endsWith("/kubectl");
}

/**
 * True when the words after `delete` already make it succeed with nothing to delete: --ignore-not-found (to any
 * value: an explicit choice is kept), or objects chosen by a label selector or --all, which find none and exit 0
 * ("No resources found"; --all sets --ignore-not-found itself).
 */
/** `--ignore-not-found=false` (Go's boolean flag syntax): the chart chose to fail on a missing object. */
export function isExplicitlyOff(word: string | undefined): boolean {
  return /^--ignore-not-found=(?:false|0|f|F|FALSE|False)$/.test(word ?? "");
}

export function ignoresNotFound(words: ReadonlyArray<string | undefined>): boolean {
  return words.some((word) => word !== undefined && (word === IGNORE_NOT_FOUND || word.startsWith(`${IGNORE_NOT_FOUND}=`) || selectsObjects(word)));
}

function selectsObjects(word: string): boolean {
  return /^(?:-l|--selector(?:=|$))/.test(word) || word === "--all" || word === "--all=true";
}

/** kubectl subcommands (with their own subcommand where it matters) that only read, or delete: safe to run again. */
export function isReplaySafeVerb(verb: string, next: string | undefined): boolean {
  if (["delete", "get", "wait", "describe", "version", "api-resources", "api-versions", "cluster-info", "explain", "logs", "top"].includes(verb)) {
    return true;
  }
  if (verb === "auth") return next === "can-i" || next === "whoami";
  if (verb === "rollout") return next === "status" || next === "history";
  if (verb === "config") return next === "view" || next === "current-context" || next?.startsWith("get-") === true;
  return false;
}

/** Where a delete in exec form gets the flag: before a `--`, else at the end. */
export function execInsertIndex(argv: readonly string[], verbIndex: number): number {
  const dashes = argv.indexOf("--", verbIndex + 1);
  return dashes === -1 ? argv.length : dashes;
}
