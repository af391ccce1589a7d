/**
 * Reader throughput on the documents the rules read (StatefulSets, CronJobs, Jobs, Deployments) of the
 * candidate-heavy stream: the full read the pipeline does today (parseDocument + toJS), the `yaml` package's CST
 * Parser and Lexer alone, and src/core/fast-scan.ts (compiled here with esbuild), in interleaved rounds, in-process.
 * MB/s are medians; only their ratios mean much on a shared machine.
 */
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { Lexer, Parser, parseDocument } from "yaml";
import { buildCandidateHeavyStreams } from "./candidate-heavy-stream.mjs";

const CANDIDATE = /^kind:[ \t]*(?:StatefulSet|CronJob|Job|Deployment)[ \t]*$/m;
const MARKER = /^(?=---(?:[ \t][^\n]*)?$)/m;

async function loadFastScan(root) {
  const out = join(tmpdir(), `fast-scan-${process.pid}.cjs`);
  const result = await build({ entryPoints: [join(root, "src/core/fast-scan.ts")], bundle: true, platform: "node", format: "cjs", write: false, logLevel: "warning" });
  writeFileSync(out, result.outputFiles[0].contents);
  try {
    return createRequire(import.meta.url)(out);
  } finally {
    rmSync(out, { force: true });
  }
}

export async function runReaders({ root, corpus, quick }) {
  console.log("\n== readers on the candidate documents (in-process MB/s) ==");
  const n = quick ? 2000 : 20000;
  const { streams } = buildCandidateHeavyStreams({ root, corpus, counts: [n] });
  const documents = streams[0].text.split(MARKER).filter((text) => CANDIDATE.test(text));
  const bytes = documents.reduce((total, text) => total + Buffer.byteLength(text), 0);
  const { fastScan } = await loadFastScan(root);
  let accepted = 0;
  let acceptedBytes = 0;
  for (const text of documents) {
    if ("value" in fastScan(text)) {
      accepted++;
      acceptedBytes += Buffer.byteLength(text);
    }
  }
  console.log(`${documents.length.toLocaleString("en-US")} candidate documents of the ${n.toLocaleString("en-US")}-document stream, ${(bytes / 1e6).toFixed(2)} MB; fast-scan reads ${accepted} of them (${((100 * acceptedBytes) / bytes).toFixed(1)} % of the bytes), the rest fall back`);

  let sink = 0;
  const readers = {
    "parseDocument + toJS (today's read)": (text) => {
      const doc = parseDocument(text, { merge: text.includes("<<"), prettyErrors: false, uniqueKeys: false });
      sink += doc.toJS({ maxAliasCount: 1000 }) ? 1 : 0;
    },
    "parseDocument only": (text) => {
      sink += parseDocument(text, { merge: false, prettyErrors: false, uniqueKeys: false }).errors.length;
    },
    "CST Parser": (text) => {
      for (const token of new Parser().parse(text)) sink += token.type.length;
    },
    Lexer: (text) => {
      for (const token of new Lexer().lex(text)) sink += token.length;
    },
    "fast-scan (falls back to nothing)": (text) => {
      sink += "value" in fastScan(text) ? 1 : 0;
    },
  };
  const samples = Object.fromEntries(Object.keys(readers).map((name) => [name, []]));
  const rounds = quick ? 2 : 5;
  for (let round = 0; round < rounds; round++) {
    const names = Object.keys(readers);
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const start = process.hrtime.bigint();
      for (const text of documents) readers[name](text);
      samples[name].push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const base = median(samples["parseDocument + toJS (today's read)"]);
  console.log("| reader | MB/s | × today's read |");
  console.log("|---|---|---|");
  const rates = {};
  for (const [name, values] of Object.entries(samples)) {
    const seconds = median(values);
    rates[name] = bytes / 1e6 / seconds;
    console.log(`| ${name} | ${rates[name].toFixed(1)} | ${(base / seconds).toFixed(1)} × |`);
  }
  if (sink === -1) console.log("");
  return { documents: documents.length, bytes, accepted, acceptedBytes, rates };
}
