/**
 * Text edits on shell scripts for idempotent-cleanup. Scripts are treated as text: never run or evaluated.
 */

export const WRAP_MARKER = "# fix-storage idempotent-cleanup:";

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh"]);

export function isShell(argv0: string): boolean {
  return SHELLS.has(argv0.split("/").pop() ?? "");
}

/** Index of the script in `sh [-flags] -c SCRIPT` (a flag cluster such as `-ce` counts), or -1. */
export function scriptIndex(argv: readonly string[]): number {
  if (!isShell(argv[0] ?? "")) return -1;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("-") || arg.startsWith("--")) return -1;
    if (arg.slice(1).includes("c")) return i + 1 < argv.length ? i + 1 : -1;
  }
  return -1;
}

export function isKubectl(word: string): boolean {
  return (word.split("/").pop() ?? "") === "kubectl";
}

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
  "--request-timeout",
  "--cache-dir",
  "--certificate-authority",
  "--client-certificate",
  "--client-key",
  "-v",
]);

/** Index in `words` (which start after `kubectl`) of kubectl's subcommand, skipping global flags and their values. */
export function subcommandIndex(words: readonly string[]): number {
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith("-")) return i;
    if (!word.includes("=") && FLAGS_WITH_VALUE.has(word)) i++;
  }
  return -1;
}

/** `kubectl [flags] delete …` in exec form, lacking --ignore-not-found. */
export function execNeedsIgnoreNotFound(argv: readonly string[]): boolean {
  if (!isKubectl(argv[0] ?? "")) return false;
  const rest = argv.slice(1);
  return rest[subcommandIndex(rest)] === "delete" && !rest.some((arg) => arg.startsWith("--ignore-not-found"));
}

/**
 * Adds `--ignore-not-found` after `delete` in every `kubectl [flags] delete …` command of a script that lacks it.
 * Commands end at `;`, `&`, `|` or an unescaped newline.
 */
export function addIgnoreNotFound(script: string): string {
  let out = "";
  let from = 0;
  for (const match of script.matchAll(/(^|[\s;&|(`$])((?:\S*\/)?kubectl)(?=\s)/g)) {
    const start = (match.index ?? 0) + (match[1] as string).length + (match[2] as string).length;
    if (start < from || inCommentOrQuotes(script, (match.index ?? 0) + (match[1] as string).length)) continue;
    const command = script.slice(start, commandEnd(script, start));
    if (command.includes("--ignore-not-found")) continue;
    const words = [...command.matchAll(/\S+/g)];
    const verb = words[subcommandIndex(words.map((word) => word[0]))];
    if (verb?.[0] !== "delete") continue;
    const at = start + (verb.index ?? 0) + "delete".length;
    out += `${script.slice(from, at)} --ignore-not-found`;
    from = at;
  }
  return out + script.slice(from);
}

/** A `kubectl` inside a comment or a quoted string (an echo, a log line) is text, not a command to change. */
function inCommentOrQuotes(script: string, at: number): boolean {
  const line = script.slice(script.lastIndexOf("\n", at - 1) + 1, at);
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote) {
      if (char === "\\" && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === "\\") {
      i++;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) {
      return true;
    }
  }
  return quote !== undefined;
}

function commandEnd(script: string, start: number): number {
  for (let i = start; i < script.length; i++) {
    const char = script[i];
    if (char === "\n" && script[i - 1] !== "\\") return i;
    if (char === ";" || char === "&" || char === "|") return i;
  }
  return script.length;
}

/** True once the script is wrapped, so a second run changes nothing. */
export function isWrapped(script: string): boolean {
  return script.startsWith(WRAP_MARKER);
}

/**
 * Runs the original script in a subshell, retried on failure. The subshell keeps the script's own `set` flags and
 * `-e` given on the shell's command line; the last attempt's exit status is the Job's.
 */
export function wrapWithRetries(script: string, retries: number, delaySeconds: number): string {
  const body = script.endsWith("\n") ? script : `${script}\n`;
  return [
    `${WRAP_MARKER} retried up to ${retries} times, ${delaySeconds}s apart; the chart's script is below, with --ignore-not-found added`,
    "fix_storage_flags=$-",
    "set +e",
    "fix_storage_try=0",
    "while :; do",
    "  (",
    '    case "$fix_storage_flags" in *e*) set -e ;; esac',
    `${body}  )`,
    "  fix_storage_status=$?",
    '  [ "$fix_storage_status" -eq 0 ] && exit 0',
    `  [ "$fix_storage_try" -ge ${retries} ] && exit "$fix_storage_status"`,
    "  fix_storage_try=$((fix_storage_try + 1))",
    `  echo "cleanup failed with status $fix_storage_status; retry $fix_storage_try of ${retries} in ${delaySeconds}s" >&2`,
    `  sleep ${delaySeconds}`,
    "done",
    "",
  ].join("\n");
}
