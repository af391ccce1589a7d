/**
 * dist/fix-storage.cjs: starts the CLI bundle (dist/cli.cjs) with V8's code cache, which Node 20 cannot do by itself
 * (no module.enableCompileCache): the bundle and the schemas it loads after an edit (dist/validate.cjs) are then
 * neither parsed nor compiled again on every run. The build writes `<script>.v8cache` after one representative run
 * (scripts/lib/code-cache.mjs), so it also holds the functions compiled while fixing a stream, not only the top level.
 * A missing, stale or foreign cache costs only the compile it would have saved: the cache holds a copy of the script
 * it was made from and is used only when that equals the script on disk (V8 checks only the source's length), and V8
 * rejects one made by another V8 version or with other V8 flags.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

export interface CompiledScript {
  script: Script;
  /** The script's bytes as read, for the build to store beside V8's data. */
  source: Buffer;
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

/** V8's data from the cache of `file`, if there is one made from exactly `source`. */
function cachedDataFor(file: string, source: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(codeCachePath(file));
  } catch {
    return undefined;
  }
  if (cache.length < HEADER_BYTES) return undefined;
  const dataLength = cache.readUInt32LE(0);
  const sourceStart = HEADER_BYTES + dataLength;
  if (cache.readUInt32LE(4) !== source.length || cache.length !== sourceStart + source.length) return undefined;
  if (!cache.subarray(sourceStart).equals(source)) return undefined;
  return cache.subarray(HEADER_BYTES, sourceStart);
}

const modules = new Map<string, { exports: unknown }>();

/** Runs a CommonJS script as Node's loader would, compiled with its code cache when there is a valid one. */
function load(file: string): unknown {
  const known = modules.get(file);
  if (known) return known.exports;
  const source = readFileSync(file);
  const cachedData = cachedDataFor(file, source);
  // Node's own wrapper, on the first line, so that line numbers in stack traces are the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString()}\n});`;
  const script = new Script(wrapped, { filename: file, ...(cachedData && { cachedData }) });
  compiled.set(file, { script, source, cacheOffered: cachedData !== undefined });
  const module = { exports: {} as unknown };
  modules.set(file, module);
  const nodeRequire = createRequire(file);
  // The bundle's only relative require is the schemas beside it, which go through the cache as well.
  const require = (id: string) => (id.startsWith("./") ? load(join(dirname(file), id)) : nodeRequire(id));
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dirname(file));
  return module.exports;
}

load(join(__dirname, "cli.cjs"));
