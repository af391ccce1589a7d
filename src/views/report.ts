/** The --report JSON: every change and finding, as data. */
import type { FixResult } from "../fix-stream.js";
import { formatPath } from "../core/yaml-editor.js";

export interface Report {
  tool: "fix-storage";
  version: string;
  input?: string;
  documents: number;
  release?: { name?: string; namespace?: string; nameFrom?: string; namespaceFrom?: string };
  changes: Array<Record<string, unknown>>;
  findings: Array<Record<string, unknown>>;
}

export function buildReport(result: FixResult, version: string, input?: string): Report {
  return {
    tool: "fix-storage",
    version,
    ...(input !== undefined && { input }),
    documents: result.documents,
    ...(result.release && { release: { ...result.release } }),
    changes: result.changes.map((change) => ({
      rule: change.rule,
      ...change.object,
      op: change.op,
      path: formatPath(change.path),
      pathSegments: change.path,
      before: change.before ?? null,
      after: change.after ?? null,
      reason: change.reason,
    })),
    findings: result.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      ...(finding.object && { object: finding.object }),
      ...(finding.path && { path: formatPath(finding.path) }),
    })),
  };
}
