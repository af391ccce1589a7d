/**
 * The `fix-storage` command. It only chooses input, options and output; all work happens in fixStream.
 * Contract: stdout is written only after everything succeeded; on any error stdout stays empty and the exit code is 2.
 */
import { fstatSync } from "node:fs";
import { type Config, parseConfigText } from "../config.js";
import { describeError, FixStorageError } from "../core/errors.js";
import { type FixOptions, type FixResult, fixStream, liveNamespacesFor } from "../fix-stream.js";
import { fluxPatches } from "../frontends/flux-patches.js";
import { runKrm, startsAsResourceList } from "../frontends/krm.js";
import { RULE_NAMES } from "../rules/rule.js";
import { parseVolumeNameFlag, type VolumeBinding } from "../rules/volume-name.js";
import { githubAnnotations } from "../views/annotations.js";
import { checkText } from "../views/check-text.js";
import { unifiedDiff } from "../views/diff.js";
import { explainAll, summaryLine } from "../views/explain.js";
import { buildReport } from "../views/report.js";
import { sarifLog } from "../views/sarif.js";
import { type CliArgs, parseCliArgs } from "./args.js";
import { helpFor, TERMINAL_HINT } from "./help.js";
import { type Input, isBlank, readConfigText, readInputs, type StdinSource, writeReportFile } from "./inputs.js";
import { appendLog, readStdin, readStdinChunks, writeOutcome } from "./io.js";
import { readLiveState } from "./live-source.js";
import { errorInPart, joinRender, renderLabel, splitRenderResult } from "./render-groups.js";
import { type EnvSettings, settingsFromEnvironment } from "./settings.js";
import { didYouMean } from "../core/suggest.js";
import { VERSION } from "./version.js";

export interface CliIo extends StdinSource {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** True when stdin is a terminal: a bare `fix-storage` then explains itself instead of waiting. */
  stdinIsTTY?: boolean;
}

export interface CliOutcome {
  code: 0 | 1 | 2;
  stdout: string;
  /**
   * stdout in parts (the fixed stream document by document), written without joining them into one string; bytes
   * are valid only until the next part is asked for (PipelineResult.outputParts).
   */
  stdoutParts?: Iterable<string | Uint8Array>;
  stderr: string[];
}

export async function runCli(io: CliIo): Promise<CliOutcome> {
  // The log first: settings the environment gives twice over are an error it must record too.
  let settings: EnvSettings = { enable: [], disable: [], volumeName: [], ...(io.env.FIX_STORAGE_LOG && { log: io.env.FIX_STORAGE_LOG }) };
  const stderr: string[] = [];
  const log: string[] = [];
  let outcome: CliOutcome;
  try {
    const args = parseCliArgs(io.argv);
    if (args.command === "help") return { code: 0, stdout: helpFor(helpTopic(args.files[0])), stderr };
    if (args.help) return { code: 0, stdout: helpFor(args.command), stderr };
    if (args.version || args.command === "version") return { code: 0, stdout: `fix-storage ${VERSION}\n`, stderr };
    if (readsStdin(args) && io.stdinIsTTY) return { code: 2, stdout: "", stderr: [TERMINAL_HINT] };
    settings = settingsFromEnvironment(io.env);
    const options = fixOptions(args, settings, io.env);
    outcome = await runCommand(args, options, io, stderr, settings.log ? log : undefined);
  } catch (error) {
    outcome = { code: 2, stdout: "", stderr: [...stderr, `fix-storage: ${describeError(error)}`] };
  }
  // FIX_STORAGE_LOG is asked for because stderr is lost (Helm 4): a log that cannot be written is an error.
  const logProblem = appendLog(settings.log, outcome.code === 2 || log.length === 0 ? outcome.stderr : log);
  if (logProblem) return { code: 2, stdout: "", stderr: [...outcome.stderr, `fix-storage: ${logProblem}`] };
  return outcome;
}

