/**
 * The configuration file (also a KRM functionConfig): `release: {name, namespace}` and `rules: {<rule>: {enabled, …}}`.
 * Strict: an unknown key or a wrong type is an error that names the key path.
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { lineColumn } from "./core/text.js";
import * as z from "zod/mini";
import { didYouMean } from "./core/suggest.js";
import { FixStorageError } from "./core/errors.js";
import { RULES } from "./rules/index.js";
import type { RuleName } from "./rules/rule.js";

/** Built on first use: only a run given a config needs it, and zod schemas cost start-up time. */
let built: ReturnType<typeof buildConfigSchema> | undefined;

function configSchema() {
  built ??= buildConfigSchema();
  return built;
}

function buildConfigSchema() {
  const ruleSchemas = Object.fromEntries(
    RULES.map((rule) => [
      rule.name,
      z.optional(z.extend(rule.options as unknown as z.ZodMiniObject, { enabled: z.optional(z.boolean()) })),
    ]),
  ) as unknown as Record<RuleName, z.ZodMiniOptional<z.ZodMiniObject>>;
  const nonEmpty = z.string().check(z.minLength(1));
  return z.strictObject({
    // Present when the config is a KRM functionConfig; not used.
    apiVersion: z.optional(z.string()),
    kind: z.optional(z.string()),
    metadata: z.optional(z.record(z.string(), z.unknown())),
    release: z.optional(z.strictObject({ name: z.optional(nonEmpty), namespace: z.optional(nonEmpty) })),
    rules: z.optional(z.strictObject(ruleSchemas)),
  });
}

export type Config = z.infer<ReturnType<typeof configSchema>>;

/** Validates parsed config data; `origin` names the file in errors. */
/** Where the value at a key path is written in the config's text, when the config came from one. */
type Locate = (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;

export function parseConfig(data: unknown, origin: string, locate?: Locate): Config {
  const schema = configSchema();
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const { path, keys } = issue as Issue;
    // An unknown key is located at itself, anything else at the key whose value it is about.
    const at = locate?.(issue.code === "unrecognized_keys" && keys?.length === 1 ? [...path, keys[0] as string] : path);
    return { at, text: describeIssue(issue as Issue, data, schema as unknown as SchemaNode) };
  });
  const located = ({ at, text }: (typeof problems)[number]) => (at ? `line ${at.line}, column ${at.column}: ${text}` : text);
  const [only] = problems;
  if (problems.length === 1 && only) throw new FixStorageError(`invalid config ${origin}${only.at ? ` ${located(only)}` : `: ${only.text}`}`);
  throw new FixStorageError(`invalid config ${origin}: ${problems.map(located).join("; ")}`);
}

// --- error messages that say what is allowed (zod/mini carries no messages of its own) ----------------------------

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  values?: unknown[];
  expected?: string;
  keys?: string[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  errors?: Issue[][];
}

type SchemaNode = { _zod: { def: Record<string, unknown> & { type: string } } };

/** The schema that validates the value at `path`, looking through optional, default, union and container types. */
function schemaAt(schema: SchemaNode | undefined, path: readonly PropertyKey[]): SchemaNode | undefined {
  let node = schema;
  for (const segment of path) {
    node = unwrap(node);
    const def = node?._zod.def;
    if (!def) return undefined;
    if (def.type === "object") node = (def.shape as Record<string, SchemaNode>)[String(segment)];
    else if (def.type === "array") node = def.element as SchemaNode;
    else if (def.type === "record") node = def.valueType as SchemaNode;
    else return undefined;
  }
  return unwrap(node);
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  while (current && ["optional", "default", "nullable", "prefault", "readonly", "nonoptional"].includes(current._zod.def.type)) {
    current = current._zod.def.innerType as SchemaNode;
  }
  return current;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let at = data;
  for (const segment of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<PropertyKey, unknown>)[segment];
  }
  return at;
}

