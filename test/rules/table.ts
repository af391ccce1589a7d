/**
 * Rule tests as tables, after kustomize's filter example tests: each row is one behaviour, with literal YAML in and
 * out and the findings it must report. A row runs one rule alone (plus --live when given), then checks that the
 * output is a fixed point (running again changes nothing) and that Kubernetes' own reader (k8s-read) reads the output
 * as the input with the change records applied, so the records say exactly what changed.
 */
import { expect, it } from "vitest";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { LIVE_STAGE } from "../../src/live/live-guard.js";
import { RULE_NAMES, type RuleName } from "../../src/rules/rule.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

export interface Row {
  /** Rule options (`config.rules.<rule>`). */
  options?: Record<string, unknown>;
  /** Anything else fixStream takes: release flags, environment, live state. */
  with?: FixOptions;
  input: string;
  /** Absent: the output is the input, byte for byte. */
  output?: string;
  /** Fragments, one per finding, in order. */
  findings?: string[];
  /** A fragment of the error the run must stop with (exit 2), instead of output. */
  error?: string;
}

export function optionsFor(rule: RuleName, row: Pick<Row, "options" | "with">): FixOptions {
  const extra = row.with ?? {};
  return {
    ...extra,
    disable: RULE_NAMES.filter((name) => name !== rule),
    enable: [rule],
    config: { ...extra.config, rules: { [rule]: row.options ?? {} } },
  };
}

export function runTable(rule: RuleName, table: Record<string, Row>): void {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const options = optionsFor(rule, row);
      if (row.error !== undefined) {
        await expect(fixStream(row.input, options)).rejects.toThrow(row.error);
        return;
      }
      const result = await fixStream(row.input, options);
      expect(result.output).toBe(row.output ?? row.input);
      // Without --live, the live stage's only finding is the note on changed claim templates (unpinned-templates.test.ts).
      const messages = result.findings.filter((finding) => row.with?.live !== undefined || finding.rule !== LIVE_STAGE).map((finding) => finding.message);
      expect(messages, messages.join("\n")).toHaveLength((row.findings ?? []).length);
      for (const [index, fragment] of (row.findings ?? []).entries()) expect(messages[index]).toContain(fragment);
      if (result.changes.length === 0) return;
      expect((await fixStream(result.output, options)).changes).toEqual([]);
      if (K8S_READ) expect(k8sDifferences(row.input, result.output, result.changes)).toEqual([]);
    });
  }
}
