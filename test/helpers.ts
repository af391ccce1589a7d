import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Spool } from "../src/core/stream.js";
import { type FixOptions, fixStream } from "../src/fix-stream.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = join(ROOT, "bin", "fix-storage");
export const CORPUS = join(ROOT, "..", "shared", "corpus");
export const EXAMPLES = join(ROOT, "examples");

/** The real rendered charts in ../shared/corpus (empty when the folder is absent: tests using it then skip). */
export function corpusFiles(): string[] {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(CORPUS, name));
}

export const corpusMissing = corpusFiles().length === 0;
if (corpusMissing) console.warn(`skipping corpus tests: ${CORPUS} is absent`);

export function example(...parts: string[]): string {
  return readFileSync(join(EXAMPLES, ...parts), "utf8");
}

export const ALL_RULES_OFF: FixOptions = {
  disable: ["claim-template-labels", "claim-ownership", "claim-retention", "cronjob-claims", "volume-name", "idempotent-cleanup", "rwo-rollout"],
};

export async function fix(input: string, options: FixOptions = {}) {
  return fixStream(input, options);
}

/** Strips a shared leading indent, so cases read as YAML in the test file. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((line) => line.trim() !== "").map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join("\n").replace(/[ \t]+$/, "");
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI the way a host does: a process with stdin, args and environment. */
export function runBin(args: string[], input?: string | Buffer, env: Record<string, string> = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: input ?? "",
    env: { PATH: process.env.PATH ?? "", ...env },
    maxBuffer: 512 * 1024 * 1024,
    cwd: ROOT,
  });
  return { code: result.status, stdout: result.stdout.toString("utf8"), stderr: result.stderr.toString("utf8") };
}

/**
 * A spool for tests, in memory; after `refuseAfter` appends each is refused, as a full disk refuses them. Like the
 * file spool, each read reuses one buffer, overwritten first: a reader that keeps bytes past the next read sees them
 * change.
 */
export class ArraySpool implements Spool {
  private bytes = new Uint8Array(1024);
  private scratch = new Uint8Array(1024);
  private size = 0;
  appended = 0;

  constructor(private readonly refuseAfter = Number.POSITIVE_INFINITY) {}

  append(bytes: Uint8Array): number | undefined {
    if (this.appended >= this.refuseAfter) return undefined;
    this.appended++;
    const start = this.size;
    if (start + bytes.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, start + bytes.length));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
    }
    this.bytes.set(bytes, start);
    this.size += bytes.length;
    return start;
  }

  read(start: number, length: number): Uint8Array {
    if (this.scratch.length < length) this.scratch = new Uint8Array(2 * length);
    this.scratch.fill(0x23); // "#"
    this.scratch.set(this.bytes.subarray(start, start + length));
    return this.scratch.subarray(0, length);
  }
}
