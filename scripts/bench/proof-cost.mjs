/**
 * The cost of the run-time proof (src/core/proof.ts), measured in-process on the candidate-heavy stream:
 * fixStream as a whole (the proof included) against proveEdits alone on that run's edited documents and records.
 * Both are compiled from the sources here with esbuild. Prints "proof: not measured" when there is no proof yet.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { buildCandidateHeavyStreams } from "./candidate-heavy-stream.mjs";

export async function runProofCost({ root, corpus, quick }) {
  const proof = join(root, "src/core/proof.ts");
  if (!existsSync(proof)) {
    console.log("\nproof: not measured (src/core/proof.ts is not there)");
    return { notMeasured: "no src/core/proof.ts" };
  }
  const out = join(tmpdir(), `proof-cost-${process.pid}.cjs`);
  let api;
  try {
    const entry = `export { fixStream } from ${JSON.stringify(join(root, "src/fix-stream.ts"))}; export { proveEdits } from ${JSON.stringify(proof)};`;
    const result = await build({
      stdin: { contents: entry, resolveDir: root, loader: "ts" },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      logLevel: "silent",
      supported: { "dynamic-import": false },
      define: { __FIX_STORAGE_VERSION__: '"bench"' },
    });
    writeFileSync(out, result.outputFiles[0].contents);
    api = createRequire(import.meta.url)(out);
  } catch (error) {
    console.log(`\nproof: not measured (cannot build fixStream and proveEdits: ${String(error.message).split("\n")[0]})`);
    return { notMeasured: "build failed" };
  } finally {
    rmSync(out, { force: true });
  }
  const n = quick ? 2000 : 20000;
  const { streams } = buildCandidateHeavyStreams({ root, corpus, counts: [n] });
  const input = streams[0].text;
  const whole = [];
  const proofOnly = [];
  let edited = 0;
  try {
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      const start = process.hrtime.bigint();
      const result = await api.fixStream(input, {});
      whole.push(Number(process.hrtime.bigint() - start) / 1e9);
      edited = result.edited.length;
      const again = process.hrtime.bigint();
      api.proveEdits(result.edited, result.changes);
      proofOnly.push(Number(process.hrtime.bigint() - again) / 1e9);
    }
  } catch (error) {
    console.log(`\nproof: not measured (${String(error.message).split("\n")[0]})`);
    return { notMeasured: "run failed" };
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const total = median(whole);
  const cost = median(proofOnly);
  console.log(
    `\nproof: ${cost.toFixed(3)} s of ${total.toFixed(3)} s for fixStream on ${n.toLocaleString("en-US")} documents ` +
      `(${((100 * cost) / total).toFixed(1)} %; ${edited} edited documents proved; in-process, proof run again on the same result)`,
  );
  return { seconds: cost, fixStreamSeconds: total, share: cost / total, editedDocuments: edited, documents: n };
}
