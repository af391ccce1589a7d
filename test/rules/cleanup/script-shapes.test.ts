/**
 * Every cleanup-script shape, run for real before and after idempotent-cleanup, under dash and under bash, with a fake
 * kubectl on PATH. Whenever the original run succeeds, the rewritten Job must do exactly the same: same stdout, stderr,
 * exit status and kubectl invocations (the only allowed difference is the added --ignore-not-found, which the fake
 * kubectl accepts and marks in its log). When the original fails, a retried script replays the same invocations and
 * ends with the same status; a script that is not retried behaves exactly as before.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixStream } from "../../../src/fix-stream.js";
import { RETRY_NAME } from "../../../src/rules/cleanup/shell-invocation.js";

type Layout = "command" | "command+args" | "shell+args" | "args";

interface Shape {
  script: string;
  /** Shell options before the script; `-c` must be among them. */
  flags?: string[];
  /** Words after the script: `$0`, `$1`, … */
  after?: string[];
  layout?: Layout;
  /** Variables the container sets (its env), which the shell reads too. */
  env?: Record<string, string>;
  /** What the rule does: wraps in retries and adds the flag, adds only the flag, or leaves the container alone. */
  expect: "retried" | "flag only" | "unchanged";
}

const SHAPES: Record<string, Shape> = {
  "one delete": { script: "kubectl delete cm x", expect: "retried" },
  "Kyverno 3.3.9: set -euo pipefail": { script: "set -euo pipefail; kubectl delete cm -n kyverno kyverno", expect: "retried" },
  "global flags before delete": { script: "kubectl -n ns --context c delete cm x", expect: "retried" },
  "--namespace=ns and -v=5 before delete": { script: "kubectl --namespace=ns -v=5 delete cm x", expect: "retried" },
  "line continuation after delete": { script: "kubectl delete \\\n  cm x\n", expect: "retried" },
  "line continuation inside the word delete": { script: "kubectl dele\\\nte cm x\n", expect: "retried" },
  "already --ignore-not-found=true": { script: "kubectl delete cm x --ignore-not-found=true", expect: "unchanged" },
  "only other verbs": { script: "kubectl get cm x\nkubectl label pod x delete=yes\nkubectl logs delete", expect: "unchanged" },
  "echo mentions kubectl delete": { script: 'echo "to clean up, run: kubectl delete pvc -l app=x"', expect: "unchanged" },
  "comment mentions kubectl delete": { script: "# kubectl delete configmap old-cm\necho hi", expect: "unchanged" },
  "single-quoted text to stderr": { script: "echo 'kubectl delete cm x' >&2", expect: "unchanged" },
  "echo, delete and a comment with quotes": { script: 'echo "deleting"; kubectl delete cm x # old "way"', expect: "retried" },
  "multi-line double-quoted text": { script: 'echo "first\nkubectl delete cm in-text\nlast"\nkubectl delete cm y', expect: "retried" },
  "multi-line single-quoted text": { script: "echo 'a\nkubectl delete cm in-text'\nkubectl delete cm y", expect: "retried" },
  "here-document body": { script: "cat <<EOF\nkubectl delete cm in-heredoc\nEOF\nkubectl delete cm x", expect: "retried" },
  "quoted here-document with $( ) text": { script: "cat <<'EOF'\n$(kubectl delete cm no)\nEOF\nkubectl delete cm x", expect: "retried" },
  "here-document with $( ) that runs": { script: "cat <<EOF\nname: $(echo inner)\nEOF\nkubectl delete cm x", expect: "retried" },
  "<<- here-document with tabs": { script: "cat <<-EOF\n\tkubectl delete cm text\n\tEOF\nkubectl delete cm x", expect: "retried" },
  "indented terminator: the body runs to the end": { script: "cat <<EOF\nbody\n  EOF\nkubectl delete cm x\n", expect: "unchanged" },
  "two here-documents on one line": { script: "cat <<A; cat <<B\nkubectl delete cm a\nA\nkubectl delete cm b\nB\nkubectl delete cm x", expect: "retried" },
  "here-document into kubectl delete -f -": { script: "kubectl delete -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nEOF", expect: "retried" },
  "case with ) in patterns and text": {
    script: 'case "$1" in a|b) kubectl delete cm "$1";; *) echo "other)";; esac',
    after: ["sh", "a"],
    expect: "retried",
  },
  "case with (pattern)": { script: "case x in (x) kubectl delete cm x;; esac", expect: "retried" },
  "case without ;; before esac": { script: "case x in\n  x) kubectl delete cm x\nesac", expect: "retried" },
  ") inside a string": { script: 'echo "a)b"; kubectl delete cm x', expect: "retried" },
  ") inside quotes in a subshell": { script: "(echo ')'); kubectl delete cm x", expect: "retried" },
  subshell: { script: "(cd / && kubectl delete cm x)", expect: "retried" },
  "nested subshells": { script: "( (kubectl delete cm x) )", expect: "retried" },
  "command substitution": { script: 'out=$(kubectl delete cm x); echo "$out"', expect: "retried" },
  backquotes: { script: 'out=`kubectl delete cm x`; echo "$out"', expect: "retried" },
  "$( ) in double quotes": { script: 'echo "result: $(kubectl delete cm x)"', expect: "retried" },
  "case inside $( )": { script: 'out=$(case a in a) kubectl delete cm x;; esac); echo "$out"', expect: "retried" },
  arithmetic: { script: 'n=$((1 + 2)); kubectl delete cm "c$n"', expect: "retried" },
  "xargs from kubectl get": { script: "kubectl get pods -o name | xargs kubectl delete", expect: "retried" },
  "xargs -r -n1": { script: "kubectl get pods -o name | xargs -r -n1 kubectl delete", expect: "retried" },
  "awk between get and xargs": { script: "kubectl get pods -o name | awk -F/ '{print $2}' | xargs -n1 kubectl delete pod", expect: "retried" },
  "xargs -I{}": { script: "kubectl get pods -o name | xargs -I{} kubectl delete {}", expect: "retried" },
  timeout: { script: "timeout 30 kubectl delete cm x", expect: "retried" },
  "timeout -s KILL": { script: "timeout -s KILL 30 kubectl delete cm x", expect: "retried" },
  exec: { script: "echo before; exec kubectl delete cm x", expect: "retried" },
  "command kubectl": { script: "command kubectl delete cm x", expect: "retried" },
  "env prefix": { script: "env KUBECONFIG=/dev/null kubectl delete cm x", expect: "retried" },
  "assignment prefix": { script: 'NS=ns; NS=$NS kubectl delete cm x -n "$NS"', expect: "retried" },
  nohup: { script: "nohup kubectl delete cm x", expect: "retried" },
  function: { script: 'del() { kubectl delete cm "$1"; }\ndel a\ndel b', expect: "retried" },
  "function with local and return": { script: 'f() { local n="$1"; kubectl delete cm "$n"; return 0; }\nf a', expect: "retried" },
  "bash function keyword": { script: 'function del { kubectl delete cm "$1"; }\ndel a', expect: "retried" },
  "trap that echoes": { script: "trap 'echo cleanup done' EXIT\nkubectl delete cm x", expect: "retried" },
  "trap that deletes (left as written, reported)": { script: "trap 'kubectl delete cm lock' EXIT\nkubectl delete cm x", expect: "retried" },
  "if / then / else": { script: "if kubectl get cm x; then kubectl delete cm x; else echo none; fi", expect: "retried" },
  "if on a missing object": { script: "if kubectl get cm missing; then kubectl delete cm missing; else echo absent; fi", expect: "retried" },
  "if ! …": { script: "if ! kubectl get cm missing 2>/dev/null; then echo gone; fi\nkubectl delete cm x", expect: "retried" },
  "for loop": { script: 'for i in 1 2 3; do kubectl delete cm "c$i"; done', expect: "retried" },
  "while read from a pipe": { script: 'kubectl get pods -o name | while read -r p; do kubectl delete "$p"; done', expect: "retried" },
  until: { script: 'n=0; until [ $n -ge 2 ]; do kubectl delete cm "c$n"; n=$((n+1)); done', expect: "retried" },
  "&& and ||": { script: "kubectl delete cm x && echo ok || echo failed", expect: "retried" },
  "background and wait": { script: "kubectl delete cm a >/dev/null & wait; kubectl delete cm b", expect: "retried" },
  "{ } group with 2>&1": { script: "{ kubectl delete cm x; echo done; } 2>&1", expect: "retried" },
  "redirect to /dev/null": { script: "kubectl delete cm x > /dev/null 2>&1; echo quiet", expect: "retried" },
  "exec 2>&1 first": { script: "exec 2>&1; kubectl delete cm x", expect: "retried" },
  sleep: { script: "sleep 0; kubectl delete cm x", expect: "retried" },
  "printf of the text, then the command": { script: "printf '%s\\n' \"kubectl delete cm x\"; kubectl delete cm y", expect: "retried" },
  "two deletes on one line": { script: "kubectl delete cm a; kubectl delete cm b", expect: "retried" },
  "delete with --": { script: "kubectl delete cm -- x", expect: "retried" },
  "wait for deletion": { script: "kubectl delete cm x --wait=false\nkubectl wait --for=delete cm/x --timeout=5s || true", expect: "retried" },
  "set -u with a default": { script: 'set -u; echo "${UNSET:-default}"; kubectl delete cm x', expect: "retried" },
  "set -eux": { script: "set -eux\nkubectl delete cm x\necho done", expect: "retried" },
  "sh -ec": { script: "kubectl delete cm a\nkubectl delete cm b", flags: ["-ec"], expect: "retried" },
  "sh -e -c": { script: "kubectl delete cm a\nkubectl delete cm b", flags: ["-e", "-c"], expect: "retried" },
  "sh -xc traces": { script: "kubectl delete cm a\necho traced", flags: ["-xc"], expect: "retried" },
  "bash -euo pipefail -c": { script: "kubectl get pods -o name | grep -c pod\nkubectl delete cm x", flags: ["-euo", "pipefail", "-c"], expect: "retried" },
  "bash -o pipefail -c: a delete feeding a pipe": { script: "kubectl delete cm fail-x | cat && kubectl get ns y", flags: ["-o", "pipefail", "-c"], expect: "unchanged" },
  "exec 2> file, then the error read": { script: 'exec 2>"$SHAPE_TMP/err"\nkubectl delete cm fail-x\ngrep -q NotFound "$SHAPE_TMP/err" && kubectl get ns y', expect: "unchanged" },
  "{ } group's error output into a file that is read": {
    script: '{ kubectl delete cm fail-x; } 2>"$SHAPE_TMP/e"\nif grep -q NotFound "$SHAPE_TMP/e"; then kubectl get ns y; fi',
    expect: "unchanged",
  },
  "( ) subshell's error output into grep": { script: "( kubectl delete cm fail-x ) 2>&1 | grep -q NotFound || kubectl get ns y", expect: "unchanged" },
  "|| { echo; exit 0; } skipping the rest": { script: "set -e\nkubectl delete cm fail-x || { echo gone; exit 0; }\nkubectl get ns y", expect: "unchanged" },
  "|| { echo >&2; exit 1; } fails as || exit 1 does": { script: 'kubectl delete cm fail-x || { echo "cannot delete" >&2; exit 1; }\nkubectl get cm y', expect: "retried" },
  "bash --norc -c": { script: "kubectl delete cm x", flags: ["--norc", "-c"], expect: "retried" },
  "$0 and $1 after the script": { script: 'echo "$0 $1"; kubectl delete cm "$1"', after: ["myname", "x"], expect: "retried" },
  "$# and $@": { script: 'echo "$#: $*"; for r in "$@"; do kubectl delete cm "$r"; done', after: ["sh", "a", "b"], expect: "retried" },
  $LINENO: { script: 'echo "line $LINENO"\nkubectl delete cm x\necho "line $LINENO"', expect: "retried" },
  "$-": { script: 'echo "flags $-"; kubectl delete cm x', expect: "retried" },
  "$- with -e": { script: 'echo "flags $-"; kubectl delete cm x', flags: ["-ec"], expect: "retried" },
  "failure, then the status echoed": { script: 'kubectl delete cm fail-x; echo "status $?"', expect: "retried" },
  "set -e stops at the first failure (retried: replays the same)": { script: "set -e\nkubectl delete cm fail-a\nkubectl delete cm b", expect: "retried" },
  "exit 3 in a replay-safe script": { script: "kubectl delete cm x\nexit 3", expect: "retried" },
  "exit 3 after a file write: runs once": { script: 'touch "$SHAPE_TMP/marker"; kubectl delete cm x; exit 3', expect: "flag only" },
  "mkdir: not safe to replay": { script: 'mkdir "$SHAPE_TMP/d"; kubectl delete cm x', expect: "flag only" },
  "kubectl apply: not safe to replay": { script: "kubectl apply -f x.yaml; kubectl delete cm x", expect: "flag only" },
  "kubectl patch: not safe to replay": { script: "kubectl patch deploy x -p '{}'; kubectl delete cm x", expect: "flag only" },
  "append to a log: not safe to replay": { script: 'kubectl delete cm x >> "$SHAPE_TMP/log"; cat "$SHAPE_TMP/log"', expect: "flag only" },
  "{ } group into a file": { script: '{ kubectl delete cm x; } > "$SHAPE_TMP/out"; cat "$SHAPE_TMP/out"', expect: "flag only" },
  "exec > file": { script: 'exec > "$SHAPE_TMP/log"; kubectl delete cm x; cat "$SHAPE_TMP/log" >&2', expect: "flag only" },
  "alias k=kubectl (dash expands it, bash does not)": { script: "alias k=kubectl\nk delete cm x", expect: "unchanged" },
  "alias with expand_aliases": { script: "shopt -s expand_aliases\nalias k=kubectl\nk delete cm x", expect: "unchanged" },
  "alias defined, kubectl used": { script: "alias k=kubectl\nkubectl delete cm x", expect: "retried" },
  "shopt -s extglob then a pattern": { script: "shopt -s extglob\nkubectl delete cm x\necho @(a|b)", expect: "retried" },
  "extglob in the delete's arguments": { script: "shopt -s extglob\nkubectl delete cm !(keep)", expect: "retried" },
  "trailing backslash": { script: "kubectl delete cm x\\", expect: "retried" },
  "trailing backslash-newline": { script: "kubectl delete cm x \\\n", expect: "retried" },
  "CRLF line endings": { script: "echo one\r\nkubectl delete cm x\r\n", expect: "retried" },
  // The reader takes the delete for part of the `if`'s condition, which `then\r` never ends: it is left alone.
  "CRLF if: `then\\r` is a command, a syntax error in both shells": { script: "if true; then\r\n kubectl delete cm x\r\nfi\r\n", expect: "unchanged" },
  // The delete's status picks what runs next: --ignore-not-found would change that, so the delete is left as it is.
  // A follower's print read by the script, and `exit` that ends only a subshell, decide what runs next too.
  "|| echo captured by a loop's substitution, then used": {
    script: 'missing=$(for n in fail-a b; do kubectl delete cm "$n" >/dev/null || echo "$n"; done)\nfor m in $missing; do kubectl get cm "$m"; done',
    expect: "unchanged",
  },
  "|| echo into a group's file, then read": { script: '{ kubectl delete cm fail-x || echo failed; } > "$SHAPE_TMP/m"\ncat "$SHAPE_TMP/m"', expect: "unchanged" },
  "exec > file, then || echo": { script: 'exec > "$SHAPE_TMP/m"\nkubectl delete cm fail-x || echo failed\ncat "$SHAPE_TMP/m" >&2', expect: "unchanged" },
  "|| echo in a loop piped into grep": { script: 'for n in fail-a b; do kubectl delete cm "$n" || echo "failed $n"; done | grep -c failed || true', expect: "unchanged" },
  "|| exit 1 in a while loop a pipe feeds": {
    script: 'printf \'fail-a\\nb\\n\' | while read n; do kubectl delete cm "$n" || exit 1; echo "deleted $n"; done\necho after',
    expect: "unchanged",
  },
  "|| exit 1 in a command substitution": { script: 'x=$(kubectl delete cm fail-x || exit 1; echo hi)\necho "x=$x"', expect: "unchanged" },
  "|| exit 1 in a function called in a subshell": { script: "f() { kubectl delete cm fail-x || exit 1; echo cont; }\n( f )\necho after", expect: "unchanged" },
  "set -e, the delete in a piped group": { script: "set -e\n{ kubectl delete cm fail-x; echo cont; } | cat\necho after", expect: "unchanged" },
  "sh -ec, the delete in a piped group": { script: "{ kubectl delete cm fail-x; echo cont; } | cat\necho after", flags: ["-ec"], expect: "unchanged" },
  "|| echo counting in its arguments": { script: 'n=0\nkubectl delete cm fail-x || echo "failure $((n+=1))"\n[ "$n" -eq 0 ] && echo clean || true', expect: "unchanged" },
  "|| true after an alias of true": { script: "alias true='echo aliased'\nkubectl delete cm fail-x || true", expect: "unchanged" },
  'a \\" inside backquotes inside double quotes': { script: 'msg="`echo \\"a; kubectl delete cm x\\"`"\necho "$msg"\nkubectl delete cm y', expect: "unchanged" },
  "if on a delete's status": { script: "if kubectl delete cm fail-lock; then echo released; else echo first run; fi", expect: "unchanged" },
  "until a delete succeeds": { script: "until kubectl delete cm x; do sleep 0; done", expect: "unchanged" },
  "|| then another command": { script: "kubectl delete cm fail-x || kubectl get cm y", expect: "unchanged" },
  "&& then another command": { script: "kubectl delete cm x && kubectl get cm y", expect: "unchanged" },
  "! before a delete": { script: "! kubectl delete cm fail-x; echo after", expect: "unchanged" },
  "a function whose status is tested": { script: "f() { kubectl delete cm fail-x; }\nif f; then echo yes; else echo no; fi", expect: "unchanged" },
  "$? tested": { script: "kubectl delete cm fail-x; [ $? -eq 0 ] || echo missing", expect: "unchanged" },
  "|| true, || exit 1 and an echoed $? stay fixed": {
    script: 'kubectl delete cm a || true\nkubectl delete cm b || exit 1\nkubectl delete cm c; echo "status $?"',
    expect: "retried",
  },
  "CRLF here-document: the delimiter is EOF\\r, and so is its line": {
    script: "cat <<EOF\r\nkubectl delete cm in-heredoc\r\nEOF\r\nkubectl delete cm x\r\n",
    expect: "retried",
  },
  unicode: { script: 'echo "héllo ✓"; kubectl delete cm x', expect: "retried" },
  "tab indentation, no trailing newline": { script: "\tkubectl delete cm x", expect: "retried" },
  "comment with )": { script: "# a ) comment\nkubectl delete cm x", expect: "retried" },
  "[[ ]] with < and &&": { script: 'if [[ -n "x" && 1 < 2 ]]; then kubectl delete cm x; fi', expect: "retried" },
  "bash arrays": { script: 'names=(a b); for n in "${names[@]}"; do kubectl delete cm "$n"; done', expect: "retried" },
  // bash reads $'…' as one word, dash as `$` and a quote: `echo $'\\' ; kubectl delete cm y #'` deletes only in dash.
  "$'…' strings: reported, not edited (bash and dash split them differently)": { script: "echo $'a\\tb'; kubectl delete cm x", expect: "unchanged" },
  "process substitution": { script: 'while read -r p; do kubectl delete "$p"; done < <(kubectl get pods -o name)', expect: "retried" },
  "here-string": { script: 'read -r n <<< "cm/x"; kubectl delete "$n"', expect: "retried" },
  "${ } with nested quotes": { script: 'x="${UNSET:-"a)b"}"; echo "$x"; kubectl delete cm x', expect: "retried" },
  "kubectl in a variable": { script: "KUBECTL=kubectl; $KUBECTL delete cm x", expect: "unchanged" },
  eval: { script: 'eval "kubectl delete cm x"', expect: "unchanged" },
  "sh -c inside the script": { script: "sh -c 'kubectl delete cm x'", expect: "unchanged" },
  "a here-document fed to sh": { script: "sh <<'EOF'\nkubectl delete cm x\nEOF", expect: "unchanged" },
  "a delete echoed into sh": { script: 'echo "kubectl delete cm fail-x" | sh', expect: "unchanged" },
  "a function named kubectl": { script: 'kubectl() { command kubectl "$@"; }\nkubectl delete cm x', expect: "unchanged" },
  "flags in a variable before delete": { script: 'NSFLAG="-n ns"; kubectl $NSFLAG delete cm x', expect: "unchanged" },
  "an unknown global flag": { script: "kubectl --frobnicate delete cm x", expect: "unchanged" },
  "delete --raw": { script: "kubectl delete --raw /api/v1/namespaces/ns/configmaps/x", expect: "unchanged" },
  "the environment the script sees (bash's SHLVL too)": {
    script: "env | grep -v -e SHAPE_TMP -e FAKE_KUBECTL_LOG -e '^PWD=' | sort; echo \"$SHLVL\"; kubectl delete cm x",
    expect: "retried",
  },
  // bash starts at SHLVL 1, so the wrapper's `let SHLVL-=1` has the result 0, and fails: errexit must not end it there.
  "errexit from the environment (SHELLOPTS), for bash": { script: "kubectl delete cm x\necho done", env: { SHELLOPTS: "errexit" }, expect: "retried" },
  "exit 3 with no delete": { script: "echo start; exit 3", expect: "unchanged" },
  "command: [sh, -c], args: [script]": { script: "kubectl delete cm x", layout: "command+args", expect: "retried" },
  "command: [sh], args: [-c, script]": { script: "kubectl delete cm x\nexit 0", layout: "shell+args", expect: "retried" },
  "only args: [sh, -c, script]": { script: "kubectl delete cm x", layout: "args", expect: "retried" },
  "args split, not replay-safe": { script: 'touch "$SHAPE_TMP/m"; kubectl delete cm x', layout: "shell+args", expect: "flag only" },
};

