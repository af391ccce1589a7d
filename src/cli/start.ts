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

/** V8's data in `cache` (a cache file's bytes) if it was made from exactly `source`. */
function cachedDataIn(cache: Buffer, source: Buffer): Buffer | undefined {
  if (cache.length < HEADER_BYTES) return undefined;
  const dataLength = cache.readUInt32LE(0);
  const sourceStart = HEADER_BYTES + dataLength;
  if (cache.readUInt32LE(4) !== source.length || cache.length !== sourceStart + source.length) return undefined;
  if (!cache.subarray(sourceStart).equals(source)) return undefined;
  return cache.subarray(HEADER_BYTES, sourceStart);
}

// Node's own wrapper, on the first line, so that line numbers in stack traces are the file's.
const WRAPPER_START = Buffer.from("(function (exports, require, module, __filename, __dirname) { ");
const WRAPPER_END = Buffer.from("\n});");

/**
 * Where files are read: kept from one script to the next, since each page of fresh memory costs a fault on first
 * touch. Once a script is compiled its bytes are no longer needed (V8 holds the source as a string of its own, and
 * copies what it takes from the cache), so the schemas, loaded after the CLI, are read into pages already touched.
 */
let scratch = Buffer.alloc(0);

/** Opens `file`, or undefined when it cannot be (a code cache need not be there). */
function openIfAny(file: string): number | undefined {
  try {
    return openSync(file, "r");
  } catch {
    return undefined;
  }
}

/** Reads up to `size` bytes of `fd` into scratch at `at`; returns how many there were. */
function readInto(fd: number, at: number, size: number): number {
  let read = 0;
  while (read < size) {
    const got = readSync(fd, scratch, at + read, size - read, read);
    if (got === 0) break;
    read += got;
  }
  return read;
}

/**
 * Reads the code cache of `file` (if any) and `file` into scratch as [cache][wrapper start][file][wrapper end], with
 * scratch made large enough for both at once; returns the lengths read.
 */
function readWithCache(file: string): { cacheLength: number; sourceLength: number } {
  const sourceFd = openSync(file, "r");
  const cacheFd = openIfAny(codeCachePath(file));
  try {
    let cacheSize = 0;
    try {
      if (cacheFd !== undefined) cacheSize = fstatSync(cacheFd).size;
    } catch {}
    const sourceSize = fstatSync(sourceFd).size;
    const needed = cacheSize + WRAPPER_START.length + sourceSize + WRAPPER_END.length;
    if (scratch.length < needed) scratch = Buffer.allocUnsafeSlow(needed);
    let cacheLength = 0;
    try {
      if (cacheFd !== undefined) cacheLength = readInto(cacheFd, 0, cacheSize);
    } catch {}
    return { cacheLength, sourceLength: readInto(sourceFd, cacheLength + WRAPPER_START.length, sourceSize) };
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
  // scratch: [cache file][wrapper start][script][wrapper end]
  const { cacheLength, sourceLength } = readWithCache(file);
  const start = cacheLength + WRAPPER_START.length;
  WRAPPER_START.copy(scratch, cacheLength);
  WRAPPER_END.copy(scratch, start + sourceLength);
  const cachedData = cachedDataIn(scratch.subarray(0, cacheLength), scratch.subarray(start, start + sourceLength));
  const wrapped = scratch.toString("utf8", cacheLength, start + sourceLength + WRAPPER_END.length);
  const script = new Script(wrapped, { filename: file, ...(cachedData && { cachedData }) });
  compiled.set(file, {
    script,
    // The bytes read, from the script's text: scratch holds other bytes by the time the build asks (a script that
    // is not valid UTF-8 gets a copy that differs, so its cache is never taken).
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

load(join(__dirname, "cli.cjs"));
