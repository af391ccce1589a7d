/** The script reader: where --ignore-not-found goes, what is unsure, what is safe to replay; and that it never throws. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyseScript } from "../../../src/rules/cleanup/script-analysis.js";
import { scriptIndex } from "../../../src/rules/cleanup/shell-invocation.js";

interface Row {
  script: string;
  /** The script with the flag added; absent when unchanged. */
  patched?: string;
  /** Why it is not replayed (fragment); absent when it is safe to replay. */
  notReplaySafe?: string;
  /** Fragments of the places reported as unsure. */
  unsure?: string[];
  /** Fragments of the deletes left alone because their status decides what runs next. */
  statusDecides?: string[];
}

const table: Record<string, Row> = {
  "after delete, skipping global flags and their values": {
    script: "kubectl -n ns --context c delete cm x",
    patched: "kubectl -n ns --context c delete --ignore-not-found cm x",
  },
  "a path to kubectl, and && after": {
    script: "/usr/local/bin/kubectl --namespace=ns delete pod a && echo done",
    patched: "/usr/local/bin/kubectl --namespace=ns delete --ignore-not-found pod a && echo done",
  },
  "not when delete is another verb's argument": {
    script: "kubectl label pod x delete=yes; kubectl logs delete; kubectl get pods | grep delete",
    notReplaySafe: "`kubectl label` changes the cluster",
  },
  "before a line continuation": { script: "kubectl delete \\\n  cm x", patched: "kubectl delete --ignore-not-found \\\n  cm x" },
  "not twice": { script: "kubectl delete cm x --ignore-not-found=true" },
  "an explicit --ignore-not-found=false is kept": { script: "kubectl delete cm x --ignore-not-found=false" },
  "echo arguments are text": { script: 'echo "to clean up, run: kubectl delete pvc -l app=x"; echo kubectl delete cm x' },
  "comments are text": { script: "# kubectl delete configmap old-cm\necho x # kubectl delete cm y" },
  "quoted text is text": { script: "echo 'kubectl delete cm x' >> /dev/stderr", patched: undefined },
  "heredoc bodies are text": { script: "cat <<EOF\nkubectl delete cm x\nEOF\n" },
  "an indented terminator does not end the heredoc": { script: "cat <<EOF\nx\n  EOF\nkubectl delete cm x\n" },
  "<<- strips tabs before the terminator": { script: "cat <<-EOF\n\tx\n\tEOF\nkubectl delete cm x", patched: "cat <<-EOF\n\tx\n\tEOF\nkubectl delete --ignore-not-found cm x" },
  "$( ) in an unquoted heredoc runs": {
    script: "cat <<EOF\n$(kubectl delete cm x)\nEOF\n",
    patched: "cat <<EOF\n$(kubectl delete --ignore-not-found cm x)\nEOF\n",
  },
  "case patterns with )": {
    script: "case $1 in a) kubectl delete cm a;; *) echo ')';; esac",
    patched: "case $1 in a) kubectl delete --ignore-not-found cm a;; *) echo ')';; esac",
  },
  "xargs runs kubectl": {
    script: "kubectl get pods -o name | xargs -r -n1 kubectl delete",
    patched: "kubectl get pods -o name | xargs -r -n1 kubectl delete --ignore-not-found",
  },
  "timeout runs kubectl": { script: "timeout -s KILL 30 kubectl delete cm x", patched: "timeout -s KILL 30 kubectl delete --ignore-not-found cm x" },
  "exec, command and env run kubectl": {
    script: "command kubectl delete cm a; env A=1 kubectl delete cm b; exec kubectl delete cm c",
    patched: "command kubectl delete --ignore-not-found cm a; env A=1 kubectl delete --ignore-not-found cm b; exec kubectl delete --ignore-not-found cm c",
  },
  "command -v only looks kubectl up": { script: "command -v kubectl delete" },
  "backquotes without escapes are edited in place": { script: "x=`kubectl delete cm x`", patched: "x=`kubectl delete --ignore-not-found cm x`" },
  "backquotes that unescape \\$ are reported (their text is not the script's)": { script: "x=`kubectl delete cm \\$X`", unsure: ["inside backquotes with escapes"] },
  "an alias is reported": { script: "alias k=kubectl\nk delete cm x", notReplaySafe: "`k` is an alias", unsure: ["line 2: `k delete cm x` runs an alias"] },
  "a function named kubectl is reported": {
    script: 'kubectl() { command kubectl "$@"; }\nkubectl delete cm x',
    notReplaySafe: "the script defines its own kubectl",
    unsure: ["calls the script's own kubectl function or alias"],
  },
  "kubectl in a variable is reported": { script: "$K delete cm x", notReplaySafe: "only known when the script runs", unsure: ["`$K delete cm x`"] },
  "flags in a variable are reported": { script: "kubectl $F delete cm x", notReplaySafe: "only known when the script runs", unsure: ["`kubectl $F delete cm x`"] },
  "an unknown global flag is reported": { script: "kubectl --frob delete cm x", notReplaySafe: "--frob", unsure: ["kubectl flag --frob is not one fix-storage knows"] },
  "--raw is reported": { script: "kubectl delete --raw /api/v1/x", unsure: ["uses --raw"] },
  "sh -c inside is reported": { script: "sh -c 'kubectl delete cm x'", notReplaySafe: "`sh` runs code", unsure: ["runs shell code that may run kubectl delete"] },
  "a delete piped into a shell reading stdin is reported": {
    script: 'echo "kubectl delete cm x" | sh',
    notReplaySafe: "`sh` runs code",
    unsure: ["line 1: `sh` runs shell code that may run kubectl delete"],
  },
  "so is one a shell with options only (bash -e) reads": {
    script: 'printf "kubectl delete cm x\\n" | bash -e',
    notReplaySafe: "`bash` runs code",
    unsure: ["line 1: `bash -e` runs shell code that may run kubectl delete"],
  },
  "a trap handler that deletes is reported, not edited": {
    script: "trap 'kubectl delete cm lock' EXIT\nkubectl delete cm x",
    patched: "trap 'kubectl delete cm lock' EXIT\nkubectl delete --ignore-not-found cm x",
    unsure: ["a trap handler runs `kubectl delete cm lock`"],
  },
  "a delete whose status picks a branch is left alone": {
    script: "if kubectl delete secret lock; then echo released; else kubectl create secret generic first-run; fi",
    notReplaySafe: "`kubectl create` changes the cluster",
    statusDecides: ["line 1: `kubectl delete secret lock`'s exit status decides what runs next (`if`)"],
  },
  "until, !, and && or || before a command that acts": {
    script: "until kubectl delete cm a; do sleep 1; done\n! kubectl delete cm b\nkubectl delete cm c || kubectl get cm d\nkubectl delete cm e && kubectl get cm f",
    statusDecides: ["line 1: `kubectl delete cm a`'s exit status decides what runs next (`until`)", "line 2: `kubectl delete cm b`'s exit status decides what runs next (`!`)", "(`|| kubectl`)", "(`&& kubectl`)"],
  },
  "|| true, || exit, && echo and && echo || echo only print or end: fixed": {
    script: "kubectl delete cm a || true\nkubectl delete cm b || exit 1\nkubectl delete cm c && echo ok || echo failed",
    patched: "kubectl delete --ignore-not-found cm a || true\nkubectl delete --ignore-not-found cm b || exit 1\nkubectl delete --ignore-not-found cm c && echo ok || echo failed",
  },
  "a backslash at a line's end in an expanding here-document joins the next line, which is then no delimiter": {
    script: "cat <<EOF\nnote: \\\nEOF\nkubectl delete pod x\nEOF\nkubectl delete cm y\n",
    patched: "cat <<EOF\nnote: \\\nEOF\nkubectl delete pod x\nEOF\nkubectl delete --ignore-not-found cm y\n",
  },
  "in a quoted here-document the backslash is text, and the next line ends it": {
    script: "cat <<'EOF'\nnote: \\\nEOF\nkubectl delete pod x\n",
    patched: "cat <<'EOF'\nnote: \\\nEOF\nkubectl delete --ignore-not-found pod x\n",
  },
  "|| exit 0 ends the script as a success, skipping the rest: left alone": { script: "kubectl delete cm a || exit 0\nkubectl get ns y", statusDecides: ["(`|| exit 0` may end it as a success)"] },
  "|| exit with the delete's failure stays editable": { script: "kubectl delete cm a || exit 1\nkubectl get ns", patched: "kubectl delete --ignore-not-found cm a || exit 1\nkubectl get ns" },
  "|| echo into a file the script reads: left alone": { script: "kubectl delete cm a || echo gone > marker\n[ -f marker ] && kubectl get ns y", statusDecides: ["redirects its output (`>`)"], notReplaySafe: "`> marker` writes a file" },
  "|| echo to stderr stays editable": { script: 'kubectl delete cm a || echo "failed: $X" >&2', patched: 'kubectl delete --ignore-not-found cm a || echo "failed: $X" >&2' },
  "|| echo running a command substitution: left alone": { script: 'kubectl delete cm a || echo "$(kubectl get ns y)"', statusDecides: ["runs a command in its arguments"] },
  "|| echo printing $(date) stays editable": { script: 'kubectl delete cm a || echo "$(date) delete failed" >&2', patched: 'kubectl delete --ignore-not-found cm a || echo "$(date) delete failed" >&2' },
  "|| echo of backquotes in single quotes stays editable": { script: "kubectl delete cm a || echo 'run `kubectl get cm` to check'", patched: "kubectl delete --ignore-not-found cm a || echo 'run `kubectl get cm` to check'" },
  "|| : assigning a default: left alone": { script: "kubectl delete cm a || : ${GONE:=1}", statusDecides: ["assigns something in its arguments"] },
  "|| an assignment before ':': left alone": { script: "kubectl delete cm a || GONE=1 :", statusDecides: ["sets a variable"] },
  "|| printf -v: left alone": { script: "kubectl delete cm a || printf -v GONE 1", statusDecides: ["`|| printf -v` sets a variable"] },
  "&& echo into a pipe: left alone": { script: "kubectl delete cm a && echo '{}' | kubectl get -f -", statusDecides: ["feeds a pipe"] },
  "in the background with wait $!: left alone": { script: "kubectl delete cm a &\nwait $! || kubectl get ns y", statusDecides: ["`wait` reads their status"] },
  "in the background with a bare wait stays editable": { script: "kubectl delete cm a & wait", patched: "kubectl delete --ignore-not-found cm a & wait" },
  "piped under pipefail: left alone": { script: "set -o pipefail\nkubectl delete cm a | cat || kubectl get ns y", statusDecides: ["under pipefail"] },
  "an exec sending the shell's error output to a file before the delete: left alone": {
    script: "exec 2>/tmp/err\nkubectl delete secret s\ngrep -q NotFound /tmp/err && kubectl get ns y",
    statusDecides: ["its error output goes to /tmp/err"],
    notReplaySafe: "writes a file",
  },
  "an exec anywhere counts, after the delete too (in a loop it comes before the next pass's delete)": {
    script: 'for i in 1 2; do\n  kubectl delete cm "a$i"\n  exec 2>>/tmp/err\ndone\ngrep -q NotFound /tmp/err && exit 3',
    statusDecides: ["its error output goes to /tmp/err"],
    notReplaySafe: "writes a file",
  },
  "command exec redirects the shell's error output as exec does": {
    script: "command exec 2>/tmp/err\nkubectl delete cm a\ngrep -q NotFound /tmp/err && exit 3",
    statusDecides: ["its error output goes to /tmp/err"],
    notReplaySafe: "writes a file",
  },
  "error output copied to a descriptor an exec opened on a file: left alone": {
    script: "exec 3>/tmp/err\nkubectl delete cm a 2>&3\ngrep -q NotFound /tmp/err && exit 3",
    statusDecides: ["its error output goes to descriptor 3"],
    notReplaySafe: "writes a file",
  },
  "a function whose call's error output feeds a pipe: its delete is left alone": {
    script: "del() { kubectl delete cm a; }\ndel 2>&1 | grep -q NotFound && exit 3",
    statusDecides: ["its function del's status is tested"],
  },
  "a { } group's error output into a file: left alone": {
    script: "{ kubectl delete secret s; } 2>/tmp/e\nif grep -q NotFound /tmp/e; then kubectl get ns y; fi",
    statusDecides: ["its error output goes to /tmp/e"],
    notReplaySafe: "writes a file",
  },
  "a ( ) subshell's error output into a pipe: left alone": {
    script: "( kubectl delete secret s ) 2>&1 | grep -q NotFound || kubectl get ns y",
    statusDecides: ["its error output is read"],
  },
  "a ( ) subshell into a pipe under pipefail: left alone": {
    script: "set -o pipefail\n( kubectl delete cm a ) | cat || kubectl get ns y",
    statusDecides: ["under pipefail"],
  },
  "|| { echo; exit 0; } is no || echo: left alone": {
    script: "set -e\nkubectl delete secret s || { echo gone; exit 0; }\nkubectl get ns y",
    statusDecides: ["(`||`)"],
  },
  "a group's own error output to /dev/null stays editable": {
    script: "{ kubectl delete cm a; } 2>/dev/null || true",
    patched: "{ kubectl delete --ignore-not-found cm a; } 2>/dev/null || true",
  },
  "eval anywhere: no delete of the script is edited": {
    script: 'kubectl delete cm a\neval "exec 2>/tmp/err"\ngrep -q NotFound /tmp/err && exit 3',
    statusDecides: ["the script runs `eval`"],
    notReplaySafe: "runs code",
  },
  "a file sourced: no delete of the script is edited": {
    script: ". /scripts/lib.sh\nkubectl delete cm a",
    statusDecides: ["reads commands from a file"],
    notReplaySafe: "runs code fix-storage does not read",
  },
  "a subshell in the background that a wait PID reads: left alone": {
    script: "( kubectl delete cm a ) &\nwait $! || exit 3",
    statusDecides: ["commands run in the background and `wait` reads their status"],
  },
  "$? printed into a substitution, a file or a variable is read": {
    script: 'kubectl delete cm a\nstatus=$(echo $?)\n[ "$status" = 0 ] || exit 3',
    statusDecides: ["the script reads `$?`"],
  },
  "a function called in a case subject's substitution: left alone": {
    script: "del() { kubectl delete cm a; }\ncase $(del; echo $?) in 1) exit 0;; esac",
    statusDecides: ["the script reads `$?`"],
  },
  "a trap on err in lower case is an ERR trap (bash takes either)": {
    script: "trap 'exit 0' err\nkubectl delete cm a\nkubectl get ns y",
    statusDecides: ["an ERR trap"],
  },
  "|| return leaves only the function: what follows the call runs on": {
    script: "f() {\n  kubectl delete cm a || return\n  touch /tmp/mid\n}\nf",
    statusDecides: ["`|| return` leaves only its function"],
    notReplaySafe: "not known to be safe",
  },
  "|| exit inside a subshell ends only the subshell": {
    script: "( kubectl delete cm a || exit 0 )\nkubectl get ns y",
    statusDecides: ["`|| exit` ends only its subshell"],
  },
  "2>/dev/stdout is 2>&1: into a pipe, the error output is read": {
    script: "kubectl delete cm a 2>/dev/stdout | grep -q NotFound && exit 3",
    statusDecides: ["its error output is read"],
  },
  "a trap on signals only known when it runs may be an ERR trap": {
    script: 'trap "exit 0" $SIGNALS\nkubectl delete cm a\nkubectl get ns y',
    statusDecides: ["an ERR trap"],
  },
  "stderr opened read-write on a file (2<>err) writes the file": {
    script: "kubectl delete cm a 2<>/tmp/err\ngrep -q NotFound /tmp/err && exit 3",
    statusDecides: ["its error output goes to /tmp/err"],
    notReplaySafe: "writes a file",
  },
  "|| true where true is the script's own function": {
    script: "true() { touch /tmp/x; }\nkubectl delete cm a || true",
    statusDecides: ["runs the script's own function"],
    notReplaySafe: "not known to be safe",
  },
  "|| { echo to stderr; exit 1; } fails as || exit 1 does: editable": {
    script: 'kubectl delete cm a || { echo "cannot delete" >&2; exit 1; }\nkubectl get ns y',
    patched: 'kubectl delete --ignore-not-found cm a || { echo "cannot delete" >&2; exit 1; }\nkubectl get ns y',
  },
  "|| { echo; exit 0; } ends it as a success: left alone": {
    script: "kubectl delete cm a || { echo gone; exit 0; }\nkubectl get ns y",
    statusDecides: ["(`||`)"],
  },
  "|| { echo into a file; exit 1; }: left alone": {
    script: "kubectl delete cm a || { echo gone > /tmp/marker; exit 1; }",
    statusDecides: ["(`||`)"],
    notReplaySafe: "writes a file",
  },
  "|| { …; exit 1; } > file: the group's redirection counts": {
    script: "kubectl delete cm a || { echo gone; exit 1; } > /tmp/log",
    statusDecides: ["(`||`)"],
    notReplaySafe: "writes a file",
  },
  "an ERR trap: left alone": { script: "trap 'kubectl get ns y' ERR\nkubectl delete cm a", statusDecides: ["an ERR trap"] },
  "error output into a pipe: left alone": { script: "kubectl delete cm a 2>&1 | grep -q NotFound && kubectl get ns y", statusDecides: ["its error output is read"] },
  "error output captured by a substitution: left alone": { script: 'out=$(kubectl delete cm a 2>&1)\necho "$out"', statusDecides: ["its error output is read"] },
  "error output to a file: left alone": { script: "kubectl delete cm a 2> err.log\ngrep -q NotFound err.log", statusDecides: ["its error output goes to err.log"], notReplaySafe: "writes a file" },
  "output and error output to /dev/null stay editable": { script: "kubectl delete cm a >/dev/null 2>&1 || true", patched: "kubectl delete --ignore-not-found cm a >/dev/null 2>&1 || true" },
  "a regular expression's `$'` inside single quotes is no $'…' quoting": {
    script: "kubectl get secret -o name | grep -E '^secret/foo-[0-9]+$' | xargs -r kubectl delete",
    patched: "kubectl get secret -o name | grep -E '^secret/foo-[0-9]+$' | xargs -r kubectl delete --ignore-not-found",
  },
  "error output to \"/dev/null\" (quoted) or /dev/stdout stays editable": {
    script: 'kubectl delete cm a 2>"/dev/null" || true\nkubectl delete cm b 2>/dev/stdout',
    patched: 'kubectl delete --ignore-not-found cm a 2>"/dev/null" || true\nkubectl delete --ignore-not-found cm b 2>/dev/stdout',
  },
  "in the background with `kubectl wait` (not the shell's) stays editable": {
    script: "kubectl delete pod p &\nkubectl wait --for=delete pod/other --timeout=5s",
    patched: "kubectl delete --ignore-not-found pod p &\nkubectl wait --for=delete pod/other --timeout=5s",
  },
  "ERR in another trap's text is no ERR trap": {
    script: "trap 'echo \"exit on ERR or success\"' EXIT\nkubectl delete cm a",
    patched: "trap 'echo \"exit on ERR or success\"' EXIT\nkubectl delete --ignore-not-found cm a",
  },
  "a command in a variable is reported only where an assignment holds kubectl delete": {
    script: 'CMD="kubectl delete cm x"\n$CMD\nkubectl delete cm y',
    patched: 'CMD="kubectl delete cm x"\n$CMD\nkubectl delete --ignore-not-found cm y',
    notReplaySafe: "only known when the script runs",
    unsure: ["line 2: `$CMD` runs a command only known when the script runs"],
  },
  "a substitution that is the tested command: left alone": { script: "$(kubectl delete cm a) || kubectl get ns y", statusDecides: ["gives its status to a tested command"], notReplaySafe: "only known when the script runs", unsure: ["only known when the script runs"] },
  "&& exit ends the script early only when the delete succeeds: left alone": { script: "kubectl delete cm a && exit 0\necho more", statusDecides: ["(`&& exit`)"] },
  "$? read by a test, but not when only printed": {
    script: "kubectl delete cm a; [ $? -eq 0 ] || echo missing",
    statusDecides: ["(the script reads `$?`)"],
  },
  "$? only printed": { script: 'kubectl delete cm a; echo "status $?"', patched: 'kubectl delete --ignore-not-found cm a; echo "status $?"' },
  "an assignment from $( ) in a condition tests the delete inside": { script: "if out=$(kubectl delete cm a); then echo \"$out\"; fi", statusDecides: ["(`if`)"] },
  "$( ) in the arguments of a tested command is not tested": {
    script: 'if [ -n "$(kubectl delete cm a)" ]; then echo deleted; fi',
    patched: 'if [ -n "$(kubectl delete --ignore-not-found cm a)" ]; then echo deleted; fi',
  },
  "a function whose call is tested, also through another function": {
    script: "f() { kubectl delete cm a; }\ng() { f; }\nh() { kubectl delete cm b; }\ng || kubectl get cm x\nh",
    patched: "f() { kubectl delete cm a; }\ng() { f; }\nh() { kubectl delete --ignore-not-found cm b; }\ng || kubectl get cm x\nh",
    statusDecides: ["line 1: `kubectl delete cm a`'s exit status decides what runs next (its function f's status is tested)"],
  },
  "a { } group before || tests each delete in it": {
    script: "{ kubectl delete cm a; kubectl delete cm b; } || kubectl get cm c",
    statusDecides: ["`kubectl delete cm a`", "`kubectl delete cm b`"],
  },
  "a delete in a loop's body is not its condition": {
    script: "while read -r p; do kubectl delete pod \"$p\"; done\nfor c in a b; do kubectl delete cm \"$c\" || true; done",
    patched: "while read -r p; do kubectl delete --ignore-not-found pod \"$p\"; done\nfor c in a b; do kubectl delete --ignore-not-found cm \"$c\" || true; done",
  },
  "an unclosed quote is a problem": { script: "kubectl delete cm 'x", notReplaySafe: "is not closed", unsure: ["is not closed"] },
  "writing a file is not replay-safe": { script: "kubectl delete cm x > /tmp/log", patched: "kubectl delete --ignore-not-found cm x > /tmp/log", notReplaySafe: "`> /tmp/log` writes a file" },
  "a group written to a file is not replay-safe": { script: "{ kubectl delete cm x; } >> log", patched: "{ kubectl delete --ignore-not-found cm x; } >> log", notReplaySafe: "`>> log`" },
  "kubectl scale is not replay-safe": { script: "kubectl scale deploy x --replicas=0; kubectl delete cm x", patched: "kubectl scale deploy x --replicas=0; kubectl delete --ignore-not-found cm x", notReplaySafe: "`kubectl scale` changes the cluster" },
  "awk that only prints is replay-safe (Kyverno 3.3.9's clean-reports hook)": {
    script: "kubectl get pr -A --no-headers | awk '/pol/{print $1}' | xargs kubectl delete policyreports",
    patched: "kubectl get pr -A --no-headers | awk '/pol/{print $1}' | xargs kubectl delete --ignore-not-found policyreports",
  },
  "awk that writes a file is not": {
    script: "kubectl get cm -o name | awk '{print > \"/tmp/x\"}'; kubectl delete cm x",
    patched: "kubectl get cm -o name | awk '{print > \"/tmp/x\"}'; kubectl delete --ignore-not-found cm x",
    notReplaySafe: "`awk` runs a program that may write files",
  },
  "reads and deletes are replay-safe": {
    script: "set -e\nif kubectl get cm x >/dev/null 2>&1; then kubectl delete cm x; fi\nkubectl wait --for=delete cm/x --timeout=60s || echo gone\nexit 3",
    patched: "set -e\nif kubectl get cm x >/dev/null 2>&1; then kubectl delete --ignore-not-found cm x; fi\nkubectl wait --for=delete cm/x --timeout=60s || echo gone\nexit 3",
  },
};

