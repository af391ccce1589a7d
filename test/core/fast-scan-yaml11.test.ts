import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Schema, stringify } from "yaml";
import { fastScan, fastScanBothVersions, plainIsStringInBothVersions } from "../../src/core/fast-scan.js";
import { splitStream } from "../../src/core/stream.js";
import { readDocument } from "../../src/core/yaml-aliases.js";
import { CORPUS, corpusFiles, corpusMissing, EXAMPLES, yaml } from "../helpers.js";

/** Runs of the properties: seeded by default; `FAST_SCAN_RUNS=3000` runs more, unseeded, by hand. */
const RUNS = Number(process.env.FAST_SCAN_RUNS ?? 300);

/**
 * Accepted as YAML 1.1 means: the full 1.1 reader reads it without error, to the same data. Also: the one-pass
 * reading of both versions gives the 1.2 reading, and says the 1.1 reading is the same only when it is.
 */
function expectAgreement11(text: string): boolean {
  const both = fastScanBothVersions(text);
  const fast12 = fastScan(text);
  expect("value" in both, text).toBe("value" in fast12);
  if ("value" in both && "value" in fast12) {
    expect(both.value, text).toStrictEqual(fast12.value);
    if (both.sameIn11) expect(readDocument(text, "1.1").value, text).toStrictEqual(both.value);
  }
  const fast = fastScan(text, "1.1");
  if (!("value" in fast)) return false;
  const full = readDocument(text, "1.1");
  expect(full.error, text).toBeUndefined();
  expect(fast.value, text).toStrictEqual(full.value);
  return true;
}

describe("fastScan(text, '1.1') resolves plain scalars as the yaml-1.1 schema does", () => {
  // value written plainly → what readDocument(text, "1.1") reads (toStrictEqual tells -0 from 0, a Date from a string)
  const cases: Array<[string, unknown]> = [
    ["-0", -0],
    ["0", 0],
    [".5", 0.5],
    ["1_0.5", 10.5],
    ["0o17", "0o17"],
    ["0x_1", 1],
    ["0x1F", 31],
    ["190:20:30", 685230],
    ["190:20:30.15", 685230.15],
    ["12:30", 750],
    ["1:60", "1:60"],
    ["2001-12-14t21:59:43.10-05:00", new Date("2001-12-15T02:59:43.100Z")],
    ["2001-12-14 21:59:43.10", new Date("2001-12-14T21:59:43.100Z")],
    ["2001-12-14", new Date("2001-12-14T00:00:00.000Z")],
    ["2001-12-14T21:59:43Z", new Date("2001-12-14T21:59:43.000Z")],
    ["+12", 12],
    ["+1", 1],
    ["0b101", 5],
    ["0b1", 1],
    ["0644", 420],
    ["08", 8],
    ["0_", Number.NaN],
    ["1_000", 1000],
    ["99999999999999999999", 1e20],
    ["1e3", 1000],
    ["e5", Number.NaN],
    ["E+2", Number.NaN],
    [".", Number.NaN],
    ["1.", 1],
    ["-.inf", Number.NEGATIVE_INFINITY],
    [".NaN", Number.NaN],
    ["~", null],
    ["Null", null],
    ["NULL", null],
    ["Y", true],
    ["y", true],
    ["yes", true],
    ["ON", true],
    ["On", true],
    ["true", true],
    ["n", false],
    ["No", false],
    ["off", false],
    ["FALSE", false],
    ["oFF", "oFF"],
    ["yES", "yES"],
    ["name", "name"],
    ["_1", "_1"],
    ["1.2.3", "1.2.3"],
    ["v1.36", "v1.36"],
    ["-x", "-x"],
    // Characters no number or timestamp holds: strings.
    ["100m", "100m"],
    ["1Gi", "1Gi"],
    ["1.5Gi", "1.5Gi"],
    ["--port=80", "--port=80"],
    ["0x1G", "0x1G"],
    ["2001-12-14T21:59:43Zs", "2001-12-14T21:59:43Zs"],
    ["12:30h", "12:30h"],
  ];
  for (const [plain, expected] of cases) {
    it(`k: ${plain}`, () => {
      const text = `k: ${plain}\n`;
      expect(fastScan(text, "1.1")).toStrictEqual({ value: { k: expected } });
      expect(readDocument(text, "1.1")).toStrictEqual({ value: { k: expected } });
    });
  }

  it("in sequences, flow collections and multi-line plain scalars too", () => {
    const text = yaml`
      kind: CronJob
      spec:
        schedule: 0 3 * * *
        ports: [0644, yes, {x: off}]
        list:
          - on
          - 1_000
        when: 2001-12-14
          21:59:43.10
    `;
    expect(fastScan(text, "1.1")).toStrictEqual({ value: { kind: "CronJob", spec: { schedule: "0 3 * * *", ports: [420, true, { x: false }], list: [true, 1000], when: new Date("2001-12-14T21:59:43.100Z") } } });
    expect(expectAgreement11(text)).toBe(true);
  });

  it("reads the same text differently from 1.2, as parseDocument does", () => {
    const text = "kind: Job\na: 0o17\nb: 0644\nc: yes\nd: 1_000\ne: 12:30\n";
    expect(fastScan(text)).toStrictEqual({ value: { kind: "Job", a: 15, b: 644, c: "yes", d: "1_000", e: "12:30" } });
    expect(fastScan(text, "1.2")).toStrictEqual(fastScan(text));
    expect(fastScan(text, "1.1")).toStrictEqual({ value: { kind: "Job", a: "0o17", b: 420, c: true, d: 1000, e: 750 } });
    expect(expectAgreement11(text)).toBe(true);
  });
});

