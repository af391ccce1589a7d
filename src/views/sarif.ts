/**
 * `check -o sarif`: SARIF 2.1.0 for code scanning. Each change (the chart renders something the tool would fix) and
 * each finding is a result located in the template file of its `# Source:` line. Rendered objects carry no template
 * line, so a result marks the file (region line 1); its fingerprint is the rule, the object and the path, so an alert
 * stays one alert across runs.
 */
import { createRequire } from "node:module";
import type { ChangeRecord, Finding, ObjectRef, Severity } from "../core/records.js";
import { formatPath } from "../core/yaml-editor.js";
import type { FixResult } from "../fix-stream.js";
import { RULES } from "../rules/index.js";
import { describeEdit, findingWithObject, objectName } from "./explain.js";
import { sourceFile } from "./locations.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** Rules the stages outside src/rules report under. */
const OTHER_RULES: Record<string, string> = {
  schema: "An object does not match the Kubernetes schema as rendered.",
  live: "The rendered StatefulSets differ from the live ones in ways Kubernetes forbids to change.",
  reader: "A document Kubernetes' YAML reader may read otherwise than fix-storage's: it is left as rendered, and no edit follows it.",
};

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: "error" | "warning" | "note";
  message: { text: string };
  locations: Array<Record<string, unknown>>;
  partialFingerprints: Record<string, string>;
}

function location(ref: ObjectRef | undefined, inputLabel: string, chartDirs: readonly string[]): Array<Record<string, unknown>> {
  const file = sourceFile(ref, inputLabel, chartDirs);
  const logical = ref ? [{ name: objectName(ref), kind: "object" }] : [];
  if (!file && logical.length === 0) return [];
  return [
    {
      ...(file && { physicalLocation: { artifactLocation: { uri: encodeURI(file) }, region: { startLine: 1 } } }),
      ...(logical.length > 0 && { logicalLocations: logical }),
    },
  ];
}

function fingerprint(...parts: string[]): Record<string, string> {
  // Loaded here, not imported: node:crypto would cost every run's start-up, and only a SARIF log needs it.
  const { createHash } = createRequire(process.execPath)("node:crypto") as typeof import("node:crypto");
  return { "fixStorage/v1": createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32) };
}

export function sarifLog(results: ReadonlyArray<{ input: { label: string }; result: FixResult }>, version: string, chartDirs: readonly string[] = []): string {
  const rules: Array<{ id: string; name: string; shortDescription: { text: string } }> = RULES.map((rule) => ({
    id: rule.name,
    name: rule.name,
    shortDescription: { text: rule.summary },
  }));
  const ruleIndex = (id: string) => {
    let index = rules.findIndex((rule) => rule.id === id);
    if (index === -1) {
      index = rules.push({ id, name: id, shortDescription: { text: OTHER_RULES[id] ?? `fix-storage ${id}` } }) - 1;
    }
    return index;
  };
  const sarifResults: SarifResult[] = [];
  for (const { input, result } of results) {
    for (const change of result.changes) sarifResults.push(changeResult(change, input.label, chartDirs, ruleIndex));
    for (const finding of result.findings) sarifResults.push(findingResult(finding, input.label, chartDirs, ruleIndex));
  }
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "fix-storage", version, semanticVersion: version, rules } }, results: sarifResults }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function refKey(ref: ObjectRef | undefined): string {
  return ref ? `${ref.kind}/${ref.namespace ?? ""}/${ref.name}` : "";
}

function changeResult(change: ChangeRecord, label: string, chartDirs: readonly string[], ruleIndex: (id: string) => number): SarifResult {
  return {
    ruleId: change.rule,
    ruleIndex: ruleIndex(change.rule),
    level: "warning",
    message: { text: `${objectName(change.object)}: ${describeEdit(change)}: ${change.reason}` },
    locations: location(change.object, label, chartDirs),
    partialFingerprints: fingerprint(change.rule, refKey(change.object), formatPath(change.path)),
  };
}

function findingResult(finding: Finding, label: string, chartDirs: readonly string[], ruleIndex: (id: string) => number): SarifResult {
  return {
    ruleId: finding.rule,
    ruleIndex: ruleIndex(finding.rule),
    level: LEVEL[finding.severity],
    message: { text: findingWithObject(finding) },
    locations: location(finding.object, label, chartDirs),
    partialFingerprints: fingerprint(finding.rule, refKey(finding.object), finding.path ? formatPath(finding.path) : "", finding.message),
  };
}
