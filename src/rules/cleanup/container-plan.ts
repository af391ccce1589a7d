/**
 * What idempotent-cleanup does to one container: find the argv it runs (command, args, or the image's entrypoint), then
 * the real `kubectl … delete` in it, and plan the flag, the retry wrapper, and the findings.
 */
import type { Json } from "../../core/render.js";
import type { ContainerView } from "../workloads.js";
import { entrypointOf } from "./kubectl-images.js";
import { execInsertIndex, IGNORE_NOT_FOUND, ignoresNotFound, isExplicitlyOff, isKubectlPath, subcommand } from "./kubectl-command.js";
import { analyseScript } from "./script-analysis.js";
import { isRetryWrapped, RETRY_NAME, scriptIndex, wrapInRetries } from "./shell-invocation.js";

/** What scripts fixed by earlier versions of this rule start with; they are left as they are. */
const OLD_WRAP_MARKER = "# fix-storage idempotent-cleanup:";

export interface CleanupSettings {
  retries: number;
  delaySeconds: number;
  kubectlImages: readonly string[];
}

export interface ContainerPlan {
  edits: Array<{ op: "set" | "append"; path: Array<string | number>; value: Json; reason: string }>;
  findings: Array<{ severity: "info" | "warning"; message: string }>;
  /** Real kubectl deletes the container runs (fixed here or already idempotent). */
  deletes: number;
}

/** One of the container's argv fields, and where its first word sits in the argv. */
interface Field {
  path: Array<string | number>;
  from: number;
  list: string[];
}

/** The argv a container runs, split over the fields that hold it. */
class Argv {
  readonly words: string[];

  constructor(readonly fields: Field[], entrypoint?: string) {
    this.words = [...(entrypoint === undefined ? [] : [entrypoint]), ...fields.flatMap((field) => field.list)];
  }

  /** The field holding argv word `index`. */
  fieldOf(index: number): Field {
    return this.fields.filter((field) => field.from <= index).pop() as Field;
  }
}

export function planContainer(container: ContainerView, settings: CleanupSettings): ContainerPlan {
  const result: ContainerPlan = { edits: [], findings: [], deletes: 0 };
  const name = String(container.value.name ?? "");
  const command = stringList(container.value.command);
  const args = stringList(container.value.args);
  // null is no command to Kubernetes, as absent is; any other value that is no list of strings is left alone.
  if ((container.value.command != null && !command) || (container.value.args != null && !args)) return result;
  const field = (key: "command" | "args", from: number, list: string[]): Field => ({ path: [...container.path, key], from, list });
  let argv: Argv;
  if (command) {
    argv = new Argv([field("command", 0, command), ...(args ? [field("args", command.length, args)] : [])]);
  } else if (args) {
    const entrypoint = entrypointOf(container.value.image, settings.kubectlImages);
    if (entrypoint === "kubectl") {
      argv = new Argv([field("args", 1, args)], "kubectl");
    } else {
      argv = new Argv([field("args", 0, args)]);
      const verb = subcommand(args);
      if (entrypoint === undefined && "index" in verb && args[verb.index] === "delete" && !ignoresNotFound(args)) {
        result.findings.push({
          severity: "warning",
          message: `container ${name} sets only args (${args.slice(0, verb.index + 1).join(" ")} …), as if image ${String(container.value.image ?? "(none)")} ran kubectl; fix-storage does not know that image's entrypoint, so it changes nothing. If its entrypoint is kubectl, list its repository in idempotent-cleanup's kubectlImages option`,
        });
        return result;
      }
    }
  } else {
    return result;
  }

  const words = argv.words;
  if (isRetryWrapped(words)) {
    // Wrapped by an earlier run: only count its deletes, so the delete policy is still checked.
    const inner = words.slice(4);
    const script = scriptIndex(inner);
    if (script !== -1) result.deletes += analyseScript(inner[script] as string).deletes;
    else if (isKubectlPath(inner[0] ?? "")) result.deletes += kubectlDelete(inner) ? 1 : 0;
    return result;
  }
  const script = scriptIndex(words);
  if (script !== -1) planScript(argv, script, name, settings, result, container.value);
  else if (isKubectlPath(words[0] ?? "")) planExec(argv, name, result, container.value);
  else if (words.some((word, i) => isKubectlPath(word) && words.slice(i + 1).includes("delete")) || mentionsKubectlDelete(words.join(" "))) {
    // `env kubectl delete …`, `tini -- kubectl delete …`: the wrapper's own flags are unknown, so nothing is edited.
    result.findings.push({
      severity: "warning",
      message: `container ${name} runs kubectl through ${words[0]}, so fix-storage cannot tell where kubectl's delete and its flags are, or whether it runs; if it deletes, add ${IGNORE_NOT_FOUND} to it in the chart`,
    });
  }
  return result;
}

