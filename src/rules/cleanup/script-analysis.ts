/**
 * What a cleanup script does, as far as idempotent-cleanup needs to know: its real `kubectl … delete` commands, where
 * `--ignore-not-found` goes in each, what may delete without this reader being sure, and whether the whole script can
 * be run a second time without harm.
 */
import { IGNORE_NOT_FOUND, ignoresNotFound, isExplicitlyOff, isKubectlPath, isReplaySafeVerb, subcommand } from "./kubectl-command.js";
import { isShell } from "./shell-invocation.js";
import { type Redirect, readScript, type ScriptModel, type SimpleCommand, type StatusTest, type Word } from "./shell-syntax.js";

export interface ScriptAnalysis {
  /** The script with `--ignore-not-found` after each real `delete` that lacked it (the script itself if none). */
  patched: string;
  /** How many real `kubectl … delete` commands the script has, fixed or already idempotent. */
  deletes: number;
  /** Places that may run kubectl delete where the reader cannot be sure, so nothing is added there. */
  unsure: readonly string[];
  /** Deletes left as written because their exit status decides what the script runs next. */
  statusDecides: readonly string[];
  /** Why a second run could do something the first did not (undefined: safe to replay). */
  notReplaySafe?: string;
  /** A delete passes --ignore-not-found=false: the chart chose to fail on a missing object. */
  keptOff?: true;
}

/** Commands whose arguments are data: a `kubectl delete` among them is text, never run. */
const DATA_COMMANDS = new Set([
  "echo",
  "printf",
  "grep",
  "egrep",
  "fgrep",
  "cat",
  "test",
  "[",
  ":",
  "true",
  "false",
  "sleep",
  "head",
  "tail",
  "wc",
  "sort",
  "uniq",
  "tr",
  "cut",
  "basename",
  "dirname",
  "date",
  "logger",
  "jq",
  "read",
  "export",
  "local",
  "readonly",
  "declare",
  "typeset",
  "unset",
  "set",
  "shift",
  "exit",
  "return",
  "break",
  "continue",
  "shopt",
  "wait",
  "cd",
  "pwd",
  "umask",
  "ulimit",
  "hash",
  "type",
  "which",
  "id",
  "whoami",
  "hostname",
  "printenv",
  "seq",
  "expr",
  "getopts",
  "unalias",
]);

/** Commands that run the command in their arguments; the value is how many option words to skip, per option. */
const RUNNERS: Record<string, { valued: string[]; boolean: string[]; operands: number }> = {
  exec: { valued: ["-a"], boolean: ["-c", "-l", "-cl", "-lc"], operands: 0 },
  command: { valued: [], boolean: ["-p"], operands: 0 },
  nohup: { valued: [], boolean: [], operands: 0 },
  time: { valued: [], boolean: ["-p"], operands: 0 },
  nice: { valued: ["-n"], boolean: [], operands: 0 },
  timeout: { valued: ["-s", "-k", "--signal", "--kill-after"], boolean: ["--preserve-status", "--foreground", "-v", "--verbose"], operands: 1 },
  xargs: {
    valued: ["-I", "-L", "-n", "-P", "-d", "-E", "-s", "-a", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-lines", "--max-chars", "--replace", "--eof"],
    boolean: ["-0", "-r", "-t", "-p", "-x", "--null", "--no-run-if-empty", "--verbose", "--interactive", "--exit", "--open-tty", "-o"],
    operands: 0,
  },
  env: { valued: ["-u", "--unset", "-C", "--chdir"], boolean: ["-i", "-", "--ignore-environment", "-0", "--null"], operands: 0 },
};

const AWK = new Set(["awk", "gawk", "mawk", "nawk", "busybox-awk"]);

/** Why an awk command could do more than print (undefined: it only reads and prints). */
function awkSideEffect(args: ReadonlyArray<string | undefined>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) return "has an argument only known when the script runs";
    if (arg === "-F" || arg === "-v") {
      i++;
      continue;
    }
    if (/^-[Fv]./.test(arg)) continue;
    if (arg.startsWith("-")) return `has option ${arg}`;
    // The program: output redirection, pipes, system() and getline can write or run things.
    return /[>|]|system|getline|close|fflush/.test(arg) ? "runs a program that may write files or run commands" : undefined;
  }
  return undefined;
}

