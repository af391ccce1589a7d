/**
 * The V8 flags every run sets, before any script is compiled with a code cache.
 *
 * A run of fix-storage lasts a fraction of a second, mostly in code that runs for the first time. V8's optimizing
 * compiler, tuned for long-lived programs, starts on a function after it has run about 66 KiB of bytecode; in a run
 * this short it compiles functions it will not pay back, on a second core the run may not have, into memory touched
 * for the first time. Waiting twelve times as long took about a tenth off a 100- and a 2,000-document run each
 * (`npm run bench`), and the long runs still get optimized code.
 */
import { setFlagsFromString } from "node:v8";

/** Bytes of bytecode a function runs between two of V8's tiering checks (V8 11's default: 67,584). */
export const INTERRUPT_BUDGET = 800 * 1024;

/**
 * Must run before any script is compiled with a code cache: V8 keeps a hash of its flags in each cache and rejects one
 * made under other flags. The npm loader (start.ts) calls it before loading the bundle, so the build's cache-making run
 * and every later run agree; the single executable's code cache is taken before its script runs. Node's own built-ins
 * loaded after it (os, parseArgs) lose their embedded cache the same way; loading them first saved about 1 ms.
 */
export function setV8Flags(): void {
  // Flags V8 reads at each use, so setting them after start is sound (Node keeps flags settable).
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  // A large (spooled) stream lets go of what rules read past KEEP_SPOOLED_READING, and the heap would still grow to
  // about four times what it keeps before V8 collects its old generation: 30 % growth instead (100 MB input: peak
  // 230–234 MiB instead of 271–281, no slower). Set here for every run, not when a spool opens: a flag set then would
  // change the hash and V8 would reject the schemas' cache. A 2,000-document run collects no old generation either
  // way.
  setFlagsFromString("--heap-growing-percent=30");
}
