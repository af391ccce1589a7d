#!/usr/bin/env node
// Long fuzz runs: `npm run fuzz -- --runs 10000 --seed 7`. Runs test/fuzz with FUZZ_RUNS and FUZZ_SEED set.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10000" }, seed: { type: "string", default: String(Date.now() % 1e9) } } });
for (const [name, value] of Object.entries(values)) {
  if (!/^\d+$/.test(value)) {
    console.error(`fuzz: --${name} must be a whole number, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
}
console.log(`fuzz: ${values.runs} cases from seed ${values.seed}`);
const run = spawnSync("npx", ["vitest", "run", "test/fuzz"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: values.runs, FUZZ_SEED: values.seed },
});
process.exit(run.status ?? 1);