/** Text that names kubectl and delete, however it would run them (a wrapper's `sh -c`, a variable). */
function mentionsKubectlDelete(text: string): boolean {
  return /kubectl/.test(text) && /\bdelete\b/.test(text);
}

/** Index of `delete` when `argv` is `kubectl [global flags] delete …`. */
function kubectlDelete(argv: readonly string[]): number | undefined {
  const verb = subcommand(argv.slice(1));
  return "index" in verb && argv[verb.index + 1] === "delete" ? verb.index + 1 : undefined;
}

function planScript(argv: Argv, index: number, name: string, settings: CleanupSettings, result: ContainerPlan, container: Record<string, unknown>): void {
  const text = argv.words[index] as string;
  if (text.startsWith(OLD_WRAP_MARKER)) {
    result.deletes += /kubectl/.test(text) && /delete/.test(text) ? 1 : 0;
    return;
  }
  // What Kubernetes puts in place of $(NAME) before the shell reads the script may be commands of its own.
  // A value of plain words (a name, a namespace, a number) is read as written there; anything else may be syntax.
  const hidden = kubernetesExpansions(text, container).filter(({ value }) => value === undefined || !/^[\w./:=,+@%-]*$/.test(value));
  if (hidden.length > 0 && (/kubectl/.test(text) || hidden.some(({ value }) => value !== undefined))) {
    result.deletes += analyseScript(text).deletes;
    const names = hidden.map(({ name: variable, value }) => `$(${variable})${value === undefined ? " (set from a ConfigMap, a Secret or envFrom)" : ""}`);
    result.findings.push({
      severity: "warning",
      message: `container ${name}: Kubernetes replaces ${names.join(", ")} in its script with the container's environment before the shell reads it, so fix-storage cannot tell what the script runs, and leaves it as written; if it deletes, add ${IGNORE_NOT_FOUND} to it in the chart`,
    });
    return;
  }
  // The shell's own options come before the script: `bash -o pipefail -c …` (`-eo pipefail`, `-o` `pipefail`).
  // `+o pipefail` turns it off; bash also takes it from SHELLOPTS in the environment.
  // Kubernetes fills the shell's own words in too (`-o $(OPTION)`): an unknown value may be pipefail.
  const options = argv.words.slice(1, index).map((word) => expandedScript(word, container));
  const env = Array.isArray(container.env) ? container.env : [];
  const setting = (name: string) => env.find((item) => typeof item === "object" && item !== null && (item as Record<string, unknown>).name === name) as Record<string, unknown> | undefined;
  const shellopts = setting("SHELLOPTS");
  const bash = /(?:^|\/)bash$/.test(argv.words[0] ?? "");
  // bash takes options from SHELLOPTS, and envFrom may set it; it runs the file BASH_ENV names before the script.
  const fromEnvironment =
    (shellopts !== undefined && (typeof shellopts.value !== "string" || shellopts.value.split(":").includes("pipefail"))) ||
    (bash && Array.isArray(container.envFrom) && container.envFrom.length > 0);
  if (bash && setting("BASH_ENV") !== undefined && /kubectl/.test(text)) {
    result.deletes += analyseScript(text).deletes;
    result.findings.push({
      severity: "warning",
      message: `container ${name}: bash runs the file BASH_ENV names before its script, which fix-storage does not read, so the script is left as written; if it deletes, add ${IGNORE_NOT_FOUND} to it in the chart`,
    });
    return;
  }
  const pipefail =
    fromEnvironment || options.some((word, i) => (word === "pipefail" || word === PLAIN_WORD) && /^-[A-Za-z]*o[A-Za-z]*$/.test(options[i - 1] ?? ""));
  // `sh -ec …`, `bash -o errexit -c …`, or errexit in SHELLOPTS: a failure ends the shell it runs in.
  const errexit =
    (shellopts !== undefined && (typeof shellopts.value !== "string" || shellopts.value.split(":").includes("errexit"))) ||
    options.some((word, i) => /^-[A-Za-z]*e[A-Za-z]*$/.test(word) || ((word === "errexit" || word === PLAIN_WORD) && /^-[A-Za-z]*o[A-Za-z]*$/.test(options[i - 1] ?? "")));
  const analysis = analyseScript(text, { pipefail, errexit });
  // The script as the shell gets it, with Kubernetes' values in place: it must read as safely as the one written
  // (`set -o $(OPTION)` with OPTION=pipefail is a pipefail the text does not show).
  const asRun = expandedScript(text, container);
  if (asRun !== text) {
    const run = analyseScript(asRun, { pipefail, errexit });
    if (run.deletes !== analysis.deletes || run.statusDecides.length > analysis.statusDecides.length || run.unsure.length > analysis.unsure.length) {
      result.deletes += analysis.deletes;
      result.findings.push({
        severity: "warning",
        message: `container ${name}: with the values Kubernetes puts in place of its $(NAME) references, its script reads otherwise than as written, so fix-storage leaves it as written; if it deletes, add ${IGNORE_NOT_FOUND} to it in the chart`,
      });
      return;
    }
  }
  result.deletes += analysis.deletes;
  if (analysis.keptOff) result.findings.push(explicitlyOffFinding(name));
  for (const place of analysis.unsure) {
    result.findings.push({
      severity: "warning",
      message: `container ${name}: ${place}, so fix-storage cannot tell whether it deletes; if it does, add --ignore-not-found to it in the chart`,
    });
  }
  for (const place of analysis.statusDecides) {
    result.findings.push({
      severity: "warning",
      message: `container ${name}: ${place}, and --ignore-not-found would change what runs when the object is missing, so it is left as written; if it should not fail then, change the script in the chart`,
    });
  }
  if (analysis.patched === text) return;
  const scriptField = argv.fieldOf(index);
  const shellField = argv.fieldOf(0);
  const retried = settings.retries > 0 && analysis.notReplaySafe === undefined;
  if (retried) {
    const list = shellField.list.map((word, i) => (shellField.from + i === index ? analysis.patched : word));
    result.edits.push({
      op: "set",
      path: shellField.path,
      value: wrapInRetries(list, settings.retries, settings.delaySeconds),
      reason: `container ${name} runs kubectl delete, which fails when a retry finds the object gone: added ${IGNORE_NOT_FOUND}, and the command, unchanged otherwise, now runs as the argument of ${RETRY_NAME}, retried up to ${settings.retries} times ${settings.delaySeconds}s apart`,
    });
    if (scriptField === shellField) return;
  }
  result.edits.push({
    op: "set",
    path: [...scriptField.path, index - scriptField.from],
    value: analysis.patched,
    reason: `container ${name} runs kubectl delete, which fails when a retry finds the object gone: added ${IGNORE_NOT_FOUND}`,
  });
  if (!retried && settings.retries > 0) {
    result.findings.push({
      severity: "info",
      message: `container ${name}: its script is not retried, because ${analysis.notReplaySafe}; only ${IGNORE_NOT_FOUND} was added`,
    });
  }
}