describe("reading a cleanup script", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, () => {
      const analysis = analyseScript(row.script);
      expect(analysis.patched).toBe(row.patched ?? row.script);
      if (row.notReplaySafe === undefined) expect(analysis.notReplaySafe).toBeUndefined();
      else expect(analysis.notReplaySafe).toContain(row.notReplaySafe);
      expect(analysis.unsure).toHaveLength(row.unsure?.length ?? 0);
      expect(analysis.statusDecides).toHaveLength(row.statusDecides?.length ?? 0);
      row.statusDecides?.forEach((fragment, i) => {
        expect(analysis.statusDecides[i]).toContain(fragment);
      });
      row.unsure?.forEach((fragment, i) => {
        expect(analysis.unsure[i]).toContain(fragment);
      });
    });
  }
});

describe("a script read again", () => {
  it("gives the same analysis, frozen, also after the memo has started again", () => {
    const script = "kubectl delete cm x\nkubectl label cm y a=b\neval \"kubectl $VERB cm z\"";
    const first = analyseScript(script);
    expect(analyseScript(script)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.unsure)).toBe(true);
    for (let i = 0; i < 600; i++) analyseScript(`kubectl delete cm x${i}`);
    const again = analyseScript(script);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // `eval` may run anything, so no delete of the script is edited.
    expect(again.patched).toBe(script);
    expect(again.statusDecides[0]).toContain("the script runs `eval`");
    expect(again.unsure).toHaveLength(1);
    expect(again.unsure[0]).toContain("line 3: `eval");
  });
});

