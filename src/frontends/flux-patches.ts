/**
 * Flux front end: helm-controller cannot run executables, so the same edits become kustomize JSON6902 patches for a
 * HelmRelease's spec.postRenderers. The ops are derived from the change records by replaying them on the objects'
 * original data, so a patch never disagrees with what the tool itself does.
 */
import { FixStorageError } from "../core/errors.js";
import { isRecord, type KubeObject, ManifestStream } from "../core/manifest.js";
import type { ChangeRecord, ObjectRef } from "../core/records.js";
import { applyRecord, copyData } from "../core/apply-record.js";
import { jsonForYaml, renderString } from "../core/render.js";
import { type Path, valueAtPath } from "../core/yaml-path.js";
import type { FixResult } from "../fix-stream.js";
import { VERSION } from "../cli/version.js";

export interface JsonPatchOp {
  op: "add" | "replace" | "remove" | "test";
  path: string;
  value?: unknown;
}

interface Target {
  ref: ObjectRef;
  rules: Set<string>;
  ops: JsonPatchOp[];
}

export function jsonPointer(path: Path): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/**
 * Replays the records on a copy of the original object (with the one shared applyRecord), turning each into JSON6902
 * ops that have the same effect on this render and stay right when a later render differs a little: keys are set and
 * removed one by one (`add` sets a key whether or not it is there, so a map the chart extends keeps its other keys),
 * and a removal is `add` then `remove`, which cannot fail on a render that no longer has the key. Only a map the
 * render lacks is added whole, since JSON6902 cannot create a map only when it is absent. List items are addressed
 * by position; a removed one is tested first.
 */
export function patchOps(original: unknown, changes: readonly ChangeRecord[]): JsonPatchOp[] {
  let model = copyData(original);
  const ops: JsonPatchOp[] = [];
  for (const change of changes) {
    ops.push(...opsFor(model, change));
    model = applyRecord(model, { op: change.op, path: change.path, after: change.after });
  }
  return ops;
}

function opsFor(model: unknown, change: ChangeRecord): JsonPatchOp[] {
  const { path } = change;
  const last = path[path.length - 1];
  const pointer = jsonPointer(path);
  if (change.op === "delete") {
    // A list item is removed by position: the test makes the patch fail, not remove another item, where the list
    // differs from this render's.
    if (typeof last === "number") return [{ op: "test", path: pointer, value: valueAtPath(model, path) }, { op: "remove", path: pointer }];
    return [
      { op: "add", path: pointer, value: "" },
      { op: "remove", path: pointer },
    ];
  }
  if (change.op === "append") {
    if (Array.isArray(valueAtPath(model, path))) return [{ op: "add", path: `${pointer}/-`, value: change.after }];
    return [{ op: "add", path: pointer, value: [change.after] }];
  }
  // set: the deepest part of the path that exists (a null value counts as absent) receives the rest, nested.
  let depth = 0;
  while (depth < path.length - 1 && isContainer(valueAtPath(model, path.slice(0, depth + 1)))) depth++;
  let value: unknown = change.after;
  for (let i = path.length - 1; i > depth; i--) value = { [String(path[i])]: value };
  const at = path.slice(0, depth + 1);
  const parent = valueAtPath(model, at.slice(0, -1));
  // In a list, `add` would insert: an item that is there is replaced.
  const op = Array.isArray(parent) && typeof at[at.length - 1] === "number" && hasKey(parent, at[at.length - 1] as number) ? "replace" : "add";
  return [{ op, path: jsonPointer(at), value }];
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === "object";
}

function hasKey(value: unknown, key: string | number): boolean {
  if (Array.isArray(value)) return typeof key === "number" && key < value.length;
  return isRecord(value) && Object.hasOwn(value, String(key));
}

