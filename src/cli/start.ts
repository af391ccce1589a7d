/**
 * dist/fix-storage.cjs: starts the CLI bundle (dist/cli.cjs) with V8's code cache, which Node 20 cannot do by itself
 * (no module.enableCompileCache): the bundle and the schemas it loads after an edit (dist/validate.cjs) are then
 * neither parsed nor compiled again on every run. The build writes `<script>.v8cache` after one representative run
 * (scripts/lib/code-cache.mjs), so it also holds the functions compiled while fixing a stream, not only the top level.
 * A missing, stale or foreign cache costs only the compile it would have saved: the cache holds a copy of the script
 * it was made from and is used only when that equals the script on disk (V8 checks only the source's length), and V8
 * rejects one made by another V8 version or with other V8 flags.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { setV8Flags } from "./v8-flags.js";

export interface CompiledScript {
  script: Script;
  /** The script's bytes as read, for the build to store beside V8's data. */
  readonly source: Buffer;
  /** A cache for exactly these bytes was handed to V8 (which may still have rejected it: script.cachedDataRejected). */
  cacheOffered: boolean;
}

/** Every script this process compiled, by path: the build writes their caches from it after a representative run. */
export const compiled = new Map<string, CompiledScript>();

const HEADER_BYTES = 8;

export function codeCachePath(file: string): string {
  return `${file}.v8cache`;
}

/**
 * A code cache file: V8's data length and the source length (uint32 LE each), V8's data (at offset 8, so V8 need not
 * copy it to align it), then the source it was made from.
 */
export function codeCacheContents(data: Buffer, source: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(data.length, 0);
  header.writeUInt32LE(source.length, 4);
  return Buffer.concat([header, data, source]);
}

// Node's own wrapper, on the first line, so that line numbers in stack traces are the file's.
const WRAPPER_START = Buffer.from("(function (exports, require, module, __filename, __dirname) { ");
const WRAPPER_END = Buffer.from("\n});");

/** How much of a cache's copy of its script is read at a time to be compared: its V8 data then fills that memory. */
const COMPARED_AT_ONCE = 64 * 1024;

/** Reads `length` bytes of `fd` from `position` into `buffer` at `at`; returns how many there were. */
function readInto(fd: number, buffer: Buffer, at: number, length: number, position: number): number {
  let read = 0;
  while (read < length) {
    const got = readSync(fd, buffer, at + read, length - read, position + read);
    if (got === 0) break;
    read += got;
  }
  return read;
}

/** Opens `file`, or undefined when it cannot be (a code cache need not be there). */
function openIfAny(file: string): number | undefined {
  try {
    return openSync(file, "r");
  } catch {
    return undefined;
  }
}

/** V8's data length in the cache file open as `fd`, if it is a cache of a script of `sourceLength` bytes. */
function cacheDataLength(fd: number, sourceLength: number): number | undefined {
  const header = Buffer.alloc(HEADER_BYTES);
  if (readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return undefined;
  const dataLength = header.readUInt32LE(0);
  if (header.readUInt32LE(4) !== sourceLength || fstatSync(fd).size !== HEADER_BYTES + dataLength + sourceLength) return undefined;
  return dataLength;
}

/** The cache open as `fd` holds a copy of buffer[start, start + length) after its data: compared a part at a time, at 0. */
function copyMatches(fd: number, dataLength: number, buffer: Buffer, start: number, length: number): boolean {
  for (let done = 0; done < length; done += COMPARED_AT_ONCE) {
    const part = Math.min(COMPARED_AT_ONCE, length - done);
    if (readInto(fd, buffer, 0, part, HEADER_BYTES + dataLength + done) !== part) return false;
    if (buffer.compare(buffer, start + done, start + done + part, 0, part) !== 0) return false;
  }
  return true;
}

interface ScriptRead {
  /** [V8's data][wrapper start][script][wrapper end]: no copy of the script as the cache file holds it is read. */
  buffer: Buffer;
  start: number;
  length: number;
  /** V8's data, when the cache was made from exactly the bytes read. */
  cachedData: Buffer | undefined;
}

/**
 * Reads `file` and V8's data from its code cache, if that was made from exactly these bytes, into one buffer. The
 * buffer is let go once the script is compiled: kept for the schemas loaded later, it held the pages malloc would
 * otherwise reuse for the buffers of a run (2,000 documents: 5,000 more page faults, 20,000: 14,000).
 */
function readWithCache(file: string): ScriptRead {
  const sourceFd = openSync(file, "r");
  const cacheFd = openIfAny(codeCachePath(file));
  try {
    const size = fstatSync(sourceFd).size;
    let dataLength: number | undefined;
    try {
      if (cacheFd !== undefined) dataLength = cacheDataLength(cacheFd, size);
    } catch {}
    // V8's data goes first, where the copy is compared a part at a time before it is read.
    const start = (dataLength === undefined ? 0 : Math.max(dataLength, COMPARED_AT_ONCE)) + WRAPPER_START.length;
    const buffer = Buffer.allocUnsafeSlow(start + size + WRAPPER_END.length);
    const length = readInto(sourceFd, buffer, start, size, 0);
    let cachedData: Buffer | undefined;
    try {
      if (cacheFd !== undefined && dataLength !== undefined && length === size && copyMatches(cacheFd, dataLength, buffer, start, length)) {
        if (readInto(cacheFd, buffer, 0, dataLength, HEADER_BYTES) === dataLength) cachedData = buffer.subarray(0, dataLength);
      }
    } catch {}
    WRAPPER_START.copy(buffer, start - WRAPPER_START.length);
    WRAPPER_END.copy(buffer, start + length);
    return { buffer, start, length, cachedData };
  } finally {
    closeSync(sourceFd);
    if (cacheFd !== undefined) closeSync(cacheFd);
  }
}

const modules = new Map<string, { exports: unknown }>();

/** Runs a CommonJS script as Node's loader would, compiled with its code cache when there is a valid one. */
function load(file: string): unknown {
  const known = modules.get(file);
  if (known) return known.exports;
  const { buffer, start, length, cachedData } = readWithCache(file);
  // One string of the wrapped script, decoded from the buffer: V8 keeps it, and copies what it takes from the cache.
  const wrapped = buffer.toString("utf8", start - WRAPPER_START.length, start + length + WRAPPER_END.length);
  const script = new Script(wrapped, { filename: file, ...(cachedData && { cachedData }) });
  compiled.set(file, {
    script,
    // The bytes read, from the script's text, for the build alone (a script that is not valid UTF-8 gets a copy that
    // differs, so its cache is never taken).
    get source() {
      return Buffer.from(wrapped.slice(WRAPPER_START.length, wrapped.length - WRAPPER_END.length));
    },
    cacheOffered: cachedData !== undefined,
  });
  const module = { exports: {} as unknown };
  modules.set(file, module);
  const nodeRequire = createRequire(file);
  // The bundle's only relative require is the schemas beside it, which go through the cache as well.
  const require = (id: string) => (id.startsWith("./") ? load(join(dirname(file), id)) : nodeRequire(id));
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dirname(file));
  return module.exports;
}

// Before any script is compiled: the caches were made under the same V8 flags (v8-flags.ts).
setV8Flags();
load(join(__dirname, "cli.cjs"));