function helpTopic(word: string | undefined): CliArgs["command"] | undefined {
  if (word === undefined) return undefined;
  const commands = ["check", "diff", "flux-patches", "krm", "help", "version"] as const;
  if (word === "fix") return undefined;
  if ((commands as readonly string[]).includes(word)) return word as CliArgs["command"];
  const guess = didYouMean(word, commands);
  throw new FixStorageError(`help: unknown command ${JSON.stringify(word)}${guess ? `: did you mean ${JSON.stringify(guess)}?` : ""} (commands: fix, ${commands.join(", ")})`);
}

function readsStdin(args: CliArgs): boolean {
  return args.files.length === 0 || (args.files.length === 1 && args.files[0] === "-");
}

function fixOptions(args: CliArgs, settings: EnvSettings, env: Record<string, string | undefined>): FixOptions {
  const configPath = args.config ?? settings.config;
  // Flags win over the environment, setting by setting: a rule turned on or off by a flag, a target a flag binds.
  const fromFlags = args.volumeName.map(parseVolumeNameFlag);
  const fromEnvironment = settings.volumeName.map((text) => parseVolumeNameSetting(text, settings.volumeNameFrom));
  const boundByFlag = new Set(fromFlags.map(bindingTarget));
  const volumeNames = [...fromEnvironment.filter((binding) => !boundByFlag.has(bindingTarget(binding))), ...fromFlags];
  for (const name of settings.enable) checkRuleName(name, settings.enableFrom);
  for (const name of settings.disable) checkRuleName(name, settings.disableFrom);
  for (const name of [...args.enable, ...args.disable]) checkRuleName(name);
  const enable = [...settings.enable.filter((name) => !args.disable.includes(name)), ...args.enable];
  const disable = [...settings.disable.filter((name) => !args.enable.includes(name)), ...args.disable];
  return {
    ...(configPath !== undefined && { config: loadConfig(configPath) }),
    enable,
    disable,
    release: {
      name: args.releaseName ?? settings.releaseName,
      namespace: args.namespace ?? settings.namespace,
      // Messages name the variable a value came from, not a flag that was not given.
      ...(args.releaseName === undefined && settings.releaseNameFrom !== undefined && { nameFrom: settings.releaseNameFrom }),
      ...(args.namespace === undefined && settings.namespaceFrom !== undefined && { namespaceFrom: settings.namespaceFrom }),
    },
    environment: {
      ARGOCD_APP_NAME: env.ARGOCD_APP_NAME,
      ARGOCD_APP_NAMESPACE: env.ARGOCD_APP_NAMESPACE,
      HELM_NAMESPACE: env.HELM_NAMESPACE,
    },
    ...(volumeNames.length > 0 && { ruleOptions: { "volume-name": { bindings: volumeNames } } }),
    // Patches go into a HelmRelease and apply on every reconcile: --live cannot pin anything there.
    ...(args.command === "flux-patches" && { unpinned: "flux-patches" as const }),
  };
}

/** `from`: the variable a name came from, which the message then names. */
function checkRuleName(name: string, from?: string): void {
  if ((RULE_NAMES as readonly string[]).includes(name)) return;
  const guess = didYouMean(name, RULE_NAMES);
  throw new FixStorageError(
    `${from ? `${from}: ` : ""}unknown rule ${JSON.stringify(name)}${guess ? `: did you mean ${JSON.stringify(guess)}?` : ""} (rules are: ${RULE_NAMES.join(", ")})`,
  );
}

/** A binding from the environment: its errors name the variable, not the flag. */
function parseVolumeNameSetting(text: string, from: string | undefined): VolumeBinding {
  try {
    return parseVolumeNameFlag(text);
  } catch (error) {
    if (!(error instanceof FixStorageError) || from === undefined) throw error;
    throw new FixStorageError(error.message.replace(/^--volume-name /, `${from}: `));
  }
}

/** What a binding binds, however its PV differs: a flag's binding of it replaces the environment's. */
function bindingTarget(binding: VolumeBinding): string {
  return "claim" in binding ? `claim ${binding.namespace ?? ""}/${binding.claim}` : `template ${binding.namespace ?? ""}/${binding.statefulSet}/${binding.template}`;
}

function loadConfig(path: string): Config {
  return parseConfigText(readConfigText(path), path);
}

