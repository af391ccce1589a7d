/** Helpers for parsed YAML as plain data. */
import { isDeepStrictEqual } from "node:util";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The API server reads `key: null` as an absent key, and an empty string as the field's zero value, which defaulting
 * fills (templates often render `imagePullPolicy:` or `podManagementPolicy: ""`). Schema checks read them the same way.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null && item !== "")
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

/**
 * isDeepStrictEqual for parsed YAML, several times faster on it: arrays and objects of the plain prototype are
 * compared here (shared subtrees at once, by identity), anything else (a Date, a Map, a Buffer a YAML 1.1 tag makes)
 * by isDeepStrictEqual itself.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return a !== 0 || Object.is(a, b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Object.is(a, b);
  const prototype = Object.getPrototypeOf(a);
  if (prototype !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    if (prototype !== Array.prototype || a.length !== (b as unknown[]).length) return isDeepStrictEqual(a, b);
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], (b as unknown[])[i])) return isDeepStrictEqual(a, b);
    return true;
  }
  if (prototype !== Object.prototype && prototype !== null) return isDeepStrictEqual(a, b);
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) {
      return isDeepStrictEqual(a, b);
    }
  }
  return Object.getOwnPropertySymbols(a).length === 0 && Object.getOwnPropertySymbols(b).length === 0 ? true : isDeepStrictEqual(a, b);
}

/** Whether any scalar in `value`, however deep, is one of `values` (primitives: keys are not looked at). */
export function holdsAnyOf(value: unknown, values: ReadonlySet<unknown>): boolean {
  if (Array.isArray(value)) return value.some((item) => holdsAnyOf(item, values));
  if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) if (holdsAnyOf(item, values)) return true;
    return false;
  }
  return values.has(value);
}
