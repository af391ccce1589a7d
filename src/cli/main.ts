/**
 * The `fix-storage` command. It only chooses input, options and output; all work happens in fixStream.
 * Contract: stdout is written once, after everything succeeded; on any error stdout stays empty and the exit code is 2.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type Config, parseConfigText } from "../config.js";
import { describeError, FixStorageError } from "../core/errors.js";
import { decodeInput } from "../core/text.js";
import { type FixOptions, type FixResult, fixStream, releaseFor } from "../fix-stream.js";
import { fluxPatches } from "../frontends/flux-patches.js";
import { isResourceList, runKrm } from "../frontends/krm.js";
import { parseVolumeNameFlag } from "../rules/volume-name.js";
import { explainAll, summaryLine } from "../views/explain.js";
import { unifiedDiff } from "../views/diff.js";
import { buildReport } from "../views/report.js";
import { type CliArgs, parseCliArgs } from "./args.js";
import { HELP } from "./help.js";
import { readLiveState } from "./live-source.js";
import { appendLog, readFileBytes, readStdin } from "./io.js";
import { type EnvSettings, settingsFromEnvironment } from "./settings.js";
import { VERSION } from "./version.js";

export interface CliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  readStdin(): Promise<Uint8Array>;
}

export interface CliOutcome {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string[];
}

export async function runCli(io: CliIo): Promise<CliOutcome> {
  const settings = settingsFromEnvironment(io.env);
  const stderr: string[] = [];
  try {
    const args = parseCliArgs(io.argv);
    if (args.help) return { code: 0, stdout: HELP, stderr };
    if (args.version) return { code: 0, stdout: `fix-storage ${VERSION}\n`, stderr };
    const options = fixOptions(args, settings, io.env);
    const log: string[] = [];
    const outcome = await runCommand(args, options, io, stderr, log);
    appendLog(settings.log, log.length > 0 ? log : stderr);
    return outcome;
  } catch (error) {
    const message = `fix-storage: ${describeError(error)}`;
    appendLog(settings.log, [...stderr, message]);
    return { code: 2, stdout: "", stderr: [...stderr, message] };
  }
}

function fixOptions(args: CliArgs, settings: EnvSettings, env: Record<string, string | undefined>): FixOptions {
  const configPath = args.config ?? settings.config;
  const volumeNames = [...settings.volumeName, ...args.volumeName].map(parseVolumeNameFlag);
  return {
    ...(configPath !== undefined && { config: loadConfig(configPath) }),
    enable: [...settings.enable, ...args.enable],
    disable: [...settings.disable, ...args.disable],
    release: { name: args.releaseName ?? settings.releaseName, namespace: args.namespace ?? settings.namespace },
    environment: {
      ARGOCD_APP_NAME: env.ARGOCD_APP_NAME,
      ARGOCD_APP_NAMESPACE: env.ARGOCD_APP_NAMESPACE,
      HELM_NAMESPACE: env.HELM_NAMESPACE,
    },
    ...(volumeNames.length > 0 && { ruleOptions: { "volume-name": { bindings: volumeNames } } }),
  };
}

function loadConfig(path: string): Config {
  if (!existsSync(path)) throw new FixStorageError(`config file ${path} does not exist`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new FixStorageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigText(text, path);
}

interface Input {
  label: string;
  text: string;
}

async function readInputs(args: CliArgs, io: CliIo): Promise<Input[]> {
  if (args.files.length === 0 || (args.files.length === 1 && args.files[0] === "-")) {
    return [{ label: "stdin", text: decodeInput(await io.readStdin()) }];
  }
  return args.files.map((file) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileBytes(file);
    } catch (error) {
      throw new FixStorageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      return { label: file, text: decodeInput(bytes) };
    } catch (error) {
      throw withInput(error, file);
    }
  });
}

function withInput(error: unknown, label: string): unknown {
  if (error instanceof FixStorageError) return new FixStorageError(`${label}: ${describeError(error)}`);
  return error;
}

async function fixInput(input: Input, options: FixOptions): Promise<FixResult> {
  if (input.text.trim() === "") {
    throw new FixStorageError(`${input.label} is empty: there are no manifests to post-render`);
  }
  try {
    return await fixStream(input.text, options);
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
  const state = readLiveState(args.live, () => releaseFor(input.text, options).namespace, env);
  return { ...options, live: { state, mode } };
}

async function runCommand(args: CliArgs, baseOptions: FixOptions, io: CliIo, stderr: string[], log: string[]): Promise<CliOutcome> {
  if (args.command === "krm") {
    const [input] = await readInputs(args, io);
    return runKrm((input as Input).text, baseOptions);
  }
  const inputs = await readInputs(args, io);
  const options = withLive(args, baseOptions, inputs[0] as Input, io.env);
  if (args.command === "fix" && isResourceList((inputs[0] as Input).text)) {
    return runKrm((inputs[0] as Input).text, options);
  }
  const results: Array<{ input: Input; result: FixResult }> = [];
  for (const input of inputs) results.push({ input, result: await fixInput(input, options) });
  if (args.report) writeReport(args.report, results);

  switch (args.command) {
    case "fix": {
      const { result } = results[0] as { result: FixResult };
      const lines = explainAll(result.changes, result.findings).map((line) => `fix-storage: ${line}`);
      // Helm 4 discards stderr, so explanations also go to FIX_STORAGE_LOG when it is set.
      // Appended one by one: a spread of hundreds of thousands of lines would overflow the stack.
      for (const line of lines) log.push(line);
      log.push(`fix-storage: ${summaryLine(result.changes, result.findings, result.documents)}`);
      if (args.explain) for (const line of lines) stderr.push(line);
      return { code: 0, stdout: result.output, stderr };
    }
    case "check": {
      const lines: string[] = [];
      let changed = false;
      for (const { input, result } of results) {
        changed ||= result.changes.length > 0;
        lines.push(`${input.label}: ${summaryLine(result.changes, result.findings, result.documents)}`);
        for (const line of explainAll(result.changes, result.findings)) lines.push(`  ${line}`);
      }
      return { code: changed ? 1 : 0, stdout: `${lines.join("\n")}\n`, stderr };
    }
    case "diff": {
      const diff = results.map(({ input, result }) => unifiedDiff(result, input.label)).join("");
      return { code: diff === "" ? 0 : 1, stdout: diff, stderr };
    }
    case "flux-patches": {
      const { result } = results[0] as { result: FixResult };
      return { code: 0, stdout: fluxPatches(result), stderr };
    }
  }
}

function writeReport(path: string, results: Array<{ input: Input; result: FixResult }>): void {
  const reports = results.map(({ input, result }) => buildReport(result, VERSION, input.label));
  const data = reports.length === 1 ? reports[0] : reports;
  try {
    writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  } catch (error) {
    throw new FixStorageError(`cannot write report ${path}: ${(error as Error).message}`);
  }
}

export async function main(): Promise<void> {
  const outcome = await runCli({ argv: process.argv.slice(2), env: process.env, readStdin });
  // A reader that went away (EPIPE) ends the process quietly; otherwise Node exits once both streams drained.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(outcome.code);
      throw error;
    });
  }
  process.exitCode = outcome.code;
  if (outcome.stderr.length > 0) process.stderr.write(`${outcome.stderr.join("\n")}\n`);
  if (outcome.stdout !== "") process.stdout.write(outcome.stdout);
}
