/**
 * Rule tests as tables, after kustomize's filter example tests: each row is one behaviour, with literal YAML in and
 * out and the findings it must report. A row runs one rule alone (plus --live when given), then checks that the
 * output is a fixed point (running again changes nothing) and that Kubernetes' own reader (k8s-read) sees the same
 * objects as the tool meant to write.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { expect, it } from "vitest";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { RULE_NAMES, type RuleName } from "../../src/rules/rule.js";

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

const K8S_READ = "/usr/local/bin/k8s-read";
const hasReader = existsSync(K8S_READ);
if (!hasReader) console.warn(`skipping k8s-read checks of rule tables: ${K8S_READ} is absent`);

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
      const messages = result.findings.map((finding) => finding.message);
      expect(messages, messages.join("\n")).toHaveLength((row.findings ?? []).length);
      for (const [index, fragment] of (row.findings ?? []).entries()) expect(messages[index]).toContain(fragment);
      if (result.changes.length === 0) return;
      expect((await fixStream(result.output, options)).changes).toEqual([]);
      if (hasReader) expect(kubernetesReads(result.output)).toEqual(yamlReads(result.output));
    });
  }
}

function kubernetesReads(text: string): unknown[] {
  const read = spawnSync(K8S_READ, { input: text });
  expect(read.status, read.stderr.toString("utf8")).toBe(0);
  return read.stdout
    .toString("utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .filter((object) => object !== null);
}

function yamlReads(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((object) => object !== null && object !== undefined);
}
