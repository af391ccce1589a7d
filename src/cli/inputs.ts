/** Reading what the CLI is given: files, directories of rendered templates, stdin, the config file; writing reports. */
import { closeSync, type Dirent, openSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { describeError, FixStorageError } from "../core/errors.js";
import { type RawDocument, type SplitterOptions, StreamSplitter, splitStreamBytes } from "../core/stream.js";
import { decodeInput } from "../core/text.js";
import { type ChunkOptions, readChunksSync } from "./io.js";
import { helmOutputDirRender } from "./render-groups.js";
import { spoolingInputs } from "./spool.js";

/** Where stdin comes from: whole (tests), or chunk by chunk as the process reads it. */
export interface StdinSource {
  readStdin(): Promise<Uint8Array>;
  /** When given, stdin is split into documents as it is read: its bytes are never held whole. */
  readStdinChunks?(onChunk: (chunk: Uint8Array) => void, options?: ChunkOptions): Promise<void>;
}

export interface Input {
  /** How messages, reports and diffs name it: the path as given (relative to the working directory), or stdin. */
  label: string;
  /** The stream's documents, each decoded on its own: no string of the whole stream is made for `fix`. */
  documents: readonly RawDocument[];
  /** The whole stream, joined on first read, for the commands that show or parse it whole (diff, krm). */
  readonly text: string;
  /** A file of a directory `helm template --output-dir` wrote: the render it is part of (see render-groups.ts). */
  render?: string;
}

function inputOf(label: string, documents: readonly RawDocument[]): Input {
  let text: string | undefined;
  return {
    label,
    documents,
    get text() {
      text ??= documents.map((doc) => doc.text).join("");
      return text;
    },
  };
}

/** Nothing but whitespace: the documents are cut after a newline, so this is `text.trim() === ""`. */
export function isBlank(input: Input): boolean {
  return input.documents.every((doc) => doc.text.trim() === "");
}

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    ENOTDIR: "a path component is not a directory",
    ENOSPC: "no space left on device",
    EROFS: "read-only file system",
  };
  return code && known[code] ? known[code] : (error as Error).message;
}

/**
 * Files as given, and each directory as its .yaml/.yml files (recursively, sorted), as kubeconform reads directories.
 * `many: false` (flux-patches, krm) takes one stream.
 */
export async function readInputs(
  files: readonly string[],
  stdin: StdinSource,
  // A large input's later documents go to a temporary file, not memory (spool.ts).
  { many, split = spoolingInputs() }: { many: boolean; split?: SplitterOptions },
): Promise<Input[]> {
  if (files.length === 0 || (files.length === 1 && files[0] === "-")) {
    if (!stdin.readStdinChunks) return [inputOf("stdin", splitStreamBytes(await stdin.readStdin(), split))];
    const splitter = new StreamSplitter(split);
    // The splitter copies what it keeps of a chunk (StreamSplitter.push).
    try {
      await stdin.readStdinChunks((chunk) => splitter.push(chunk), { lent: true });
    } catch (error) {
      // `fix-storage < dir`: the shell opened a directory, which cannot be read.
      if ((error as NodeJS.ErrnoException).code === "EISDIR") throw new FixStorageError("cannot read stdin: it is a directory");
      throw error;
    }
    return [inputOf("stdin", splitter.end())];
  }
  const inputs: Input[] = [];
  // A file reached twice (`a.yaml ./a.yaml`, a directory and a file in it) is read once: a diff holding its changes
  // twice would undo them when applied, and check would count them twice.
  const seen = new Set<string>();
  const firstTime = (path: string) => {
    const key = realPathOf(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const file of files) {
    if (file === "-") throw new FixStorageError("- (stdin) cannot be mixed with files");
    let isDirectory: boolean;
    try {
      isDirectory = statSync(file).isDirectory();
    } catch (error) {
      throw new FixStorageError(`cannot read ${file}: ${errnoText(error)}`);
    }
    if (!isDirectory) {
      if (firstTime(file)) inputs.push(readInput(file, split));
      continue;
    }
    const found = yamlFilesUnder(file);
    if (found.length === 0) throw new FixStorageError(`${file} is a directory with no .yaml or .yml files`);
    for (const path of found) {
      if (!firstTime(path)) continue;
      const input = readInput(path, split);
      if (isBlank(input)) continue;
      // Resolved, so that `check .` inside a chart's directory finds the chart's name in the path.
      const render = helmOutputDirRender(resolve(path), input.documents[0]?.text.slice(0, 4096) ?? "");
      if (render !== undefined) input.render = render;
      inputs.push(input);
    }
  }
  if (inputs.length === 0) throw new FixStorageError(`${files.join(", ")}: every .yaml file is empty: there are no manifests`);
  if (!many && inputs.length > 1) {
    throw new FixStorageError(`this command takes one stream: got ${inputs.length} files (concatenate them, or run it once per file)`);
  }
  return inputs;
}

function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    let listed: Dirent[];
    try {
      listed = readdirSync(at, { withFileTypes: true });
    } catch (error) {
      throw new FixStorageError(`cannot read directory ${at}: ${errnoText(error)}`);
    }
    const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** The file's own path, links resolved; the path as given where it cannot be resolved (reading it then says why). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function readInput(file: string, split: SplitterOptions): Input {
  const label = displayPath(file);
  const splitter = new StreamSplitter(split);
  try {
    const fd = openSync(file, "r");
    try {
      if (!readChunksSync(fd, (chunk) => splitter.push(chunk), { lent: true })) throw new Error("resource temporarily unavailable (EAGAIN)");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new FixStorageError(`cannot read ${file}: ${errnoText(error)}`);
  }
  try {
    return inputOf(label, splitter.end());
  } catch (error) {
    if (error instanceof FixStorageError) throw new FixStorageError(`${label}: ${describeError(error)}`);
    throw error;
  }
}

/** An absolute path inside the working directory is shown relative to it, so diffs apply with patch -p1. */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const inside = relative(process.cwd(), file);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : file;
}

/** The config file, strictly UTF-8: a file in another encoding would be read as different keys and values. */
export function readConfigText(path: string): string {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new FixStorageError(`config file ${path} is a directory`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof FixStorageError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new FixStorageError(`config file ${path} does not exist`);
    throw new FixStorageError(`cannot read config file ${path}: ${errnoText(error)}`);
  }
  try {
    return decodeInput(bytes);
  } catch (error) {
    if (!(error instanceof FixStorageError)) throw error;
    const { line, column } = error.location;
    const where = line === undefined ? "" : ` line ${line}${column === undefined ? "" : `, column ${column}`}`;
    throw new FixStorageError(`invalid config ${path}${where}: ${error.message.replace(/^input/, "the file")} (save it as UTF-8)`);
  }
}

export function writeReportFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new FixStorageError(`cannot write report ${path}: ${errnoText(error)}`);
  }
}
