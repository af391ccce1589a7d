/** Shared helpers for the front-end tests: external tools, temp dirs, object comparison. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { withoutNulls } from "../../src/core/plain-data.js";

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
