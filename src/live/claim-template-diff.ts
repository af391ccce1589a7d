/**
 * Compares volumeClaimTemplates the way the API server does on a StatefulSet update: after defaulting, ignoring
 * status and server-set metadata. Any difference is forbidden on a live StatefulSet.
 */
import { isDeepStrictEqual } from "node:util";
import { isRecord } from "../core/manifest.js";
import type { Json } from "../core/render.js";

/**
 * The template as the API server keeps it: its metadata and the defaulted spec. With `live`, the live
 * template of that name: a request or limit that equals the live one as a quantity (1.5Gi and 1536Mi, which the API
 * server writes back) is taken as written there, since the API server compares quantities by value.
 */
export function normalizeTemplate(template: unknown, live?: unknown): Json {
  const value = isRecord(template) ? template : {};
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const spec = isRecord(value.spec) ? { ...value.spec } : {};
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = "Filesystem";
  const liveSpec = isRecord(live) && isRecord(live.spec) ? live.spec : undefined;
  if (liveSpec !== undefined && isRecord(spec.resources) && isRecord(liveSpec.resources)) {
    const resources: Record<string, unknown> = { ...spec.resources };
    for (const field of ["requests", "limits"]) {
      const [ours, theirs] = [resources[field], liveSpec.resources[field]];
      if (!isRecord(ours) || !isRecord(theirs)) continue;
      const aligned: Record<string, unknown> = { ...ours };
      for (const [name, quantity] of Object.entries(ours)) if (sameQuantity(quantity, theirs[name])) aligned[name] = theirs[name];
      resources[field] = aligned;
    }
    spec.resources = resources;
  }
  // All of the template's metadata counts (the API server compares it whole: a chart that adds finalizers or a
  // namespace changes it too), but for the null creationTimestamp the server writes.
  const { creationTimestamp: _written, ...kept } = metadata;
  return clean({ metadata: kept, spec }) as Json;
}

/** Nulls and empty maps dropped, scalars as strings (a quantity `1` and `"1"` are the same request). */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .map(([key, item]) => [key, clean(item)] as const)
      .filter(([, item]) => !(isRecord(item) && Object.keys(item).length === 0));
    return Object.fromEntries(entries);
  }
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/** The live template as it may be written back into the rendered StatefulSet (no status, no server fields). */
export function pinnableTemplate(template: unknown): Json {
  const value = isRecord(template) ? { ...template } : {};
  delete value.status;
  if (isRecord(value.metadata)) {
    const { creationTimestamp: _created, ...metadata } = value.metadata;
    value.metadata = metadata;
  }
  return value as Json;
}

/** Readable differences: `[0].metadata.labels.helm.sh/chart: live "a", rendered "b"`. */
export function differences(live: unknown, rendered: unknown, path = ""): string[] {
  if (isDeepStrictEqual(live, rendered)) return [];
  if (isRecord(live) && isRecord(rendered)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(rendered)])];
    return keys.flatMap((key) => differences(live[key], rendered[key], `${path}.${key}`));
  }
  if (Array.isArray(live) && Array.isArray(rendered) && live.length === rendered.length) {
    return live.flatMap((item, index) => differences(item, rendered[index], `${path}[${index}]`));
  }
  const show = (value: unknown) => (value === undefined ? "absent" : JSON.stringify(value));
  return [`${path.replace(/^\./, "") || "."}: live ${show(live)}, rendered ${show(rendered)}`];
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  E: 1e18,
  Ei: 2 ** 60,
};

/**
 * Whether two values are one Kubernetes quantity written two ways (`1.5Gi` and `1536Mi`, `1G` and `1000M`), compared
 * exactly; false for anything that does not read as a plain quantity with a suffix of UNITS.
 */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const [x, y] = [exactQuantity(a), exactQuantity(b)];
  return x !== undefined && x === y;
}

const QUANTITY = /^([0-9]+)(?:\.([0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE]|)$/;

/** The quantity times 10^21, as a decimal string (exact for up to 18 decimals, milli included), or undefined. */
function exactQuantity(value: unknown): string | undefined {
  // A number is what a reader made of plain digits, which Kubernetes' YAML 1.1 may read otherwise (010 is 8).
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const [, whole = "", fraction = "", suffix = ""] = match;
  if (fraction.length > 18) return undefined;
  const scaled = BigInt(whole + fraction.padEnd(18, "0"));
  if (suffix === "m") return String(scaled);
  const unit = UNITS[suffix];
  return unit === undefined ? undefined : String(scaled * BigInt(unit) * 1000n);
}

/** Bytes of a Kubernetes quantity such as `10Gi` or `500M`; undefined when it is not one. */
export function quantityBytes(value: unknown): number | undefined {
  const match = /^([0-9.]+)([kMGTP]i?|)$/.exec(String(value ?? ""));
  if (!match) return undefined;
  const unit = UNITS[match[2] as string];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}