function withInput(error: unknown, label: string): unknown {
  if (error instanceof FixStorageError) return new FixStorageError(`${label}: ${describeError(error)}`);
  return error;
}

async function fixInput(input: Input, options: FixOptions): Promise<FixResult> {
  if (isBlank(input)) {
    throw new FixStorageError(`${input.label} is empty: there are no manifests to post-render`);
  }
  try {
    return await fixStream(input.documents, options);
  } catch (error) {
    throw input.label === "stdin" ? error : withInput(error, input.label);
  }
}

/** --live reads the cluster's state once, for the release namespace of the (first) input. */
function withLive(args: CliArgs, options: FixOptions, input: Input, env: Record<string, string | undefined>): FixOptions {
  if (args.liveMode !== undefined && args.live === undefined) throw new FixStorageError("--live-mode needs --live FILE or --live kubectl");
  if (args.live === undefined) return options;
  const mode = args.liveMode ?? "pin";
  if (mode !== "pin" && mode !== "fail") throw new FixStorageError(`--live-mode ${mode}: expected pin or fail`);
  const state = readLiveState(args.live, () => liveNamespacesFor(input.documents, options), env);
  return { ...options, live: { state, mode } };
}

/**
 * Whether the stream is a KRM ResourceList, without joining its documents: a ResourceList's kind in the stream's first
 * 4,096 characters and config.kubernetes.io/v1 in some document (documents are cut after a newline, so that name
 * never spans two of them).
 */
function isResourceListInput(input: Input): boolean {
  let head = "";
  for (const doc of input.documents) {
    if (head.length >= 4096) break;
    head += doc.text.slice(0, 4096 - head.length);
  }
  // A spooled document is read back only when the kind says the stream may be a ResourceList.
  return startsAsResourceList(head) && input.documents.some((doc) => doc.text.includes("config.kubernetes.io/v1"));
}