function kindOf(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = { object: "a map", array: "a list", string: "a string", boolean: "true or false", number: "a number" };

function describeIssue(issue: Issue, data: unknown, schema: SchemaNode, base: readonly PropertyKey[] = []): string {
  const path = [...base, ...issue.path];
  const where = path.length > 0 ? `${path.join(".")}: ` : "";
  const value = valueAt(data, path);
  switch (issue.code) {
    case "invalid_value": {
      const allowed = (issue.values ?? []).map((v) => JSON.stringify(v));
      const guess = typeof value === "string" ? didYouMean(value, (issue.values ?? []).map(String)) : undefined;
      return `${where}${kindOf(value)} is not allowed: expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ""}`;
    }
    case "invalid_type":
      return `${where}expected ${EXPECTED[issue.expected ?? ""] ?? issue.expected}, got ${kindOf(value)}`;
    case "unrecognized_keys": {
      const shape = schemaAt(schema, path)?._zod.def.shape as Record<string, unknown> | undefined;
      const known = shape ? Object.keys(shape).filter((key) => !["apiVersion", "kind", "metadata"].includes(key) || path.length > 0) : [];
      const keys = issue.keys ?? [];
      const guess = keys.length === 1 ? didYouMean(keys[0] as string, known) : undefined;
      const list = path.join(".") === "rules" ? `rules are: ${known.join(", ")}` : `known keys: ${known.join(", ")}`;
      return `${where}unknown key ${keys.map((key) => JSON.stringify(key)).join(", ")}${guess ? `: did you mean ${JSON.stringify(guess)}?` : ""} (${list})`;
    }
    case "too_small":
      if (issue.origin === "string") return `${where}must not be empty`;
      if (issue.origin === "array") return `${where}needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? "" : "s"}`;
      return `${where}must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string") return `${where}must be at most ${issue.maximum} characters`;
      if (issue.origin === "array") return `${where}takes at most ${issue.maximum} items`;
      return `${where}must be at most ${issue.maximum}`;
    case "invalid_union": {
      // Each form the value could take, and why the closest one does not fit.
      const forms = (unwrap(schemaAt(schema, path))?._zod.def.options as SchemaNode[] | undefined)
        ?.map((option) => unwrap(option)?._zod.def.shape)
        .filter((shape): shape is Record<string, unknown> => shape !== undefined)
        .map((shape) => `{${Object.keys(shape).join(", ")}}`);
      const closest = [...(issue.errors ?? [])].sort((a, b) => a.length - b.length)[0]?.[0];
      const why = closest ? `: ${describeIssue(closest, data, schema, path)}` : "";
      return `${where}matches none of the forms${forms && forms.length > 0 ? ` ${forms.join(" or ")}` : ""}${why}`;
    }
    default:
      return `${where}${issue.message}`;
  }
}

export function parseConfigText(text: string, origin: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const position = error.linePos?.[0];
    const where = position ? ` line ${position.line}, column ${position.col}` : "";
    const message =
      error.code === "MULTIPLE_DOCS"
        ? "a config is one YAML document, and this file holds more (remove the --- that starts another)"
        : (error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? error.code);
    throw new FixStorageError(`invalid config ${origin}${where}: ${message}`);
  }
  // An error names the line and column of the key path it is about (of the nearest part of it written there).
  const locate: Locate = (path) => {
    for (let length = path.length; length > 0; length--) {
      // The key of the path's last part, where the map holds it (an item of a list has none: the item itself).
      const parent = length === 1 ? doc.contents : doc.getIn(path.slice(0, length - 1) as unknown[], true);
      const last = path[length - 1];
      const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last)) : undefined;
      const node = (pair && isScalar(pair.key) ? pair.key : doc.getIn(path.slice(0, length) as unknown[], true)) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return lineColumn(text, offset);
    }
    return undefined;
  };
  return parseConfig(doc.toJS({ maxAliasCount: 100 }), origin, locate);
}