function planExec(argv: Argv, name: string, result: ContainerPlan, container: Record<string, unknown>): void {
  const words = argv.words;
  // Kubernetes fills `$(NAME)` in from the container's environment before kubectl runs (`$(FLAGS)` may be
  // --ignore-not-found=false, or a verb); a name it has no value for stays as written.
  const filled = words.flatMap((word) => kubernetesExpansions(word, container));
  if (filled.length > 0 && (words.includes("delete") || filled.some(({ value }) => value === undefined || /delete/.test(value)))) {
    if (words.includes("delete")) result.deletes++;
    result.findings.push({
      severity: "warning",
      message: `container ${name} runs ${words.slice(0, 4).join(" ")} …, whose $(NAME) references Kubernetes fills in from the container's environment before kubectl runs, so fix-storage cannot tell what it does, and leaves it as written; if it deletes, add ${IGNORE_NOT_FOUND} to it in the chart`,
    });
    return;
  }
  const verbIndex = kubectlDelete(words);
  if (verbIndex === undefined) {
    const verb = subcommand(words.slice(1));
    if ("unknown" in verb && words.includes("delete")) {
      result.findings.push({
        severity: "warning",
        message: `container ${name} runs ${words.slice(0, 4).join(" ")} …: ${verb.unknown}, so fix-storage cannot tell whether it deletes; if it does, add ${IGNORE_NOT_FOUND} to it in the chart`,
      });
    }
    return;
  }
  result.deletes++;
  if (ignoresNotFound(words.slice(verbIndex + 1))) {
    if (words.slice(verbIndex + 1).some(isExplicitlyOff)) result.findings.push(explicitlyOffFinding(name));
    return;
  }
  const insertAt = execInsertIndex(words, verbIndex);
  const reason = `container ${name} runs kubectl delete, which fails when a retry finds the object gone: added ${IGNORE_NOT_FOUND}`;
  if (insertAt === words.length) {
    const last = argv.fields[argv.fields.length - 1] as Field;
    result.edits.push({ op: "append", path: last.path, value: IGNORE_NOT_FOUND, reason });
    return;
  }
  // Before `--`: the field holding the `--` gets the flag in its place.
  const field = argv.fieldOf(insertAt);
  const offset = insertAt - field.from;
  result.edits.push({
    op: "set",
    path: field.path,
    value: [...field.list.slice(0, offset), IGNORE_NOT_FOUND, ...field.list.slice(offset)],
    reason: `${reason} before --`,
  });
}

