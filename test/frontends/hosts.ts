/** Shared helpers for the front-end tests: external tools, temp dirs, object comparison. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export function hasTool(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.status === 0;
}

export function tempDir(prefix = "fix-storage-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type Obj = Record<string, unknown>;

/** Objects of a stream keyed by kind/namespace/name; `null` values dropped, as the API server reads them. */
export function objectsByKey(stream: string): Map<string, unknown> {
  const byKey = new Map<string, unknown>();
  for (const doc of parseAllDocuments(stream)) {
    const object = doc.toJS() as Obj | null;
    if (!object || typeof object !== "object") continue;
    const metadata = (object.metadata ?? {}) as Obj;
    byKey.set(`${object.kind}/${metadata.namespace ?? ""}/${metadata.name}`, withoutNulls(object));
  }
  return byKey;
}

export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}