const SHELLS = ["dash", "bash"].filter((shell) => spawnSync(shell, ["-c", "true"]).status === 0);
if (SHELLS.length < 2) console.warn(`script shapes: running only under ${SHELLS.join(", ") || "no shell"}; install dash and bash to run all`);

const FAKE_KUBECTL = `#!/bin/sh
# A fake kubectl: logs its arguments (marking --ignore-not-found), prints them, fails on names with "fail".
out=; mark=
for arg in "$@"; do
  if [ "$arg" = --ignore-not-found ]; then mark=" [ignore-not-found]"; else out="$out $arg"; fi
done
echo "kubectl$out$mark" >> "$FAKE_KUBECTL_LOG"
case "$out" in
  *fail*) echo "error: simulated failure" >&2; exit 7 ;;
  *missing*) echo "Error from server (NotFound): configmaps \\"missing\\" not found" >&2; exit 1 ;;
  " get pods -o name") echo pod/a; echo pod/b ;;
  *) echo "kubectl$out" ;;
esac
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
}

let root = "";

/** A word for the driver script, single-quoted so the shell passes it on byte for byte. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs each argv in a fresh process, in its own empty directory, with a clean environment. One driver script per
 * batch starts them one after another: far cheaper than one spawn from Node per run.
 */
async function runAll(runs: Array<{ argv: string[]; env?: Record<string, string> }>, batches: number): Promise<Run[]> {
  const fakeBin = join(root, "bin");
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(join(fakeBin, "kubectl"), FAKE_KUBECTL);
  chmodSync(join(fakeBin, "kubectl"), 0o755);
  const path = `${fakeBin}:${process.env.PATH ?? "/usr/bin:/bin"}`;
  const dirs = runs.map((_, i) => join(root, `run-${i}`));
  const lines = runs.map(({ argv, env: own = {} }, i) => {
    const dir = dirs[i] as string;
    mkdirSync(dir);
    const extra = Object.entries(own).map(([name, value]) => ` ${name}=${quote(value)}`).join("");
    const env = `PATH=${quote(path)} FAKE_KUBECTL_LOG=${quote(`${dir}/kubectl.log`)} SHAPE_TMP=${quote(dir)} LC_ALL=C${extra}`;
    return `(cd ${quote(dir)} && ${env} exec ${argv.map(quote).join(" ")}) </dev/null >${quote(`${dir}/stdout`)} 2>${quote(`${dir}/stderr`)}; echo $? >${quote(`${dir}/status`)}`;
  });
  const size = Math.ceil(lines.length / batches);
  await Promise.all(
    Array.from({ length: batches }, (_, b) => {
      const driver = join(root, `driver-${b}.sh`);
      writeFileSync(driver, `${lines.slice(b * size, (b + 1) * size).join("\n")}\n`);
      return new Promise<void>((resolve, reject) => {
        // An empty environment: each run gets only the variables its line sets.
        const child = spawn("/bin/sh", [driver], { stdio: "ignore", env: {} });
        child.on("error", reject);
        child.on("close", () => resolve());
      });
    }),
  );
  return dirs.map((dir) => {
    const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : "");
    return { status: Number(read("status").trim()), stdout: read("stdout"), stderr: read("stderr"), calls: read("kubectl.log").split("\n").filter(Boolean) };
  });
}

function container(shell: string, shape: Shape): string {
  const flags = shape.flags ?? ["-c"];
  const tail = [shape.script, ...(shape.after ?? [])];
  const list = (words: string[]) => `[${words.map((word) => JSON.stringify(word)).join(", ")}]`;
  switch (shape.layout ?? "command") {
    case "command":
      return `          command: ${list([shell, ...flags, ...tail])}\n`;
    case "command+args":
      return `          command: ${list([shell, ...flags])}\n          args: ${list(tail)}\n`;
    case "shell+args":
      return `          command: ${list([shell])}\n          args: ${list([...flags, ...tail])}\n`;
    case "args":
      return `          args: ${list([shell, ...flags, ...tail])}\n`;
  }
}

function job(name: string, shell: string, shape: Shape): string {
  const env = Object.entries(shape.env ?? {}).map(([key, value]) => `{name: ${key}, value: ${JSON.stringify(value)}}`);
  const envLine = env.length > 0 ? `          env: [${env.join(", ")}]\n` : "";
  return `---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: before-hook-creation\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: cleanup\n          image: example.com/tools:1\n${envLine}${container(shell, shape)}`;
}

/** The output with the added flag taken out (a trace of `set -x` shows it). */
const without = (text: string) => text.replace(/ --ignore-not-found(?=[\s\0'"]|$)/g, "");
const unmarked = (calls: string[]) => calls.map((call) => call.replace(" [ignore-not-found]", ""));

interface Case {
  name: string;
  shell: string;
  shape: Shape;
  before: string[];
  after: string[];
}

const cases: Case[] = [];
const results = new Map<string, { before: Run; after: Run }>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "fix-storage-shapes-"));
  // Every shape under every shell, as one stream through the rule.
  const entries = Object.entries(SHAPES).flatMap(([name, shape]) => SHELLS.map((shell) => ({ name, shell, shape })));
  const stream = entries.map((entry, i) => job(`shape-${i}`, entry.shell, entry.shape)).join("");
  const fixed = await fixStream(stream, { config: { rules: { "idempotent-cleanup": { retries: 3, delaySeconds: 0 } } } });
  const argvOf = (doc: { spec: { template: { spec: { containers: Array<{ command?: string[]; args?: string[] }> } } } }) => {
    const c = doc.spec.template.spec.containers[0] as { command?: string[]; args?: string[] };
    return [...(c.command ?? []), ...(c.args ?? [])];
  };
  const before = parseAllDocuments(stream).map((doc) => argvOf(doc.toJS()));
  const after = parseAllDocuments(fixed.output).map((doc) => argvOf(doc.toJS()));
  entries.forEach((entry, i) => {
    cases.push({ ...entry, before: before[i] as string[], after: after[i] as string[] });
  });
  const runs = await runAll(
    cases.flatMap((c) => [
      { argv: c.before, ...(c.shape.env && { env: c.shape.env }) },
      { argv: c.after, ...(c.shape.env && { env: c.shape.env }) },
    ]),
    2,
  );
  cases.forEach((c, i) => {
    results.set(`${c.shell} ${c.name}`, { before: runs[2 * i] as Run, after: runs[2 * i + 1] as Run });
  });
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(SHELLS.length === 0)("cleanup-script shapes, run before and after the rule", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    for (const shell of SHELLS) {
      it(`${shell}: ${name}`, () => {
        const c = cases.find((one) => one.name === name && one.shell === shell) as Case;
        const { before, after } = results.get(`${shell} ${name}`) as { before: Run; after: Run };
        const retried = c.after[3] === RETRY_NAME;
        const changed = JSON.stringify(c.after) !== JSON.stringify(c.before);
        expect({ retried, changed }).toEqual({ retried: shape.expect === "retried", changed: shape.expect !== "unchanged" });
        // What the rule changed in the argv: the wrapper in front, and --ignore-not-found in the chart's words.
        expect(without((retried ? c.after.slice(4) : c.after).join("\0"))).toBe(c.before.join("\0"));
        if (before.status === 0 || !retried) {
          expect({ ...after, stdout: without(after.stdout), stderr: without(after.stderr), calls: unmarked(after.calls) }).toEqual(before);
        } else {
          // A failing replay-safe script is run again, the same way each time, and ends with the same status.
          expect(after.status).toBe(before.status);
          expect(unmarked(after.calls)).toEqual(Array.from({ length: 4 }, () => before.calls).flat());
          expect(after.stderr).toContain(`${RETRY_NAME}: attempt 3 of 4 failed with exit status ${before.status}`);
        }
        if (shape.expect !== "unchanged") {
          // Each delete the rule could see now ignores missing objects.
          const deletes = after.calls.filter((call) => /^kubectl( -\S+)*( \S+)? delete /.test(call) && !call.includes("lock"));
          for (const call of deletes) expect(call).toContain("[ignore-not-found]");
        }
      });
    }
  }
});
