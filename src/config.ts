/**
 * The configuration file (also a KRM functionConfig): `release: {name, namespace}` and `rules: {<rule>: {enabled, …}}`.
 * Strict: an unknown key or a wrong type is an error that names the key path.
 */
import { parseDocument } from "yaml";
import * as z from "zod/mini";
import { FixStorageError } from "./core/errors.js";
import { RULES } from "./rules/index.js";
import { RULE_NAMES, type RuleName } from "./rules/rule.js";

const ruleSchemas = Object.fromEntries(
  RULES.map((rule) => [
    rule.name,
    z.optional(z.extend(rule.options as unknown as z.ZodMiniObject, { enabled: z.optional(z.boolean()) })),
  ]),
) as unknown as Record<RuleName, z.ZodMiniOptional<z.ZodMiniObject>>;

const nonEmpty = z.string().check(z.minLength(1));

export const configSchema = z.strictObject({
  // Present when the config is a KRM functionConfig; not used.
  apiVersion: z.optional(z.string()),
  kind: z.optional(z.string()),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  release: z.optional(z.strictObject({ name: z.optional(nonEmpty), namespace: z.optional(nonEmpty) })),
  rules: z.optional(z.strictObject(ruleSchemas)),
});

export type Config = z.infer<typeof configSchema>;

/** Validates parsed config data; `origin` names the file in errors. */
export function parseConfig(data: unknown, origin: string): Config {
  const result = configSchema.safeParse(data ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length > 0 ? `${path}: ` : "";
      const hint = issue.path.join(".") === "rules" ? ` (rules are: ${RULE_NAMES.join(", ")})` : "";
      return `${where}unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}${hint}`;
    }
    return `${path}: ${issue.message}`;
  });
  throw new FixStorageError(`invalid config ${origin}: ${problems.join("; ")}`);
}

export function parseConfigText(text: string, origin: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const position = error.linePos?.[0];
    throw new FixStorageError(`invalid config ${origin}: ${error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`, {
      ...(position && { line: position.line, column: position.col }),
    });
  }
  return parseConfig(doc.toJS({ maxAliasCount: 100 }), origin);
}