/**
 * The `$(NAME)` references Kubernetes expands in a container's command and args (`$$` is its escape for `$`), with the
 * value each gets: the container's env `value`, undefined where it comes from a ConfigMap, a Secret or envFrom. A
 * field of the pod or a resource (a name, a number) runs nothing, and a name set nowhere is left as written.
 */
export function kubernetesExpansions(text: string, container: Record<string, unknown>): Array<{ name: string; value: string | undefined }> {
  const env = Array.isArray(container.env) ? container.env.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];
  const fromElsewhere = Array.isArray(container.envFrom) && container.envFrom.length > 0;
  const found: Array<{ name: string; value: string | undefined }> = [];
  for (const match of text.matchAll(/(\$+)\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g)) {
    if ((match[1] as string).length % 2 === 0) continue;
    const variable = match[2] as string;
    const set = env.filter((item) => item.name === variable).pop();
    if (set === undefined) {
      if (fromElsewhere) found.push({ name: variable, value: undefined });
      continue;
    }
    if (typeof set.value === "string") found.push({ name: variable, value: set.value });
    else if (typeof set.valueFrom === "object" && set.valueFrom !== null) {
      const from = set.valueFrom as Record<string, unknown>;
      const fieldPath = typeof from.fieldRef === "object" && from.fieldRef !== null ? (from.fieldRef as Record<string, unknown>).fieldPath : undefined;
      // A pod's name, namespace, node or IPs, or a resource quantity, is a plain word; its labels and annotations hold anything.
      const plain = ("fieldRef" in from && typeof fieldPath === "string" && !/^metadata\.(?:labels|annotations)/.test(fieldPath)) || "resourceFieldRef" in from;
      found.push({ name: variable, value: plain ? PLAIN_WORD : undefined });
    }
  }
  return found;
}

/** What a pod field or resource reference stands for in a script: a word, whatever its letters. */
const PLAIN_WORD = "value";

/**
 * The script as the shell gets it: Kubernetes turns `$$` into `$` (so `$$(cmd)` is a command substitution there) and
 * puts values in place of its `$(NAME)` references; a name it has no value for stays as written.
 */
function expandedScript(text: string, container: Record<string, unknown>): string {
  if (!text.includes("$")) return text;
  const values = new Map(kubernetesExpansions(text, container).map(({ name, value }) => [name, value ?? PLAIN_WORD]));
  // Left to right, as Kubernetes reads it: `$$` is one `$`, `$(NAME)` a reference, any other `$` itself.
  return text.replace(/\$(?:(\$)|\(([-._a-zA-Z][-._a-zA-Z0-9]*)\))?/g, (match, dollar: string | undefined, variable: string | undefined) => {
    if (dollar !== undefined) return "$";
    return variable === undefined ? match : (values.get(variable) ?? match);
  });
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

function explicitlyOffFinding(name: string): { severity: "warning"; message: string } {
  return {
    severity: "warning",
    message: `container ${name} passes ${IGNORE_NOT_FOUND}=false, so its delete fails when a retry finds the object gone; fix-storage keeps an explicit choice: drop =false in the chart if the hook should be idempotent`,
  };
}
