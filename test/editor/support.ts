/** Table tests of the editor: each case is literal YAML before, the steps, and literal YAML after. */
import { expect, it } from "vitest";
import { parseDocument } from "yaml";
import { applyRecords } from "../../src/core/apply-record.js";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { K8S_READ, k8sRead } from "../k8s-read.js";

export interface EditCase {
  name: string;
  before: string;
  steps: EditStep[];
  after: string;
}

export function edit(before: string, steps: readonly EditStep[]): string {
  const editor = new YamlDocumentEditor(before);
  for (const step of steps) editor.apply(step);
  return editor.text;
}

function read(text: string, version: "1.1" | "1.2"): unknown {
  const doc = parseDocument(text, { version, merge: true, uniqueKeys: false });
  expect(doc.errors.map((error) => error.message)).toEqual([]);
  return doc.toJS();
}

/** The output reads, under YAML 1.2, YAML 1.1 and Kubernetes' own reader, as the input with the steps applied. */
export function expectLossless(before: string, after: string, steps: readonly EditStep[]): void {
  const records = steps.map((step) => ({ op: step.op, path: step.path, after: step.value ?? null }));
  for (const version of ["1.2", "1.1"] as const) {
    expect(read(after, version), `YAML ${version}`).toEqual(applyRecords(read(before, version), records));
  }
  if (K8S_READ) {
    const [was] = k8sRead(before).documents;
    const [now] = k8sRead(after).documents;
    expect(now, "k8s-read").not.toBeInstanceOf(Error);
    expect(now, "k8s-read").toEqual(applyRecords(was, records));
  }
}

export function editCases(cases: readonly EditCase[]): void {
  for (const { name, before, steps, after } of cases) {
    it(name, () => {
      const output = edit(before, steps);
      expect(output).toBe(after);
      expectLossless(before, output, steps);
    });
  }
}

export const set = (path: EditStep["path"], value: EditStep["value"]): EditStep => ({ op: "set", path, value: value ?? null });
export const del = (path: EditStep["path"]): EditStep => ({ op: "delete", path });
export const append = (path: EditStep["path"], value: EditStep["value"]): EditStep => ({ op: "append", path, value: value ?? null });
