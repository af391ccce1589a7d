/**
 * Strings the yaml package reads as strings in YAML 1.1 and 1.2, but Kubernetes' reader (go-yaml) as numbers: it
 * drops the `_` of a plain scalar that starts like a number and takes any base prefix Go's integer parser takes. The
 * editor writes them double-quoted; Kubernetes' reader is the judge.
 */
import { describe, expect, it } from "vitest";
import { renderString } from "../../src/core/render.js";
import { K8S_READ, k8sRead } from "../k8s-read.js";
import { expectLossless, set } from "./support.js";

const NUMBERS_TO_GO_YAML = ["0X1F", "0B101", "0O17", "-0X1F", "+0X1F", "0X_1F", "0_x1F", "-0_b1", "0_o17", "+_1", "-_1", "1e_5", "1e5_"];
const STRINGS_TO_ALL = ["db-1.2.3", "1.2.3", "8.0.36", "10Gi", "0x", "1-2-3", "v1", "_1", "12345abc"];

describe("strings go-yaml would read as numbers are double-quoted", () => {
  it.each(NUMBERS_TO_GO_YAML)("%s", (value) => {
    expect(renderString(value)).toBe(JSON.stringify(value));
    const before = "metadata:\n  name: x\n";
    expectLossless(before, `${before}  value: ${renderString(value)}\n`, [set(["metadata", "value"], value)]);
  });

  it.each(STRINGS_TO_ALL)("%s stays plain", (value) => {
    expect(renderString(value)).toBe(value);
  });

  it.skipIf(!K8S_READ)("Kubernetes' reader reads each as written plain: a number, or the string", () => {
    const plain = [...NUMBERS_TO_GO_YAML, ...STRINGS_TO_ALL].map((value) => `---\nv: ${value}\n`).join("");
    const read = k8sRead(plain).documents.map((doc) => typeof (doc as { v: unknown }).v);
    expect(read).toEqual([...NUMBERS_TO_GO_YAML.map(() => "number"), ...STRINGS_TO_ALL.map(() => "string")]);
  });
});
