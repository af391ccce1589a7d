import { parseArgs } from "node:util";
import { FixStorageError } from "../core/errors.js";

export const COMMANDS = ["fix", "check", "diff", "flux-patches", "krm"] as const;
export type Command = (typeof COMMANDS)[number];

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
  live: { type: "string" },
  "live-mode": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new FixStorageError(`${(error as Error).message.replace(/\. To specify.*$/s, "")} (see fix-storage --help)`);
  }
  const { values, positionals } = parsed;
  let command: Command = "fix";
  let files = positionals;
  if (positionals[0] !== undefined && (COMMANDS as readonly string[]).includes(positionals[0])) {
    command = positionals[0] as Command;
    files = positionals.slice(1);
  }
  if (command === "fix" && files.length > 0) {
    throw new FixStorageError(`unexpected argument ${JSON.stringify(files[0])}: the transform reads stdin (commands: ${COMMANDS.join(", ")})`);
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
    ...(values.live !== undefined && { live: values.live }),
    ...(values["live-mode"] !== undefined && { liveMode: values["live-mode"] }),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** `--enable a,b` and `--enable a --enable b` mean the same. */
export function splitLists(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
}
