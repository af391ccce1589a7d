/**
 * Differential fuzzing of the whole tool on generated workloads (see generator.ts). A fixed seed, so a failure
 * reproduces: `npm run fuzz -- --runs 10000 --seed 7` runs more cases (FUZZ_RUNS, FUZZ_SEED).
 */
import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../src/core/records.js";
import type { FixOptions } from "../../src/fix-stream.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";
import { generateCase } from "./generator.js";
import { checkCase } from "./oracle.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const OPTIONS: FixOptions = { enable: ["claim-retention"], release: { name: "rel", namespace: "ns" } };

interface Failure {
  seed: number;
  problems: string[];
  text: string;
}

describe(`fuzz: ${RUNS} generated workloads from seed ${SEED}`, () => {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const changes: ChangeRecord[] = [];

  it("every output reads as the generated object plus the change records, and a second run changes nothing", { timeout: 0 }, async () => {
    const failures: Failure[] = [];
    let edited = 0;
    for (let i = 0; i < RUNS; i++) {
      const seed = SEED + i;
      const generated = generateCase(seed);
      // Spooled too for one case in four: enough to meet every shape the generator makes, at a quarter of the time.
      const outcome = await checkCase(generated, OPTIONS, { spooled: i % 4 === 0 });
      if (outcome.problems.length > 0) failures.push({ seed, problems: outcome.problems, text: generated.text });
      if (outcome.output === undefined) continue;
      if (outcome.changes.length > 0) edited++;
      const document = inputs.length + 1;
      inputs.push(asDocument(generated.text));
      outputs.push(asDocument(outcome.output));
      for (const change of outcome.changes) changes.push({ ...change, object: { ...change.object, document } });
    }
    expect(failures.slice(0, 3), `${failures.length} of ${RUNS} cases failed`).toEqual([]);
    // The generator must reach the editor: most cases are edited.
    expect(edited).toBeGreaterThan(RUNS / 2);
  });

  it.skipIf(!K8S_READ)("Kubernetes' reader (k8s-read) reads every output as its input plus the change records", { timeout: 0 }, () => {
    expect(inputs.length).toBeGreaterThan(0);
    expect(k8sDifferences(inputs.join(""), outputs.join(""), changes).slice(0, 3)).toEqual([]);
  });
});

/** One case as one document of a joined stream. */
function asDocument(text: string): string {
  return text.startsWith("---") ? text : `---${text.includes("\r\n") ? "\r\n" : "\n"}${text}`;
}
