import { parseArgs } from "node:util";
import { FixStorageError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";

export const COMMANDS = ["fix", "check", "diff", "flux-patches", "krm", "help", "version"] as const;
export type Command = (typeof COMMANDS)[number];

/** What `check` writes on stdout: text for people, json as --report, sarif for code scanning, github annotations. */
export const OUTPUT_FORMATS = ["text", "json", "sarif", "github"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CliArgs {
  command: Command;
  files: string[];
  config?: string;
  releaseName?: string;
  namespace?: string;
  enable: string[];
  disable: string[];
  volumeName: string[];
  explain: boolean;
  report?: string;
  output?: OutputFormat;
  /** `--chart-dir DIR` or `NAME=DIR`: where the charts named in `# Source:` lines live, for sarif and github output. */
  chartDirs: string[];
  live?: string;
  liveMode?: string;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  config: { type: "string" },
  "release-name": { type: "string" },
  namespace: { type: "string", short: "n" },
  enable: { type: "string", multiple: true },
  disable: { type: "string", multiple: true },
  "volume-name": { type: "string", multiple: true },
  explain: { type: "boolean" },
  report: { type: "string" },
  output: { type: "string", short: "o" },
  "chart-dir": { type: "string", multiple: true },
  live: { type: "string" },
  "live-mode": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const OPTION_NAMES = Object.keys(OPTIONS).map((name) => `--${name}`);

/** Options that only some commands take: given to another, they are refused rather than ignored. */
const COMMAND_OPTIONS: Record<string, { commands: readonly Command[]; why: (command: Command) => string }> = {
  "chart-dir": { commands: ["check"], why: () => "it places sarif and github annotations in the chart's files" },
  explain: {
    commands: ["fix", "diff", "flux-patches"],
    why: (command) => (command === "krm" ? "the ResourceList's results hold every change and finding" : "its output explains every change and finding already"),
  },
  live: { commands: ["fix", "check", "diff", "krm"], why: () => "Flux applies the patches to every later render, while the live state is read once, now" },
  "live-mode": { commands: ["fix", "check", "diff", "krm"], why: () => "Flux applies the patches to every later render, while the live state is read once, now" },
};

function listed(commands: readonly string[]): string {
  return commands.length === 1 ? (commands[0] as string) : `${commands.slice(0, -1).join(", ")} and ${commands[commands.length - 1]}`;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new FixStorageError(`${unknownOptionHint((error as Error).message)} (see fix-storage --help)`);
  }
  const { values, positionals } = parsed;
  let command: Command = "fix";
  let files = positionals;
  // `fix` may be named (fix-storage fix < in.yaml), though the transform needs no command.
  if (positionals[0] !== undefined && (COMMANDS as readonly string[]).includes(positionals[0])) {
    command = positionals[0] as Command;
    files = positionals.slice(1);
  }
  // `-` is stdin, which the transform reads anyway.
  if (command === "fix" && files.length > 0 && !(files.length === 1 && files[0] === "-") && !values.help && !values.version) {
    const first = files[0] as string;
    const guess = didYouMean(first, COMMANDS);
    throw new FixStorageError(
      guess
        ? `unknown command ${JSON.stringify(first)}: did you mean ${JSON.stringify(guess)}? (commands: ${commandList()})`
        : `unexpected argument ${JSON.stringify(first)}: the transform reads stdin; to read files use fix-storage check|diff FILE (commands: ${commandList()})`,
    );
  }
  const output = values.output;
  if (output !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    const guess = didYouMean(output, OUTPUT_FORMATS);
    throw new FixStorageError(`--output ${output}: expected one of ${OUTPUT_FORMATS.join(", ")}${guess ? ` (did you mean ${guess}?)` : ""}`);
  }
  // An empty value is most often an unset variable (`--release-name=$RELEASE`): taken as absent, another source would
  // name the release instead, silently.
  for (const option of ["release-name", "namespace"] as const) {
    if (values[option] === "") throw new FixStorageError(`--${option} is empty (an unset variable in the command line?): give a value, or leave the flag out`);
  }
  if (output !== undefined && command !== "check") throw new FixStorageError(`--output is an option of check only (fix-storage check -o ${output} FILE)`);
  if (!values.help && !values.version) {
    for (const [option, { commands, why }] of Object.entries(COMMAND_OPTIONS)) {
      if (values[option as keyof typeof values] === undefined || (commands as readonly string[]).includes(command)) continue;
      throw new FixStorageError(`--${option} is an option of ${listed(commands)} only, not of ${command}: ${why(command)}`);
    }
  }
  return {
    command,
    files,
    ...(values.config !== undefined && { config: values.config }),
    ...(values["release-name"] !== undefined && { releaseName: values["release-name"] }),
    ...(values.namespace !== undefined && { namespace: values.namespace }),
    enable: splitLists(values.enable),
    disable: splitLists(values.disable),
    volumeName: values["volume-name"] ?? [],
    explain: values.explain ?? false,
    ...(values.report !== undefined && { report: values.report }),
    ...(output !== undefined && { output: output as OutputFormat }),
    chartDirs: values["chart-dir"] ?? [],
    ...(values.live !== undefined && { live: values.live }),
    ...(values["live-mode"] !== undefined && { liveMode: values["live-mode"] }),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function commandList(): string {
  return COMMANDS.join(", ");
}

/** `Unknown option '--relase-name'` becomes `unknown option --relase-name: did you mean --release-name?` */
function unknownOptionHint(message: string): string {
  const text = message.replace(/\. To specify.*$/s, "");
  // `Option '-n, --namespace <value>' argument missing`
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(text)?.[1];
  if (missing) return `${missing} needs a value`;
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(text)?.[1];
  if (!unknown) return text;
  const guess = didYouMean(unknown, OPTION_NAMES);
  return `unknown option ${unknown}${guess ? `: did you mean ${guess}?` : ""}`;
}

/** `--enable a,b` and `--enable a --enable b` mean the same. */
export function splitLists(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
}