/** A KRM run's outcome; --report FILE gets the same report as the transform's. */
function krmOutcome(args: CliArgs, input: Input, run: Awaited<ReturnType<typeof runKrm>>): CliOutcome {
  if (args.report && args.report !== "-") writeReportFile(args.report, `${JSON.stringify(buildReport(run.result, VERSION, input.label), null, 2)}\n`);
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** `--report -` puts the report on stdout, which only `check` leaves free (it replaces the text there). */
function checkReportTarget(args: CliArgs): void {
  if (args.report !== "-") return;
  if (args.command !== "check") {
    throw new FixStorageError(
      `--report -: stdout holds the ${args.command === "diff" ? "diff" : "manifests"}; give a file (--report report.json), or use fix-storage check --report -`,
    );
  }
  if (args.output !== undefined && args.output !== "json" && args.output !== "text") {
    throw new FixStorageError(`--report - and --output ${args.output} both write to stdout: choose one`);
  }
}

/** `log`: where FIX_STORAGE_LOG's lines go, when it is set. */
async function runCommand(args: CliArgs, baseOptions: FixOptions, io: CliIo, stderr: string[], log: string[] | undefined): Promise<CliOutcome> {
  checkReportTarget(args);
  if (args.command === "krm") {
    // A ResourceList is read whole: spooling its text would only read it back.
    const [input] = await readInputs(args.files, io, { many: false, split: {} });
    return krmOutcome(args, input as Input, await runKrm((input as Input).text, baseOptions, (merged) => withLive(args, merged, input as Input, io.env)));
  }
  const inputs = await readInputs(args.files, io, { many: args.command === "check" || args.command === "diff" });
  const options = withLive(args, baseOptions, inputs[0] as Input, io.env);
  if (args.command === "fix" && isResourceListInput(inputs[0] as Input)) {
    return krmOutcome(args, inputs[0] as Input, await runKrm((inputs[0] as Input).text, options));
  }
  const results: Array<{ input: Input; result: FixResult }> = [];
  const done = new Set<Input>();
  for (const input of inputs) {
    if (done.has(input)) continue;
    // The files of one `helm template --output-dir` render run as one stream (check and diff read directories).
    const render = input.render === undefined ? [] : inputs.filter((other) => other.render === input.render);
    const joined = render.length > 1 ? joinRender(render, renderLabel(input.render as string)) : undefined;
    if (!joined) {
      results.push({ input, result: await fixInput(input, options) });
      continue;
    }
    let result: FixResult;
    try {
      result = await fixStream(joined.input.documents, options);
    } catch (error) {
      throw errorInPart(error, joined.parts, joined.input.label);
    }
    for (const part of render) done.add(part);
    results.push(...splitRenderResult(result, joined.parts));
  }
  // In the order of the files, as each file alone would be.
  results.sort((a, b) => inputs.indexOf(a.input) - inputs.indexOf(b.input));
  const report = () => {
    const reports = results.map(({ input, result }) => buildReport(result, VERSION, input.label));
    return `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
  };
  if (args.report && args.report !== "-") writeReportFile(args.report, report());

  switch (args.command) {
    case "fix": {
      const { result } = results[0] as { result: FixResult };
      // Explanations are written only where asked for: a large stream has hundreds of thousands of them.
      const lines = args.explain || log ? explainAll(result.changes, result.findings).map((line) => `fix-storage: ${line}`) : [];
      // Helm 4 discards stderr, so explanations also go to FIX_STORAGE_LOG when it is set.
      // Appended one by one: a spread of hundreds of thousands of lines would overflow the stack.
      if (log) {
        for (const line of lines) log.push(line);
        log.push(`fix-storage: ${summaryLine(result.changes, result.findings, result.documents)}`);
      }
      if (args.explain) for (const line of lines) stderr.push(line);
      // The stream is written document by document; `stdout` joins it only for a caller that reads it.
      return {
        code: 0,
        get stdout() {
          return result.output;
        },
        stdoutParts: result.outputParts,
        stderr,
      };
    }
    case "check": {
      // A warning is something to act on as much as a change is: CI must fail on it too. Info findings do not count.
      const actionable = results.some(
        ({ result }) => result.changes.length > 0 || result.findings.some((finding) => finding.severity !== "info"),
      );
      const code = actionable ? 1 : 0;
      if (args.report === "-" || args.output === "json") return { code, stdout: report(), stderr };
      if (args.output === "sarif") return { code, stdout: sarifLog(results, VERSION, args.chartDirs), stderr };
      if (args.output === "github") return { code, stdout: githubAnnotations(results, args.chartDirs), stderr };
      return { code, stdout: checkText(results), stderr };
    }
    case "diff": {
      const diff = results.map(({ input, result }) => unifiedDiff(result, input.label, input.text)).join("");
      if (args.explain) for (const { result } of results) for (const line of explainAll(result.changes, result.findings)) stderr.push(`fix-storage: ${line}`);
      return { code: diff === "" ? 0 : 1, stdout: diff, stderr };
    }
    case "flux-patches": {
      const { result } = results[0] as { result: FixResult };
      const stdout = fluxPatches(result);
      // The block carries only edits: what it leaves undone (a Job left alone, a claim to check) is said here.
      const shown = args.explain ? result.findings : result.findings.filter((finding) => finding.severity !== "info");
      for (const line of explainAll(args.explain ? result.changes : [], shown)) stderr.push(`fix-storage: ${line}`);
      return { code: 0, stdout, stderr };
    }
    default:
      throw new FixStorageError(`internal error: command ${args.command} has no runner`);
  }
}

/**
 * isatty(0), not process.stdin.isTTY: creating process.stdin would make a piped stdin non-blocking for readStdin.
 * node:tty loads the network modules, so it is loaded only when stdin is a character device (a terminal or
 * /dev/null), never for the pipe or file Helm and CI give.
 */
async function stdinIsTerminal(): Promise<boolean> {
  try {
    if (!fstatSync(0).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const { isatty } = await import("node:tty");
  return isatty(0);
}

export async function main(): Promise<void> {
  const outcome = await runCli({
    argv: process.argv.slice(2),
    env: process.env,
    readStdin,
    readStdinChunks,
    stdinIsTTY: await stdinIsTerminal(),
  });
  writeOutcome(outcome.stdoutParts ?? outcome.stdout, outcome.stderr, outcome.code);
}