describe("fastScan(text, '1.1') falls back on keys 1.1 does not read as the same string", () => {
  const keys = ["on", "y", "N", "Off", "1_000", "0b1", "12:30", "2001-12-14", "e5", "~", "null", ".5"];
  for (const key of keys) {
    it(`${key}:`, () => {
      expect("fallback" in fastScan(`kind: A\n${key}: v\n`, "1.1")).toBe(true);
      expect("fallback" in fastScan(`kind: A\nm: {${key}: v}\n`, "1.1")).toBe(true);
    });
  }
  it("while 1.2 reads the words among them as strings", () => {
    // …and says where the first is: an edit of its map would be planned on a key Kubernetes does not have.
    expect(fastScan("kind: A\non: v\ny: w\n")).toStrictEqual({ value: { kind: "A", on: "v", y: "w" }, keyOtherwiseIn11: 8 });
  });
});

describe("the yaml-1.1 tags are those fast-scan's first-character filter was written for", () => {
  it("tag, format and test of every default tag with a test, in the composer's order", () => {
    const tags = new Schema({ schema: "yaml-1.1", resolveKnownTags: false, merge: true }).tags.flatMap((tag) =>
      tag.default === true && tag.test ? [[tag.tag, tag.format ?? "", tag.test.source]] : [],
    );
    // Any change here (a new version of `yaml`) means: check resolvePlainYaml11's first characters and YAML11_WORD.
    expect(tags).toStrictEqual([
      ["tag:yaml.org,2002:null", "", "^(?:~|[Nn]ull|NULL)?$"],
      ["tag:yaml.org,2002:bool", "", "^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$"],
      ["tag:yaml.org,2002:bool", "", "^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$"],
      ["tag:yaml.org,2002:int", "BIN", "^[-+]?0b[0-1_]+$"],
      ["tag:yaml.org,2002:int", "OCT", "^[-+]?0[0-7_]+$"],
      ["tag:yaml.org,2002:int", "", "^[-+]?[0-9][0-9_]*$"],
      ["tag:yaml.org,2002:int", "HEX", "^[-+]?0x[0-9a-fA-F_]+$"],
      ["tag:yaml.org,2002:float", "", "^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$"],
      ["tag:yaml.org,2002:float", "EXP", "^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$"],
      ["tag:yaml.org,2002:float", "", "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$"],
      ["tag:yaml.org,2002:int", "TIME", "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$"],
      ["tag:yaml.org,2002:float", "TIME", "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$"],
      [
        "tag:yaml.org,2002:timestamp",
        "",
        "^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$",
      ],
    ]);
  });

  it("any short plain scalar: falls back or reads what readDocument(text, '1.1') reads", () => {
    const plain = fc.string({ unit: fc.constantFrom(..."0123456789_:.-+ eEbxoOyYnNtTfFlrsuaA~"), minLength: 1, maxLength: 8 });
    let accepted = 0;
    fc.assert(
      fc.property(plain, (scalar) => {
        if (expectAgreement11(`kind: A\nk: ${scalar}\nl: [${scalar}]\n`)) accepted++;
      }),
      process.env.FAST_SCAN_RUNS ? { numRuns: 10 * RUNS } : { numRuns: 10 * RUNS, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(5 * RUNS);
  });
});

describe("a plain scalar that starts like a number but holds a character no number holds", () => {
  it("(100m, 1Gi, --port=80): falls back or reads what readDocument(text, '1.1') reads", () => {
    const plain = fc
      .tuple(fc.constantFrom(..."-+.0123456789"), fc.string({ unit: fc.constantFrom(..."0123456789_:.-+ eEbxoinINtTZfaAmGgKkMi=/"), maxLength: 8 }))
      .map(([first, rest]) => first + rest);
    let accepted = 0;
    fc.assert(
      fc.property(plain, (scalar) => {
        if (expectAgreement11(`kind: A\nk: ${scalar}\nl: [${scalar}]\n`)) accepted++;
      }),
      process.env.FAST_SCAN_RUNS ? { numRuns: 10 * RUNS } : { numRuns: 10 * RUNS, seed: 12 },
    );
    expect(accepted).toBeGreaterThan(5 * RUNS);
  });
});

describe("number-like plain scalars read before (a render repeats them) read as the first time", () => {
  it("in both versions, whether or not YAML 1.1 reads them alike, short or long", () => {
    const scalars = ["8080", "0777", "1_000", "12:30", "1e3", "0x1F", "100m", "1Gi", "-1", "+.5", ".inf", "1.2.3", "1234567890123"];
    for (const scalar of scalars) {
      const text = `kind: A\nk: ${scalar}\nl: [${scalar}, x]\n`;
      const first = fastScanBothVersions(text);
      expect(fastScanBothVersions(text), scalar).toStrictEqual(first);
      if (!("value" in first)) continue;
      expect(first.value, scalar).toStrictEqual(readDocument(text, "1.2").value);
      expect(first.sameIn11, scalar).toBe(isDeepStrictEqual(readDocument(text, "1.1").value, first.value));
    }
  });
});

describe("plain keys read before (a render repeats them) read as the first time", () => {
  it("in both versions and in each alone: a string key, a key YAML 1.1 reads as a bool, one that is no string", () => {
    const keys = ["name", "app.kubernetes.io/managed-by", "on", "y", "Yes", "off", "1", "~", "null", "true", "0777", "e3"];
    for (const key of keys) {
      const text = `kind: A\n${key}: x\nnested:\n  ${key}: y\n`;
      const reads = () => ({ both: fastScanBothVersions(text), in11: fastScan(text, "1.1"), in12: fastScan(text) });
      const first = reads();
      expect(reads(), key).toStrictEqual(first);
      const { both, in11, in12 } = first;
      if (!("value" in both)) continue;
      expect(both.value, key).toStrictEqual(readDocument(text, "1.2").value);
      expect(both.sameIn11, key).toBe(isDeepStrictEqual(readDocument(text, "1.1").value, both.value));
      const { keyOtherwiseIn11, ...read } = in12 as { keyOtherwiseIn11?: number };
      expect(read, key).toStrictEqual({ value: both.value });
      // Said where the key is one YAML 1.1 reads otherwise, or that no tag may be sure of.
      expect(keyOtherwiseIn11 === undefined, key).toBe(plainIsStringInBothVersions(key) === true);
      if ("value" in in11) expect(in11.value, key).toStrictEqual(readDocument(text, "1.1").value);
    }
  });
});

function documentsOf(file: string): string[] {
  return splitStream(readFileSync(file, "utf8")).map((raw) => raw.text);
}

function renderedExamples(): string[] {
  return readdirSync(EXAMPLES).flatMap((chart) => {
    try {
      return readdirSync(join(EXAMPLES, chart))
        .filter((name) => /^rendered.*\.ya?ml$/.test(name))
        .map((name) => join(EXAMPLES, chart, name));
    } catch {
      return [];
    }
  });
}

const WORKLOADS = /^kind: (?:StatefulSet|CronJob|Job|Deployment)$/m;

describe("fastScan(text, '1.1') on real renders", () => {
  it("agrees with readDocument(text, '1.1') on every document of the seed charts, and reads every workload", () => {
    const missed: string[] = [];
    for (const file of renderedExamples()) {
      documentsOf(file).forEach((text, index) => {
        const accepted = expectAgreement11(text);
        if (!accepted && WORKLOADS.test(text)) missed.push(`${file} #${index + 1}: ${JSON.stringify(fastScan(text, "1.1"))}`);
      });
    }
    expect(missed).toStrictEqual([]);
  });

  it.skipIf(corpusMissing)(`agrees with readDocument(text, '1.1') on every document of ${CORPUS}`, () => {
    let workloads = 0;
    let read = 0;
    for (const file of corpusFiles()) {
      for (const text of documentsOf(file)) {
        const accepted = expectAgreement11(text);
        if (WORKLOADS.test(text)) {
          workloads++;
          if (accepted) read++;
        }
      }
    }
    expect(read).toBeGreaterThanOrEqual(Math.ceil(workloads * 0.9));
  });
});

describe("fastScan(text, '1.1') agrees with readDocument(text, '1.1') on generated documents", () => {
  // Scalars that 1.2 writes plainly but 1.1 reads as something else.
  const yaml11 = ["yes", "no", "on", "off", "y", "n", "Y", "NO", "0644", "08", "1_000", "12:30", "190:20:30.5", "2001-12-14", "2001-12-14 21:59:43.10", "0b1", ".5", "+1", "-0", "0o17", "e5", "0x_1"];
  const key = fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,10}$/), fc.constantFrom(...yaml11, "true", "null", "a b", "x: y", "-x"));
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...yaml11, "1e3", "-.inf", "~", "", "a: b", "a #b", "it's", "multi\nline\n", "[x]"), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("map"), tie("list")),
    map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    list: fc.array(tie("node"), { maxLength: 4 }),
  })).node;
  const options = fc.record({
    indent: fc.constantFrom(2, 4),
    indentSeq: fc.boolean(),
    blockQuote: fc.constantFrom(true, false, "literal" as const, "folded" as const),
    defaultStringType: fc.constantFrom("PLAIN" as const, "QUOTE_DOUBLE" as const),
    collectionStyle: fc.constantFrom("any" as const, "block" as const),
    lineWidth: fc.constantFrom(0, 12, 40),
  });

  it("either falls back or reads what readDocument(text, '1.1') reads", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), options, (data, format) => {
        const text = `---\n${stringify({ kind: "Job", ...data }, { ...format, minContentWidth: 0 })}`;
        if (expectAgreement11(text)) accepted++;
      }),
      process.env.FAST_SCAN_RUNS ? { numRuns: RUNS } : { numRuns: RUNS, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(RUNS / 4);
  });
});
