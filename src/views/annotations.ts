/**
 * `check -o github`: GitHub Actions workflow commands, one per change and finding, so a pull request shows them on
 * the template file of their `# Source:` line (`::warning file=chart/templates/x.yaml,title=…::message`).
 */
import type { Severity } from "../core/records.js";
import type { FixResult } from "../fix-stream.js";
import { describeEdit, findingWithObject, objectName } from "./explain.js";
import { sourceFile } from "./locations.js";

const COMMAND: Record<Severity, "error" | "warning" | "notice"> = { error: "error", warning: "warning", info: "notice" };

/** Escaping as the Actions runner reads workflow commands (toolkit's command.ts). */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(kind: string, file: string | undefined, title: string, message: string): string {
  const properties = [...(file ? [`file=${escapeProperty(file)}`] : []), `title=${escapeProperty(title)}`];
  return `::${kind} ${properties.join(",")}::${escapeData(message)}`;
}

export function githubAnnotations(results: ReadonlyArray<{ input: { label: string }; result: FixResult }>, chartDirs: readonly string[] = []): string {
  const lines: string[] = [];
  for (const { input, result } of results) {
    for (const change of result.changes) {
      const file = sourceFile(change.object, input.label, chartDirs);
      lines.push(annotation("warning", file, `fix-storage ${change.rule}`, `${objectName(change.object)}: ${describeEdit(change)}: ${change.reason}`));
    }
    for (const finding of result.findings) {
      const file = sourceFile(finding.object, input.label, chartDirs);
          lines.push(annotation(COMMAND[finding.severity], file, `fix-storage ${finding.rule}`, findingWithObject(finding)));
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
