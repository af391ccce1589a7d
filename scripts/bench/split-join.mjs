// Baseline for the benchmark: the least a Node post-renderer can do — read stdin, split it on `---` lines, write the
// documents back. fix-storage's time and memory on big streams are compared with this.
import { readFileSync, writeSync } from "node:fs";

const input = readFileSync(0, "utf8");
const documents = input.split(/^(?=---(?:[ \t][^\n]*)?$)/m);
writeSync(1, documents.join(""));
