/**
 * `sh -c SCRIPT` in a container's argv, and the retry wrapper that runs such a command again when it fails. The wrapper
 * never contains the chart's script: it receives the original argv as its arguments and runs it with `"$@"`, so the
 * script is parsed by a fresh shell exactly as before, with its own flags, `$0` and arguments.
 *
 * What still differs, by construction: until the last attempt the command is the wrapper's child, not PID 1, so `$$`
 * and `$PPID` differ and a signal sent to the container reaches the wrapper (a shell as PID 1 ignores SIGTERM, as the
 * chart's own shell did, unless the script traps it); bash reads `$BASH_ENV` once for the wrapper too.
 */

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

/** The `$0` the wrapper runs under: also what marks an argv as already wrapped. */
export const RETRY_NAME = "fix-storage-retry";

export function isShell(argv0: string): boolean {
  return SHELLS.has(argv0.split("/").pop() ?? "");
}

/**
 * Index of the script in `sh [options] -c SCRIPT [NAME [ARGS…]]`, or -1. Options may come as clusters (`-ec`,
 * `-euo pipefail`), take a value (`-o pipefail`, `+O extglob`) or be long (`--norc`); `-c` may come before others.
 */
export function scriptIndex(argv: readonly string[]): number {
  if (!isShell(argv[0] ?? "")) return -1;
  let command = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--" || arg === "-") return command && i + 1 < argv.length ? i + 1 : -1;
    if (arg.startsWith("--")) {
      if (arg === "--rcfile" || arg === "--init-file") i++;
      continue;
    }
    if (!/^[-+]./.test(arg)) return command ? i : -1;
    const letters = arg.slice(1);
    if (letters.includes("c") && arg.startsWith("-")) command = true;
    // Each `o` or `O` in a cluster takes the next word as its value.
    for (const letter of letters) if (letter === "o" || letter === "O") i++;
  }
  return -1;
}

/** True for `SHELL -c WRAPPER fix-storage-retry ARGV…`, the shape wrapInRetries gives. */
export function isRetryWrapped(argv: readonly string[]): boolean {
  return argv[1] === "-c" && argv[3] === RETRY_NAME && (argv[2] ?? "").includes(`${RETRY_NAME}:`);
}

/**
 * The wrapper script: runs "$@" (the original argv), retried `retries` times `delaySeconds` apart; the last attempt
 * is an `exec`, so its exit status (or signal) is the container's. Nothing in it is `$(`, which Kubernetes would try
 * to expand as a variable reference, and its variable is not one a script could have exported.
 */
export function retryScript(retries: number, delaySeconds: number): string {
  const attempts = Array.from({ length: retries }, (_, i) => i + 1).join(" ");
  return [
    `# ${RETRY_NAME}: runs the command given after it unchanged; retried up to ${retries} times, ${delaySeconds}s apart, if it fails.`,
    // bash raises SHLVL for the command it starts; undone, so the command sees the environment it saw before. `let`
    // fails when its result is 0 (SHLVL 1): `|| :`, so that errexit from the environment (SHELLOPTS) does not end it.
    '[ -z "${BASH_VERSION-}" ] || let SHLVL-=1 || :',
    `for fix_storage_attempt in ${attempts}; do`,
    `  "$@" && exit 0`,
    `  echo "${RETRY_NAME}: attempt $fix_storage_attempt of ${retries + 1} failed with exit status $?; retrying in ${delaySeconds}s" >&2`,
    `  sleep ${delaySeconds}`,
    "done",
    // bash's exec lowers SHLVL once more for the command it runs: raised back, the last attempt sees what the others do.
    '[ -z "${BASH_VERSION-}" ] || let SHLVL+=1 || :',
    `exec "$@"`,
    "",
  ].join("\n");
}

/** The argv that runs `argv` under the retry wrapper, with the same shell. */
export function wrapInRetries(argv: readonly string[], retries: number, delaySeconds: number): string[] {
  return [argv[0] as string, "-c", retryScript(retries, delaySeconds), RETRY_NAME, ...argv];
}
