/**
 * KRM function front end (kpt fn eval --exec, kustomize exec transformers): a config.kubernetes.io/v1 ResourceList
 * in, the same ResourceList out. Items are edited in place like the items of a List, so their comments and every
 * config.kubernetes.io/* and internal.config.kubernetes.io/* annotation stay as they were; `results` gets the
 * changes and findings.
 */
import { isDeepStrictEqual } from "node:util";
import { type Document, isMap, isNode, isSeq } from "yaml";
import { parseConfig } from "../config.js";
import { FixStorageError } from "../core/errors.js";
import { isRecord } from "../core/manifest.js";
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import type { Json } from "../core/render.js";
import { lineColumn } from "../core/text.js";
import { formatPath, YamlDocumentEditor } from "../core/yaml-editor.js";
import { type FixOptions, type FixResult, fixStream } from "../fix-stream.js";
import { explainChange } from "../views/explain.js";

const RESOURCE_LIST = /^\s*(?:---[^\n]*\n\s*)?(?:#[^\n]*\n\s*)*[\s\S]*?^["']?kind["']?\s*:\s*["']?ResourceList\b/m;

/** Whether the text's first 4,096 characters hold a ResourceList's kind. */
export function startsAsResourceList(text: string): boolean {
  return RESOURCE_LIST.test(text.slice(0, 4096));
}

/**
 * `prepare` runs on the options once functionConfig is merged in (the CLI reads --live there, so a namespace the
 * functionConfig gives is known to it).
 */
export async function runKrm(
  text: string,
  options: FixOptions,
  prepare: (options: FixOptions) => FixOptions = (merged) => merged,
): Promise<{ code: 0 | 2; stdout: string; stderr: string[]; result: FixResult }> {
  const list = new YamlDocumentEditor(text);
  const [error] = list.document.errors;
  if (error?.code === "MULTIPLE_DOCS") {
    const { line, column } = lineColumn(text, error.pos[0]);
    throw new FixStorageError(
      "krm: stdin holds more than one YAML document, where a KRM function reads one ResourceList",
      { line, column },
    );
  }
  if (error) throw unreadable(list.document, text, error.message, error.pos[0]);
  const value = list.value();
  if (!isRecord(value) || value.kind !== "ResourceList") throw new FixStorageError("krm: stdin is not a ResourceList");
  // What the KRM functions spec defines (v1, and the earlier v1beta1 and v1alpha1 of the same shape, which older
  // orchestrators still send); anything else is another format, read wrong if read at all.
  if (!["config.kubernetes.io/v1", "config.kubernetes.io/v1beta1", "config.kubernetes.io/v1alpha1"].includes(String(value.apiVersion))) {
    throw new FixStorageError(`krm: a ResourceList's apiVersion is config.kubernetes.io/v1, not ${JSON.stringify(value.apiVersion ?? null)}`);
  }
  if (value.items !== undefined && value.items !== null && !Array.isArray(value.items)) {
    throw new FixStorageError("krm: the ResourceList's items is no list");
  }
  if (value.functionConfig !== undefined && value.functionConfig !== null && !isRecord(value.functionConfig)) {
    throw new FixStorageError("krm: the ResourceList's functionConfig is no map (a ConfigMap, or the config file's schema)");
  }
  const merged = prepare({ ...options, ...functionConfigOptions(value.functionConfig, options) });
  const result = await fixStream(text, merged);
  // The ResourceList is one document: its edited form (or, unedited, the list read above) already holds the output.
  const edited = result.edited[0]?.editor;
  const output = edited && edited.text === result.output ? edited : result.output === text ? list : new YamlDocumentEditor(result.output);
  const items = (output.value() as Record<string, unknown>).items;
  const results: Json[] = [
    ...result.changes.map((change) => changeResult(change, items)),
    ...result.findings.map((finding) => findingResult(finding, items)),
  ];
  // Results already in the list (this function's, from a run on its own output) are not added twice: the output of a
  // second run is the first's.
  const existing = output.get(["results"]);
  if (Array.isArray(existing)) {
    for (const entry of results) if (!existing.some((known) => isDeepStrictEqual(known, entry))) output.append(["results"], entry);
  } else if (results.length > 0) output.set(["results"], results);
  return { code: 0, stdout: output.text, stderr: [], result };
}

/** A ResourceList the parser refuses: the item holding the error, its line and column in the input. */
function unreadable(doc: Document.Parsed, text: string, message: string, offset: number): FixStorageError {
  const items = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
  const index = isSeq(items) ? items.items.findIndex((item) => isNode(item) && item.range != null && item.range[0] <= offset && offset <= item.range[2]) : -1;
  const { line, column } = lineColumn(text, offset);
  const first = message.split("\n")[0] ?? message;
  return new FixStorageError(`ResourceList${index === -1 ? "" : ` items[${index}]`}: ${first}`, { line, column });
}

/** The keys of kpt's `-- key=value` ConfigMap. */
const CONFIG_MAP_KEYS = ["release-name", "namespace", "enable", "disable"];

/**
 * functionConfig is the config file's schema (kind/metadata ignored), or kpt's `-- key=value` ConfigMap. Its release
 * applies only to items of that release (or of none): a package may hold several releases.
 */
function functionConfigOptions(functionConfig: unknown, base: FixOptions): Partial<FixOptions> {
  if (!isRecord(functionConfig)) return {};
  if (functionConfig.kind === "ConfigMap") {
    if (functionConfig.data !== undefined && functionConfig.data !== null && !isRecord(functionConfig.data)) {
      throw new FixStorageError("functionConfig ConfigMap: data is no map");
    }
    const data = isRecord(functionConfig.data) ? functionConfig.data : {};
    // A ConfigMap's data holds strings only (kpt writes `-- key=value` so): a list here is not what the user meant.
    const notText = Object.keys(data).filter((key) => data[key] !== null && typeof data[key] !== "string");
    if (notText.length > 0) {
      throw new FixStorageError(
        `functionConfig ConfigMap: ${notText.map((key) => JSON.stringify(key)).join(", ")} ${notText.length === 1 ? "is" : "are"} no string (ConfigMap data holds strings: write enable: "a,b")`,
      );
    }
    const unknown = Object.keys(data).filter((key) => !CONFIG_MAP_KEYS.includes(key));
    if (unknown.length > 0) {
      throw new FixStorageError(
        `functionConfig ConfigMap: unknown key${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => JSON.stringify(key)).join(", ")} (keys are: ${CONFIG_MAP_KEYS.join(", ")}; rule options need a functionConfig in the config file's schema)`,
      );
    }
    const list = (key: string) => (typeof data[key] === "string" ? String(data[key]).split(",").map((x) => x.trim()).filter(Boolean) : []);
    const text = (key: string) => (data[key] === undefined || data[key] === null ? undefined : String(data[key]));
    return {
      enable: [...(base.enable ?? []), ...list("enable")],
      disable: [...(base.disable ?? []), ...list("disable")],
      scopedRelease: { name: text("release-name"), namespace: text("namespace") },
    };
  }
  const { metadata: _metadata, ...data } = functionConfig;
  const { release, ...config } = parseConfig({ ...data, metadata: {} }, "functionConfig");
  return { config: { ...base.config, ...config }, ...(release && { scopedRelease: release }) };
}

function resourceRef(ref: ObjectRef): Json {
  return {
    ...(ref.apiVersion !== undefined && { apiVersion: ref.apiVersion }),
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace !== undefined && { namespace: ref.namespace }),
  };
}