function groupVersion(apiVersion: string | undefined): { group?: string; version: string } {
  const [first, second] = (apiVersion ?? "v1").split("/");
  return second === undefined ? { version: first as string } : { group: first as string, version: second };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The namespace a patch target names so that it selects its object alone. kustomize matches a target without one in
 * every namespace, and takes an object that states none as in `default`: so an object that states none is named by
 * `default` when one of the same name is in another namespace. Where even that selects two, no target can tell them.
 */
function targetNamespace(ref: ObjectRef, objects: readonly KubeObject[]): string | undefined {
  const where = `${ref.kind} ${ref.name ?? ""} (document ${ref.document})`;
  if (!ref.name) throw new FixStorageError(`flux-patches: ${where} has no metadata.name, so no patch target can select it alone`);
  const twins = objects.filter(
    (object) =>
      object.kind === ref.kind &&
      object.apiVersion === ref.apiVersion &&
      object.name === ref.name &&
      !(object.doc.raw.index === ref.document && object.item === ref.item),
  );
  const effective = (namespace: string | undefined) => namespace || "default";
  const stated = ref.namespace || undefined;
  if (twins.some((twin) => effective(twin.namespace) === effective(stated))) {
    throw new FixStorageError(
      `flux-patches: ${where} and another ${ref.kind} ${ref.name} are both in namespace ${effective(stated)} as kustomize reads them (one that states none is in default), so no patch target selects one alone; state their namespaces in the chart`,
    );
  }
  if (stated !== undefined) return stated;
  return twins.length > 0 ? "default" : undefined;
}

export function fluxPatches(result: FixResult): string {
  const targets = new Map<string, Target>();
  const originals = new Map<string, unknown>();
  for (const doc of result.edited) {
    for (const object of doc.objects()) originals.set(`${doc.raw.index}/${object.item ?? ""}`, object.original());
  }
  const byObject = new Map<string, ChangeRecord[]>();
  for (const change of result.changes) {
    const key = `${change.object.document}/${change.object.item ?? ""}`;
    byObject.set(key, [...(byObject.get(key) ?? []), change]);
  }
  for (const [key, changes] of byObject) {
    const ref = (changes[0] as ChangeRecord).object;
    targets.set(key, { ref, rules: new Set(changes.map((change) => change.rule)), ops: patchOps(originals.get(key), changes) });
  }
  const lines = [
    `# Generated by fix-storage ${VERSION}: the same edits as \`fix-storage\` makes to this render.`,
    "# Regenerate when the chart or its values change (fix-storage flux-patches rendered.yaml).",
    "postRenderers:",
  ];
  if (targets.size === 0) {
    lines.push("  []  # nothing to fix");
    return `${lines.join("\n")}\n`;
  }
  lines.push("  - kustomize:", "      patches:");
  const kinds = [...new Set([...targets.values()].map((target) => target.ref.kind))];
  const objects = new ManifestStream(result.output).objects(kinds);
  for (const target of targets.values()) {
    const namespace = targetNamespace(target.ref, objects);
    const { group, version } = groupVersion(target.ref.apiVersion);
    lines.push(`        # ${[...target.rules].join(", ")}: ${target.ref.kind} ${target.ref.namespace ? `${target.ref.namespace}/` : ""}${target.ref.name}`);
    lines.push("        - target:");
    // kustomize reads a target's fields as anchored patterns, and an absent or empty group as any group: the core
    // group is the empty string, written as a pattern, so a same-named object of another group is never patched.
    lines.push(`            group: ${renderString(group ? escapeRegex(group) : "^$")}`);
    lines.push(`            version: ${renderString(version)}`, `            kind: ${renderString(target.ref.kind)}`);
    lines.push(`            name: ${renderString(escapeRegex(target.ref.name))}`);
    if (namespace !== undefined) lines.push(`            namespace: ${renderString(escapeRegex(namespace))}`);
    lines.push("          patch: |");
    for (const op of target.ops) {
      lines.push(`            - op: ${op.op}`, `              path: ${renderString(op.path)}`);
      if (op.value !== undefined) lines.push(`              value: ${jsonForYaml(op.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