/** Commands that run text as shell code: what they run cannot be edited safely. */
const INTERPRETERS = new Set(["eval", "source", ".", "sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "su", "sudo", "watch", "ssh", "nsenter", "chroot"]);

const SAFE_REDIRECT_TARGETS = /^(\/dev\/(null|stdout|stderr|fd\/\d+)|&?\d+|-|&-)$/;

type Resolved =
  | { kind: "command"; name: string; words: Word[]; values: Array<string | undefined> }
  | { kind: "unknown"; reason: string }
  | { kind: "none" };

/**
 * Analyses by script text, for the life of the process (one run of the CLI). A large stream often holds one chart's
 * Jobs many times over (one release per tenant), and reading a script is the rule's main cost: 536 Jobs of the
 * bench's 40 MB stream hold 5 distinct scripts. The analysis depends on the text alone and is frozen, so sharing it
 * is safe; the map starts again past its bound.
 */
const analysed = new Map<string, Map<string, ScriptAnalysis>>();
const MAX_ANALYSED = 512;

export function analyseScript(script: string, { pipefail = false, errexit = false }: { pipefail?: boolean; errexit?: boolean } = {}): ScriptAnalysis {
  // One map per set of shell options the script is started with.
  const options = `${pipefail ? "p" : ""}${errexit ? "e" : ""}`;
  let memo = analysed.get(options);
  if (memo === undefined) {
    memo = new Map();
    analysed.set(options, memo);
  }
  let analysis = memo.get(script);
  if (analysis === undefined) {
    if (memo.size >= MAX_ANALYSED) memo.clear();
    // Copies of their own: the script, and strings made from it, may be views of their document's text, which the
    // memo must not keep alive.
    const own = JSON.parse(JSON.stringify({ script, analysis: analyseScriptText(script, pipefail, errexit) })) as { script: string; analysis: ScriptAnalysis };
    analysis = Object.freeze({ ...own.analysis, unsure: Object.freeze(own.analysis.unsure), statusDecides: Object.freeze(own.analysis.statusDecides) });
    memo.set(own.script, analysis);
  }
  return analysis;
}

/** `pipefail`, `errexit`: the shell was started with them (`bash -o pipefail -c …`, `sh -ec …`), not only set in the script. */
function analyseScriptText(script: string, pipefail: boolean, errexitByShell: boolean): ScriptAnalysis {
  const model = readScript(script);
  // bash reads $'…' as one quoted word; sh (dash, on Debian-based kubectl images) reads `$` and a quote that ends
  // elsewhere, so the two shells see different commands.
  const dollarQuote = unquotedDollarQuote(model, script);
  // Inside "…`…`…" the shell drops the backslash of `\"` too, which this reader keeps: commands and text part otherwise.
  const quotedBackquote = /`[^`]*\\"[^`]*`/.exec(script);
  const problems = [
    ...model.problems,
    ...(dollarQuote === undefined ? [] : [{ line: script.slice(0, dollarQuote).split("\n").length, message: "`$'…'` quoting, which bash and sh (dash) read differently" }]),
    ...(quotedBackquote === null ? [] : [{ line: script.slice(0, quotedBackquote.index).split("\n").length, message: 'a `\\"` inside backquotes, which the shell reads otherwise within double quotes' }]),
  ];
  if (problems.length > 0) {
    const problem = problems[0] as { line: number; message: string };
    const mentions = /kubectl/.test(script) && /delete/.test(script);
    return {
      patched: script,
      deletes: 0,
      unsure: mentions ? [`line ${problem.line}: ${problem.message}, so fix-storage cannot tell commands from text`] : [],
      statusDecides: [],
      notReplaySafe: `line ${problem.line}: ${problem.message}`,
    };
  }
  const statusRead = readsStatus(model, script);
  // A trap on ERR, in either case, or on signals only known when it runs (`trap h $S`), or set through builtin/command.
  const errTrap = model.commands.some((command) => {
    const at = command.words[0]?.literal === "trap" ? 0 : ["builtin", "command"].includes(command.words[0]?.literal ?? "") && command.words[1]?.literal === "trap" ? 1 : -1;
    return at !== -1 && command.words.slice(at + 2).some((word) => word.literal === undefined || word.literal.toUpperCase() === "ERR");
  });
  const aliases = aliasNames(model);
  const wholeScript = scriptWideReason(model, script);
  const assignsKubectlDelete = model.commands.some((command) =>
    command.assignments.some((word) => {
      const text = script.slice(word.start, word.end);
      return /kubectl/.test(text) && /\bdelete\b/.test(text);
    }),
  );
  const waitsOnJobs = model.commands.some((command) => command.words[0]?.literal === "wait" && command.words.length > 1);
  // `set -e` (or errexit), however spelt: a failure then ends the shell it runs in.
  const errexit = errexitByShell || /\bset\s+(?:-[a-zA-Z]*e|-o\s+errexit|[-+][a-zA-Z]*\s+-[a-zA-Z]*e)|errexit/.test(script);
  const testedFunctions = functionsWhoseStatusDecides(model, statusRead, script, pipefail);
  const shadowed = model.functions.has("kubectl") || aliases.has("kubectl");
  const inserts: number[] = [];
  const unsure: string[] = [];
  const tested: string[] = [];
  let deletes = 0;
  let keptOff = false;
  let notReplaySafe: string | undefined;
  const unsafe = (line: number, why: string) => {
    notReplaySafe ??= `line ${line}: ${why}`;
  };

  for (const redirect of model.redirects) {
    const target = targetOf(redirect, script);
    if (/>/.test(redirect.operator) && !SAFE_REDIRECT_TARGETS.test(target)) unsafe(redirect.line, `\`${redirect.operator} ${target}\` writes a file`);
  }
  for (const command of model.commands) {
    const text = (word: Word) => script.slice(word.start, word.end);
    const shown = command.words.map(text).join(" ");
    const short = shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
    const resolved = resolve(command);
    if (resolved.kind === "none") continue;
    if (resolved.kind === "unknown") {
      unsafe(command.line, `\`${short}\` ${resolved.reason}`);
      // `CMD="kubectl delete x"; $CMD`: the words that run are in an assignment elsewhere in the script.
      if (mentionsDelete(command, script) || assignsKubectlDelete) unsure.push(`line ${command.line}: \`${short}\` ${resolved.reason}`);
      continue;
    }
    const { name, words, values } = resolved;
    if (isKubectlPath(name)) {
      if (shadowed) {
        unsafe(command.line, "the script defines its own kubectl (a function or an alias)");
        if (values.includes("delete")) unsure.push(`line ${command.line}: \`${short}\` calls the script's own kubectl function or alias`);
        continue;
      }
      const verb = subcommand(values.slice(1));
      if ("unknown" in verb) {
        unsafe(command.line, `\`${short}\`: ${verb.unknown}`);
        if (values.includes("delete") || values.includes(undefined)) unsure.push(`line ${command.line}: \`${short}\`: ${verb.unknown}`);
        continue;
      }
      if ("none" in verb) continue;
      const at = verb.index + 1;
      const value = values[at] as string;
      if (!isReplaySafeVerb(value, values[at + 1])) unsafe(command.line, `\`kubectl ${value}\` changes the cluster`);
      if (value !== "delete") continue;
      if (values.includes("--raw") || values.some((word) => word?.startsWith("--raw="))) {
        unsure.push(`line ${command.line}: \`${short}\` uses --raw`);
        continue;
      }
      deletes++;
      if (values.slice(at + 1).some(isExplicitlyOff)) keptOff = true;
      if (ignoresNotFound(values.slice(at + 1))) continue;
      if (command.unmappable) {
        unsure.push(`line ${command.line}: \`${short}\` is inside backquotes with escapes`);
        continue;
      }
      const decides = wholeScript
        ? wholeScript
        : statusRead
        ? "the script reads `$?`"
        : errTrap
          ? "an ERR trap runs when it fails"
          : ((command.statusTested && statusDecides(command.statusTested, script, model)) ??
            (command.inFunction !== undefined && testedFunctions.has(command.inFunction) ? `its function ${command.inFunction}'s status is tested` : undefined) ??
            (command.inFunction !== undefined ? functionUseLeaks(command.inFunction, model, script) : undefined) ??
            (command.statusTested === undefined && errexit && endsOnlyASubshell(command, model, script)
              ? "under `set -e` its failure may end only a subshell (a pipe, a substitution, the background, a function), after which the script runs on"
              : undefined) ??
            outputOrStatusLeaks(command, model, script, waitsOnJobs, pipefail));
      if (decides) {
        tested.push(`line ${command.line}: \`${short}\`'s exit status decides what runs next (${decides})`);
        continue;
      }
      inserts.push((words[at] as Word).end);
      continue;
    }
    if (model.functions.has(name)) continue; // its body is read as part of the script
    if (aliases.has(name)) {
      unsafe(command.line, `\`${name}\` is an alias`);
      if (mentionsDelete(command, script)) unsure.push(`line ${command.line}: \`${short}\` runs an alias`);
      continue;
    }
    if (name === "trap") {
      trapHandlers(command).forEach((handler) => {
        if (handler === undefined) unsafe(command.line, "a trap handler is only known when the script runs");
        else {
          const inner = analyseScript(handler);
          if (inner.notReplaySafe) unsafe(command.line, `its trap handler: ${inner.notReplaySafe}`);
          if (/kubectl/.test(handler) && /delete/.test(handler)) unsure.push(`line ${command.line}: a trap handler runs \`${handler.trim()}\``);
        }
      });
      continue;
    }
    if (name === "alias") continue;
    if (INTERPRETERS.has(name.split("/").pop() ?? name)) {
      unsafe(command.line, `\`${name}\` runs code fix-storage does not read`);
      // A shell given no -c and no file reads its commands from stdin, which a pipe may feed any text of the script.
      const fromStdin = isShell(name) && values.slice(1).every((value) => typeof value === "string" && value.startsWith("-") && !/^-[^-]*c/.test(value));
      if (/kubectl/.test(shown) || /kubectl/.test(hereDocumentText(model, script)) || (name === "eval" && assignsKubectlDelete) || (fromStdin && /kubectl/.test(script) && /delete/.test(script))) {
        unsure.push(`line ${command.line}: \`${short}\` runs shell code that may run kubectl delete`);
      }
      continue;
    }
    if (DATA_COMMANDS.has(name)) continue;
    if (AWK.has(name)) {
      const why = awkSideEffect(values.slice(1));
      if (why) unsafe(command.line, `\`${name}\` ${why}`);
      continue;
    }
    unsafe(command.line, `\`${name}\` is not known to be safe to run twice`);
    if (mentionsDelete(command, script)) unsure.push(`line ${command.line}: \`${short}\` may run kubectl delete`);
  }

  let patched = "";
  let from = 0;
  for (const at of inserts.sort((a, b) => a - b)) {
    patched += `${script.slice(from, at)} ${IGNORE_NOT_FOUND}`;
    from = at;
  }
  patched += script.slice(from);
  return { patched, deletes, unsure, statusDecides: tested, ...(notReplaySafe !== undefined && { notReplaySafe }), ...(keptOff && { keptOff: true as const }) };
}

/** Commands after `&&` or `||` that only print or end the script: which of them runs does not change what is done. */
const HARMLESS_FOLLOWERS = new Set(["true", ":", "echo", "printf", "logger"]);

/** Commands that only print what they find: a follower may run them in a substitution (`|| echo "$(date) failed"`). */
const QUIET_COMMANDS = new Set(["date", "hostname", "whoami", "id", "uname", "basename", "dirname", "pwd", "echo", "printf", "cat", "true"]);

/** Where a follower may write without changing what the script does: the terminal's streams, or nowhere. */
const HARMLESS_TARGETS = /^(?:\/dev\/(?:null|stdout|stderr)|&?[12])$/;

/**
 * How a delete's exit status decides what the script does (undefined when it only decides whether the Job fails,
 * which is the failure the flag is for): a condition, `!`, or `&&` / `||` before a command that does something.
 * `kubectl delete … || true`, `|| echo …` and `|| exit 1` stay editable; `|| exit 0` (which skips the rest),
 * `|| echo … > file`, `|| : ${x:=1}`, `|| x=1 :`, `|| printf -v x`, `|| echo "$(cmd)"` and `&& echo … | cmd` do not.
 */
function statusDecides(test: StatusTest, script: string, model: ScriptModel): string | undefined {
  if (test.by !== "&&" && test.by !== "||") return `\`${test.by}\``;
  const follower = test.follower;
  const name = follower?.words[0]?.literal;
  if (follower === undefined && test.by === "||" && test.followerGroup && onlyReportsAndFails(test.followerGroup, script, model)) return undefined;
  if (follower === undefined || name === undefined) return `\`${test.by}\``;
  // `exit` ends the script (failing as the delete did); `return` only leaves a function, and `exit` in a subshell only
  // the subshell: what comes after them runs on.
  if (name === "return") return `\`${test.by} return\` leaves only its function`;
  // `true` or `echo` may be a function of the script's own, or an alias (dash expands aliases in scripts).
  if (model.functions.has(name)) return `\`${test.by} ${name}\` runs the script's own function`;
  if (mayBeAlias(model, name)) return `\`${test.by} ${name}\` may run the script's own alias`;
  if (name === "exit" && follower.inSubshell) return `\`${test.by} exit\` ends only its subshell`;
  if (name === "exit" && endsOnlyASubshell(follower, model, script)) return `\`${test.by} exit\` may end only a subshell (a pipe, a substitution, the background, a function)`;
  const ends = test.by === "||" && name === "exit";
  if (!HARMLESS_FOLLOWERS.has(name) && !ends) return `\`${test.by} ${name}\``;
  // `|| exit` and `|| exit 3` fail as the delete did; `|| exit 0` (or an unknown status) may end the script as a success.
  const status = follower.words[1];
  if (ends && status !== undefined && (follower.words.length > 2 || !/^[1-9][0-9]*$/.test(status.literal ?? ""))) {
    return `\`${test.by} ${name} ${script.slice(status.start, status.end)}\` may end it as a success`;
  }
  if (follower.assignments.length > 0) return `\`${test.by}\` before a command that sets a variable`;
  const writes = follower.redirects.find((redirect) => !redirect.target || !HARMLESS_TARGETS.test(targetOf(redirect, script)));
  if (writes) return `\`${test.by} ${name}\` redirects its output (\`${writes.operator}\`)`;
  const args = follower.words.slice(1).map((word) => script.slice(word.start, word.end));
  if (args.some((arg) => /\$\{[^}]*[=?[]|\$\(\(|\$\[/.test(arg))) return `\`${test.by} ${name}\` assigns something in its arguments`;
  // `$(date)` only prints; a substitution running anything else does something whether or not the delete failed.
  const from = follower.words[1]?.start ?? Number.POSITIVE_INFINITY;
  const to = commandEnd(follower);
  const inner = Number.isFinite(from) ? commandsStartingWithin(from, to, model).filter((other) => other !== follower) : [];
  if (inner.some((other) => !QUIET_COMMANDS.has(other.words[0]?.literal ?? "") || other.redirects.length > 0 || other.assignments.length > 0)) {
    return `\`${test.by} ${name}\` runs a command in its arguments`;
  }
  if ((name === "true" || name === ":") && args.length > 0) return `\`${test.by} ${name}\` with arguments`;
  if (name === "printf" && args.some((arg) => arg === "-v")) return `\`${test.by} printf -v\` sets a variable`;
  if (pipedAfter(follower, script)) return `\`${test.by} ${name}\` feeds a pipe`;
  // What a printer prints must reach the terminal only: not a substitution, a group's file or pipe, or `exec > file`.
  if (PRINTERS.has(name) && (!printsToTerminal(follower, model, script) || execRedirects(model).some((redirect) => !redirect.target || !HARMLESS_TARGETS.test(targetOf(redirect, script))))) {
    return `\`${test.by} ${name}\`'s output is read or kept`;
  }
  // `… && echo ok || echo failed`: what the follower's own status decides must be harmless too.
  return follower.statusTested === undefined ? undefined : statusDecides(follower.statusTested, script, model);
}

/**
 * Whether `exit` there may end only a subshell, so that the script runs on: inside `( … )`, a pipeline, a command
 * substitution, a function (which may be called in one), or a script that runs anything in the background.
 */
function endsOnlyASubshell(command: SimpleCommand, model: ScriptModel, script: string): boolean {
  if (command.inSubshell || command.pipedBy !== undefined || command.inFunction !== undefined || insideSubstitution(command, model)) return true;
  // A pipe into a compound command (`… | while read x; do …; done`) runs its body in a subshell.
  return /(?:^|[^&|>])&(?![&>])/.test(script) || /(?:^|[^|])\|&?\s*(?:(?:while|until|for|select|if|case)\b|[{(])/.test(script);
}

/**
 * `|| { echo "cannot delete" >&2; exit 1; }`: a group of commands that only print to the terminal, then end the
 * script with a failing status, as `|| exit 1` does. Each print is held to what a single follower is.
 */
function onlyReportsAndFails(group: readonly SimpleCommand[], script: string, model: ScriptModel): boolean {
  const last = group[group.length - 1];
  const status = last?.words[1]?.literal ?? "";
  if (last === undefined || last.words[0]?.literal !== "exit" || last.words.length !== 2 || !/^[1-9][0-9]*$/.test(status) || endsOnlyASubshell(last, model, script)) return false;
  if (last.redirects.length > 0 || last.assignments.length > 0 || last.captured) return false;
  // The group's own redirections (`{ …; } > file`) are on each of its commands.
  const elsewhere = (command: SimpleCommand) => (command.enclosingRedirects ?? []).some((redirect) => !redirect.target || !HARMLESS_TARGETS.test(targetOf(redirect, script)));
  if (group.some(elsewhere)) return false;
  return group.slice(0, -1).every((command) => {
    const name = command.words[0]?.literal;
    if (name !== "echo" && name !== "printf") return false;
    if (command.captured || command.statusTested !== undefined) return false;
    // Judged as the follower of a `||` would be: printing only, nothing run in its arguments, no pipe.
    return statusDecides({ by: "||", follower: command }, script, model) === undefined;
  });
}

/** Where a simple command's text ends: its last word or redirection target. */
function commandEnd(command: SimpleCommand): number {
  let end = 0;
  for (const word of [...command.words, ...command.assignments]) end = Math.max(end, word.end);
  for (const redirect of command.redirects) if (redirect.target) end = Math.max(end, redirect.target.end);
  return end;
}

/** The operator right after a command on its line (`|`, `|&`, `&`, `;`…), or undefined. */
function operatorAfter(command: SimpleCommand, script: string): string | undefined {
  const end = commandEnd(command);
  return /^[ \t]*(\|\||\|&|\||&&|&|;)/.exec(script.slice(end, end + 80))?.[1];
}

function pipedAfter(command: SimpleCommand, script: string): boolean {
  const next = operatorAfter(command, script);
  return next === "|" || next === "|&";
}

/**
 * How a delete's failure may still be seen once the flag makes it succeed: its status read by `wait`, or as that of
 * the command a substitution holding it expands to; its error output in a file, a pipe or a substitution's result.
 */
function outputOrStatusLeaks(command: SimpleCommand, model: ScriptModel, script: string, waitsOnJobs: boolean, pipefail: boolean): string | undefined {
  const next = command.pipedBy ?? operatorAfter(command, script);
  if (next === "&" && waitsOnJobs) return "it runs in the background and `wait` reads its status";
  const start = command.words[0]?.start ?? 0;
  // Most deletes lie inside no other command's word: the index says so at once, and only the rest look for which.
  const outer = insideAWord(start, model)
    ? model.commands.find((other) => other !== command && [...other.words, ...other.assignments].some((word) => word.start < start && start < word.end))
    : undefined;
  const captured = outer !== undefined || command.captured === true;
  // Its status is the outer command's when it is all there is (`x=$(…)`) or names the command run (`$(…) || …`).
  const first = outer?.words[0];
  const givesStatus = first === undefined || (first.start < start && start < first.end);
  if (outer?.statusTested && givesStatus && statusDecides(outer.statusTested, script, model)) {
    return "the command substitution holding it gives its status to a tested command";
  }
  const stderr = errorOutput(command, script, execRedirects(model));
  if (stderr !== "terminal" && stderr !== "stdout" && !HARMLESS_TARGETS.test(stderr)) return `its error output goes to ${stderr}`;
  if (stderr === "stdout" && (captured || next === "|")) return "its error output is read (2>&1 into a pipe or a command substitution)";
  if (next === "|&") return "its error output feeds a pipe";
  if (next === "|" && (pipefail || /\bpipefail\b/.test(script) || setsUnknownOption(model))) return "it feeds a pipe under pipefail, whose status is then its own";
  return undefined;
}

/**
 * The redirections of every `exec` with no command (`exec 2>/tmp/err`, `command exec 2>…`) in the script: they change
 * where the shell's own output goes from there on, and one after the delete in a loop applies to its next pass, so
 * every one counts, wherever it is.
 */
function execRedirects(model: ScriptModel): Redirect[] {
  let found = execRedirectsOf.get(model);
  if (found === undefined) {
    found = model.commands
      .filter((other) => {
        const names = other.words.map((word) => word.literal);
        const [first, second] = names;
        return (names.length === 1 && first === "exec") || (names.length === 2 && (first === "command" || first === "builtin") && second === "exec");
      })
      .flatMap((other) => [...(other.enclosingRedirects ?? []), ...other.redirects]);
    // Asked for each delete and each print after one: found once per script.
    execRedirectsOf.set(model, found);
  }
  return found;
}

const execRedirectsOf = new WeakMap<ScriptModel, Redirect[]>();

/** `set -o "$1"`: an option only known when the script runs, which may be pipefail. */
function setsUnknownOption(model: ScriptModel): boolean {
  return model.commands.some(
    (command) => command.words[0]?.literal === "set" && command.words.some((word, i) => i > 1 && word.literal === undefined && /^[-+][A-Za-z]*o$/.test(command.words[i - 1]?.literal ?? "")),
  );
}

/** A redirection's target as the shell names it: quotes removed where the reader could (`2>"/dev/null"`). */
function targetOf(redirect: Redirect, script: string): string {
  return redirect.target ? (redirect.target.literal ?? script.slice(redirect.target.start, redirect.target.end)) : "";
}

/**
 * Where a command's error output goes: the terminal, stdout (`2>&1`, wherever that goes), or a file. The redirections
 * of an `exec` before it and of the compound commands around it apply first, outermost first, then its own.
 */
function errorOutput(command: SimpleCommand, script: string, before: readonly Redirect[] = []): string {
  let stdout = "terminal";
  let stderr = "terminal";
  for (const redirect of [...before, ...(command.enclosingRedirects ?? []), ...command.redirects]) {
    if (!redirect.target) continue;
    const target = targetOf(redirect, script);
    const { operator, fd } = redirect;
    if (operator === "&>" || operator === "&>>" || (operator === ">&" && fd === undefined && !/^[0-9-]+$/.test(target))) {
      stdout = target;
      stderr = target;
    } else if (operator === ">&") {
      // A copy of another descriptor (`2>&3`, one an exec opened on a file) goes wherever that one does.
      const copy = target === "1" ? (stdout === "terminal" ? "stdout" : stdout) : target === "2" ? stderr : target === "-" ? "terminal" : `descriptor ${target}`;
      if ((fd ?? 1) === 2) stderr = copy;
      else if ((fd ?? 1) === 1) stdout = copy === "stdout" ? "terminal" : copy;
    } else if (operator === ">" || operator === ">>" || operator === ">|" || operator === "<>") {
      // `2>/dev/stdout` is `2>&1` (and `2<>file` writes the file too), whatever the name says.
      const file = target === "/dev/stdout" || target === "/dev/fd/1" ? (stdout === "terminal" ? "stdout" : stdout) : target === "/dev/stderr" || target === "/dev/fd/2" ? stderr : target;
      if ((fd ?? (operator === "<>" ? 0 : 1)) === 2) stderr = file;
      else if ((fd ?? 1) === 1 && operator !== "<>") stdout = file === "stdout" ? "terminal" : file;
    }
  }
  return stderr;
}

/** Where a command's word holds `$'` outside quotes (bash's ANSI-C quoting, which dash reads as `$` and a quote). */
function unquotedDollarQuote(model: ScriptModel, script: string): number | undefined {
  for (const command of model.commands) {
    for (const word of [...command.words, ...command.assignments]) {
      const raw = script.slice(word.start, word.end);
      if (!raw.includes("$'")) continue;
      let quote: string | undefined;
      for (let i = 0; i < raw.length; i++) {
        const char = raw[i];
        if (quote === "'") {
          if (char === "'") quote = undefined;
        } else if (char === "\\") i++;
        else if (quote === '"') {
          if (char === '"') quote = undefined;
        } else if (char === "'" || char === '"') quote = char;
        else if (char === "$" && raw[i + 1] === "'") return word.start + i;
      }
    }
  }
  return undefined;
}

/** Commands whose use of `$?` only prints it. */
const PRINTERS = new Set(["echo", "printf", "logger"]);

/** Inside a command or process substitution: the parser's mark, or a word of another command that holds it. */
function insideSubstitution(command: SimpleCommand, model: ScriptModel): boolean {
  return command.captured === true || insideAWord(command.words[0]?.start ?? 0, model);
}

/**
 * Where a model's words lie, found once per script: a long script asks for every command whether a word of another
 * holds it, and a scan of every word each time cost its square (4,000 lines: 9 s).
 */
interface WordIndex {
  /** Every word's start, ascending, and the largest end among the words up to each. */
  starts: number[];
  endsSoFar: number[];
  /** Commands by their first word's start, ascending. */
  byStart: SimpleCommand[];
}

const wordIndexes = new WeakMap<ScriptModel, WordIndex>();

function wordIndex(model: ScriptModel): WordIndex {
  let index = wordIndexes.get(model);
  if (index === undefined) {
    const spans: Array<[number, number]> = [];
    for (const command of model.commands) for (const word of [...command.words, ...command.assignments]) spans.push([word.start, word.end]);
    spans.sort((a, b) => a[0] - b[0]);
    const starts: number[] = [];
    const endsSoFar: number[] = [];
    let most = -1;
    for (const [start, end] of spans) {
      most = Math.max(most, end);
      starts.push(start);
      endsSoFar.push(most);
    }
    const byStart = model.commands.filter((command) => command.words[0] !== undefined).sort((a, b) => (a.words[0]?.start ?? 0) - (b.words[0]?.start ?? 0));
    index = { starts, endsSoFar, byStart };
    wordIndexes.set(model, index);
  }
  return index;
}

/** The number of entries of an ascending list below `value`. */
function countBelow(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Whether a word of some command holds `at` strictly inside it. A command's own words never do: its first word
 * starts at `at`, its assignments end before it, and its other words start after it.
 */
function insideAWord(at: number, model: ScriptModel): boolean {
  const { starts, endsSoFar } = wordIndex(model);
  const below = countBelow(starts, at);
  return below > 0 && (endsSoFar[below - 1] as number) > at;
}

/** The commands whose first word starts after `from` and before `to`. */
function commandsStartingWithin(from: number, to: number, model: ScriptModel): SimpleCommand[] {
  const { byStart } = wordIndex(model);
  const found: SimpleCommand[] = [];
  let low = 0;
  let high = byStart.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((byStart[middle]?.words[0]?.start ?? 0) <= from) low = middle + 1;
    else high = middle;
  }
  for (let i = low; i < byStart.length && (byStart[i]?.words[0]?.start ?? 0) < to; i++) found.push(byStart[i] as SimpleCommand);
  return found;
}

/** A print of a printer command reaches the terminal alone: not a file, a pipe, a substitution or a variable. */
function printsToTerminal(command: SimpleCommand, model: ScriptModel, script: string): boolean {
  if (command.words.some((word) => word.literal === "-v")) return false;
  const redirects = [...(command.enclosingRedirects ?? []), ...command.redirects];
  if (redirects.some((redirect) => !redirect.target || !HARMLESS_TARGETS.test(targetOf(redirect, script)))) return false;
  const after = command.pipedBy ?? operatorAfter(command, script);
  if (after === "|" || after === "|&") return false;
  return !insideSubstitution(command, model);
}

/**
 * A construct whose effect on a delete's failure fix-storage does not follow, so no delete of the script is edited:
 * code run by `eval` or read from a file (`source`, `.`), and background commands a `wait PID` reads.
 */
function scriptWideReason(model: ScriptModel, script: string): string | undefined {
  const names = model.commands.map((command) => command.words[0]?.literal);
  if (names.includes("eval")) return "the script runs `eval`, whose commands fix-storage does not read";
  if (names.includes("source") || names.includes(".")) return "the script reads commands from a file (`source`, `.`)";
  // `wait PID` gives a background command's status (a bare `wait` gives 0), whatever runs it there: `( … ) &` too.
  const waitsForOne = model.commands.some((command) => command.words[0]?.literal === "wait" && command.words.length > 1);
  if (waitsForOne && /(?:^|[^&|>])&(?![&>])/.test(script)) return "commands run in the background and `wait` reads their status";
  return undefined;
}

/**
 * How a function's deletes may leak through its uses: its name anywhere but as a plain call (passed to another command,
 * `"$@"`, a variable), or a call with redirections, in a pipe, in the background, tested, or in a substitution.
 */
function functionUseLeaks(name: string, model: ScriptModel, script: string): string | undefined {
  const named = new RegExp(`(?:^|[^\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:[^\\w-]|$)`);
  for (const command of model.commands) {
    const uses = [...command.words.slice(1), ...command.assignments].filter((word) => named.test(script.slice(word.start, word.end)));
    if (uses.length > 0) return `its function ${name} is named where it is not simply called`;
    if (command.words[0]?.literal !== name) continue;
    const after = operatorAfter(command, script);
    const shaped = command.redirects.length > 0 || command.enclosingRedirects !== undefined || command.pipedBy !== undefined || after === "|" || after === "|&" || after === "&";
    if (shaped || command.statusTested !== undefined || insideSubstitution(command, model)) {
      return `a call of its function ${name} redirects, pipes, tests or captures what it does`;
    }
  }
  return undefined;
}

/**
 * Whether the script reads an exit status through `$?` or PIPESTATUS other than to print it to the terminal: that may
 * be any delete's, read anywhere after it.
 */
function readsStatus(model: ScriptModel, script: string): boolean {
  const printed = model.commands
    .filter((command) => !command.unmappable && PRINTERS.has(command.words[0]?.literal ?? "") && printsToTerminal(command, model, script))
    .flatMap((command) => command.words.slice(1));
  for (const match of script.matchAll(/\$\{?\?|PIPESTATUS/g)) {
    if (!printed.some((word) => word.start <= match.index && match.index < word.end)) return true;
  }
  return false;
}

/**
 * Functions whose exit status decides what the script does: a call is tested, or made inside such a function. Any
 * command of their bodies may give that status (the last one run does).
 */
function functionsWhoseStatusDecides(model: ScriptModel, statusRead: boolean, script: string, pipefail: boolean): Set<string> {
  const tested = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const command of model.commands) {
      const name = command.words[0]?.literal;
      if (name === undefined || !model.functions.has(name) || tested.has(name)) continue;
      const inTested = command.inFunction !== undefined && tested.has(command.inFunction);
      // A call whose error output goes to a file or a pipe, or whose status a pipe under pipefail takes, tells its
      // deletes' failures apart as a tested status does (`del 2>&1 | grep -q NotFound`).
      const leaks = outputOrStatusLeaks(command, model, script, false, pipefail) !== undefined;
      if (statusRead || inTested || leaks || (command.statusTested && statusDecides(command.statusTested, script, model))) {
        tested.add(name);
        grew = true;
      }
    }
  }
  return tested;
}

/** The command a simple command runs, through exec, env, timeout, xargs and the like. */
function resolve(command: SimpleCommand): Resolved {
  let words = command.words;
  for (;;) {
    const first = words[0];
    if (!first) return { kind: "none" };
    const name = first.literal;
    if (name === undefined || first.pattern) return { kind: "unknown", reason: "runs a command only known when the script runs" };
    const runner = RUNNERS[name];
    if (!runner) return { kind: "command", name, words, values: words.map(knownValue) };
    if (name === "command" && words.slice(1).some((word) => word.literal === "-v" || word.literal === "-V")) return { kind: "none" };
    let i = 1;
    let operands = runner.operands;
    while (i < words.length) {
      const word = words[i] as Word;
      const value = knownValue(word);
      if (value === undefined) return { kind: "unknown", reason: `passes an expansion to ${name}` };
      if (value === "--") {
        i++;
        break;
      }
      if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) {
        i++;
        continue;
      }
      if (!value.startsWith("-") || (value === "-" && name !== "env")) {
        if (operands > 0) {
          operands--;
          i++;
          continue;
        }
        break;
      }
      const option = value.includes("=") ? value.slice(0, value.indexOf("=")) : value;
      if (runner.valued.includes(option)) i += value.includes("=") ? 1 : 2;
      else if (runner.boolean.includes(value)) i++;
      else if (runner.valued.some((flag) => flag.length === 2 && value.startsWith(flag))) i++;
      else if (name === "nice" && /^-\d+$/.test(value)) i++;
      else if (name === "xargs" && /^-[ile]/.test(value)) i++;
      else return { kind: "unknown", reason: `passes ${name} an option fix-storage does not know (${value})` };
    }
    // xargs with no command runs echo.
    if (i >= words.length) return name === "xargs" ? { kind: "command", name: "echo", words: [], values: [] } : { kind: "none" };
    words = words.slice(i);
  }
}

function knownValue(word: Word): string | undefined {
  return word.pattern ? undefined : word.literal;
}

function mentionsDelete(command: SimpleCommand, script: string): boolean {
  const text = script.slice(command.words[0]?.start ?? 0, command.words[command.words.length - 1]?.end ?? 0);
  return /\bdelete\b/.test(text);
}

const aliasesOf = new WeakMap<ScriptModel, { names: Set<string>; unknown: boolean }>();

/** Whether the script defines an alias of that name, or one whose name is only known when it runs. */
function mayBeAlias(model: ScriptModel, name: string): boolean {
  let aliases = aliasesOf.get(model);
  if (aliases === undefined) {
    const defining = model.commands.filter((command) => command.words[0]?.literal === "alias");
    aliases = { names: aliasNames(model), unknown: defining.some((command) => command.words.slice(1).some((word) => word.literal === undefined)) };
    aliasesOf.set(model, aliases);
  }
  return aliases.unknown || aliases.names.has(name);
}

function aliasNames(model: ScriptModel): Set<string> {
  const names = new Set<string>();
  for (const command of model.commands) {
    if (command.words[0]?.literal !== "alias") continue;
    for (const word of command.words.slice(1)) {
      const match = /^([^=\s]+)=/.exec(word.literal ?? "");
      if (match) names.add(match[1] as string);
    }
  }
  return names;
}

/** The handlers a `trap` sets (undefined when a handler is an expansion); `trap -p`, `trap - SIG` set none. */
function trapHandlers(command: SimpleCommand): Array<string | undefined> {
  const args = command.words.slice(1);
  const first = args[0];
  if (!first || first.literal === "-p" || first.literal === "-l" || first.literal === "-") return [];
  if (first.literal === "--") return args[1] ? [args[1].literal] : [];
  if (args.length === 1) return [];
  return [first.literal];
}

function hereDocumentText(model: ScriptModel, script: string): string {
  return model.hereDocuments.map((doc) => script.slice(doc.bodyStart, doc.bodyEnd)).join("\n");
}