function fileOf(ref: ObjectRef, items: unknown): Json | undefined {
  if (ref.item === undefined || !Array.isArray(items)) return undefined;
  const item = items[ref.item];
  const annotations = isRecord(item) && isRecord(item.metadata) && isRecord(item.metadata.annotations) ? item.metadata.annotations : {};
  const path = annotations["internal.config.kubernetes.io/path"] ?? annotations["config.kubernetes.io/path"];
  const index = annotations["internal.config.kubernetes.io/index"] ?? annotations["config.kubernetes.io/index"];
  if (typeof path !== "string") return undefined;
  return { path, ...(index !== undefined && { index: Number(index) }) };
}

function changeResult(change: ChangeRecord, items: unknown): Json {
  const file = fileOf(change.object, items);
  return {
    message: explainChange(change),
    severity: "info",
    resourceRef: resourceRef(change.object),
    field: {
      path: formatPath(change.path),
      ...(change.before !== undefined && { currentValue: change.before as Json }),
      ...(change.after !== undefined && { proposedValue: change.after as Json }),
    },
    ...(file !== undefined && { file }),
    tags: { rule: change.rule },
  };
}

function findingResult(finding: Finding, items: unknown): Json {
  const file = finding.object ? fileOf(finding.object, items) : undefined;
  return {
    message: `${finding.rule}: ${finding.message}`,
    severity: finding.severity,
    ...(finding.object && { resourceRef: resourceRef(finding.object) }),
    ...(finding.path && { field: { path: formatPath(finding.path) } }),
    ...(file !== undefined && { file }),
    tags: { rule: finding.rule },
  };
}