describe("finding the script in a shell's argv", () => {
  it.each([
    [["sh", "-c", "S"], 2],
    [["/bin/bash", "-ec", "S"], 2],
    [["bash", "-e", "-c", "S", "name", "arg"], 3],
    [["bash", "-euo", "pipefail", "-c", "S"], 4],
    [["bash", "-o", "pipefail", "-c", "S"], 4],
    [["bash", "--norc", "--noprofile", "-c", "S"], 4],
    [["bash", "-c", "-e", "S"], 3],
    [["bash", "+O", "extglob", "-c", "S"], 4],
    [["sh", "script.sh"], -1],
    [["sh", "-c"], -1],
    [["python", "-c", "S"], -1],
  ])("%j: %i", (argv, index) => {
    expect(scriptIndex(argv)).toBe(index);
  });
});

describe("any text", () => {
  const shellish = fc.string({
    unit: fc.constantFrom(..."kubectl delete cm x ;&|()<>'\"`$\\{}#\n\t\r*?[]=-".split(""), "kubectl ", "delete ", "<<EOF\n", "\nEOF\n", "$(", "case ", " in ", ";;", " esac"),
    maxLength: 80,
  });

  it("is read without throwing, and only gains --ignore-not-found after a delete", () => {
    fc.assert(
      fc.property(shellish, (script) => {
        const analysis = analyseScript(script);
        expect(analysis.patched.replaceAll("delete --ignore-not-found", "delete")).toBe(script);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it("deep nesting is refused, not a crash", () => {
    const deep = `${"$(".repeat(20000)}kubectl delete cm x${")".repeat(20000)}`;
    expect(analyseScript(deep).patched).toBe(deep);
  });
});
