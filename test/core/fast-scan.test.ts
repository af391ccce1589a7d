import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { fastScan, misreadCommentIn } from "../../src/core/fast-scan.js";
import { splitStream } from "../../src/core/stream.js";
import { PARSE_OPTIONS } from "../../src/core/yaml-editor.js";
import { CORPUS, corpusFiles, corpusMissing, EXAMPLES, yaml } from "../helpers.js";
import { K8S_READ, k8sRead } from "../k8s-read.js";

/** What the full reader makes of a document: the reference the fast path must match exactly. */
function fullRead(text: string): { value: unknown; errors: number } {
  const doc = parseDocument(text, { ...PARSE_OPTIONS, merge: text.includes("<<") });
  return { value: doc.toJS({ maxAliasCount: 1000 }), errors: doc.errors.length };
}

/** Accepted means: the full reader reads it without error, to the same data. */
function expectAgreement(text: string): boolean {
  const fast = fastScan(text);
  if (!("value" in fast)) return false;
  const full = fullRead(text);
  expect(full.errors, text).toBe(0);
  expect(fast.value, text).toStrictEqual(full.value);
  return true;
}

describe("fastScan reads the block YAML renderers write, to the data parseDocument gives", () => {
  const cases: Array<[string, string, unknown]> = [
    [
      "nested maps, plain scalars of every core type",
      yaml`
        ---
        # Source: chart/templates/sts.yaml
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
          labels:
            helm.sh/chart: db-1.2.3
        spec:
          replicas: 3
          ratio: 1.5
          big: 1e3
          octal: 0o17
          hex: 0x1F
          leadingZero: 0644
          on: on
          yes: true
          no: False
          nothing: ~
          empty:
          infinity: -.inf
      `,
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", labels: { "helm.sh/chart": "db-1.2.3" } },
        spec: { replicas: 3, ratio: 1.5, big: 1000, octal: 15, hex: 31, leadingZero: 644, on: "on", yes: true, no: false, nothing: null, empty: null, infinity: Number.NEGATIVE_INFINITY },
      },
    ],
    [
      "sequences: indented, at the key's column, of maps, of scalars, with comments between",
      yaml`
        kind: Job
        spec:
          containers:
            - name: a
              args:
              - --flag
              - "quoted # not a comment"
              - 'it''s'
              # a comment line
            -   name: b   # trailing comment
                image: busybox:1.36
          empty:
            -
      `,
      {
        kind: "Job",
        spec: {
          containers: [
            { name: "a", args: ["--flag", "quoted # not a comment", "it's"] },
            { name: "b", image: "busybox:1.36" },
          ],
          empty: [null],
        },
      },
    ],
    [
      "literal block scalars with each chomping, blank lines kept inside",
      yaml`
        kind: CronJob
        script: |
          set -e
          kubectl delete pvc data

          echo done # not a comment
        strip: |-
          a
        keep: |+
          b

        after: x
      `,
      { kind: "CronJob", script: "set -e\nkubectl delete pvc data\n\necho done # not a comment\n", strip: "a", keep: "b\n\n", after: "x" },
    ],
    [
      "one-line flow collections and escapes",
      yaml`
        kind: Deployment
        accessModes: ["ReadWriteOnce"]
        command: ["/bin/sh", "-c", "echo \\"hi\\"\\n"]
        empty: []
        map: {a: 1, "b c": x, d: [y, z]}
        unicode: "caf\\u00e9"
      `,
      { kind: "Deployment", accessModes: ["ReadWriteOnce"], command: ["/bin/sh", "-c", 'echo "hi"\n'], empty: [], map: { a: 1, "b c": "x", d: ["y", "z"] }, unicode: "café" },
    ],
    [
      "Helm's toYaml of empty collections on the line below, multi-line plain scalars",
      yaml`
        kind: Deployment
        metadata:
          annotations:
            {}
        spec:
          volumes:
            []
          args:
            - . /opt/scripts/env.sh &&
              . /opt/scripts/lib.sh

              done
          note: first
            second
      `,
      { kind: "Deployment", metadata: { annotations: {} }, spec: { volumes: [], args: [". /opt/scripts/env.sh && . /opt/scripts/lib.sh\ndone"], note: "first second" } },
    ],
    [
      "comments and a marker before the content, URL-like plain scalars",
      yaml`
        # leading comment
        --- # marker comment
        kind: ConfigMap
        data:
          url: https://example.com:8443/path#frag
          "quoted key": v
      `,
      { kind: "ConfigMap", data: { url: "https://example.com:8443/path#frag", "quoted key": "v" } },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const fast = fastScan(text);
      // A plain key YAML 1.1 reads as another (`on`, `yes`, `no`) is where edits of the document are refused.
      const keyOtherwise = /^ *(?:on|yes|no):/m.exec(text);
      expect(fast).toStrictEqual(keyOtherwise ? { value: expected, keyOtherwiseIn11: keyOtherwise.index + keyOtherwise[0].indexOf(keyOtherwise[0].trim()) } : { value: expected });
      expect(expectAgreement(text)).toBe(true);
    });
  }
});

describe("fastScan falls back on anything outside its subset", () => {
  const cases: Array<[string, string]> = [
    ["anchor and alias", "kind: A\na: &x 1\nb: *x\n"],
    ["merge key", "kind: A\nbase: {a: 1}\nm:\n  <<: {a: 1}\n"],
    ["tag", "kind: A\na: !!str 1\n"],
    ["folded scalar", "kind: A\na: >\n  folded\n  text\n"],
    ["multi-line plain scalar with a colon", "kind: A\na: one\n  two: three\n"],
    ["multi-line quoted scalar", 'kind: A\na: "one\n  two"\n'],
    ["multi-line flow collection", "kind: A\na: [one,\n  two]\n"],
    ["duplicate key", "kind: A\nkind: B\n"],
    ["non-string key", "kind: A\n1: one\n"],
    ["tab", "kind: A\na:\tb\n"],
    ["CRLF", "kind: A\r\na: b\r\n"],
    ["no final line break", "kind: A"],
    ["directive", "%YAML 1.2\n---\nkind: A\n"],
    ["root is a sequence", "- a\n- b\n"],
    ["root is a scalar", "just text\n"],
    ["only comments", "# nothing\n"],
    ["explicit key", "kind: A\n? a\n: b\n"],
    ["indentation indicator", "kind: A\na: |2\n    x\n"],
    ["colon in a plain value", "kind: A\na: b: c\n"],
    ["text after a quoted value", 'kind: A\na: "b" c\n'],
    ["compact nested sequence", "kind: A\na:\n- - b\n"],
    ["an anchor on the line below its key", "kind: A\na:\n  &x b\n"],
    ["bad indentation", "kind: A\na:\n  b: 1\n c: 2\n"],
    ["document end marker", "kind: A\n...\n"],
    ["flow collections nested past any real manifest", `kind: A\na: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    ["block maps nested past any real manifest", `kind: A\n${Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const fast = fastScan(text);
      expect("fallback" in fast, JSON.stringify(fast)).toBe(true);
    });
  }
});

describe("fastScan edge cases: accepted only where parseDocument agrees", () => {
  const accepted = [
    "a: |\n\n\nb: 1\n",
    "a: |+\n\n\nb: 1\n",
    "a: |+\n\n",
    "a: |+\n  x\n\n\n",
    "a:\n- b\nc: 1\n",
    "a: b\n  # c\n",
    "a: x\n\n  y\n",
    "k: 1:2\n",
    "k: [ a , [b, c], {d: e} ]\n",
    'k: "\\x41\\u00e9"\n',
    "k:    \n  - a\n",
    // White space YAML does not trim (only spaces and tabs are YAML's): part of the scalar or key.
    "k: x\u00a0\n",
    "k\u00a0: x\n",
    "k: [x\u00a0, y\u2003]\n",
    "k: one\n  two\u3000\n",
    "k: x\u2003 # c\n",
    // A root flow map on one line, as JSON-like renders write it.
    '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "{\\"x\\":[]}", b: \'c\'}}\n',
    "---\n{kind: A, n: 1} # c\n\n# end\n",
    "{}\n",
  ];
  for (const text of accepted) {
    it(`reads ${JSON.stringify(text)}`, () => {
      expect(expectAgreement(text)).toBe(true);
    });
  }
  const rejected = ['a: "x"\n  b\n', "k: -\n", "k: a\n  - b\n", "k: |\n  a\n b: 1\n", "k: 'a'#x\n", "k: [a, -]\n", "k: [-]\n", "k: {a: -}\n", "---\n---\nk: 1\n", "# c\n\ufeffk: 1\n", `a:\n${"k".repeat(1024)}: 1\n`, "{a: 1,\n b: 2}\n", "{a: 1}\nb: 2\n", "{a: 1}: b\n", "{a: 1} x\n", "{a: 1}#c\n", "{a: 1, a: 2}\n", "--- {a: 1}\n", " {a: 1}\n", "[a]\n"];
  for (const text of rejected) {
    it(`falls back on ${JSON.stringify(text)}`, () => {
      expect("fallback" in fastScan(text)).toBe(true);
    });
  }
});

describe("a plain scalar that starts like a number but holds a character no number holds", () => {
  it("(100m, 1Gi, 0x1G, .inf5): reads what parseDocument reads", () => {
    for (const plain of ["100m", "1Gi", "0x1G", "0o8", ".inf5", "-.nan", "+1e3x", "1e3", "0x1F", "0o17", "-.INF"]) {
      expect(expectAgreement(`k: ${plain}\n`), plain).toBe(true);
    }
  });

  it("any such scalar: falls back or reads what parseDocument reads", () => {
    const plain = fc
      .tuple(fc.constantFrom(..."-+.0123456789"), fc.string({ unit: fc.constantFrom(..."0123456789.-+eEoxinINfaAFmGgKkMi=/_"), maxLength: 8 }))
      .map(([first, rest]) => first + rest);
    let accepted = 0;
    fc.assert(
      fc.property(plain, (scalar) => {
        if (expectAgreement(`k: ${scalar}\nl: [${scalar}]\n`)) accepted++;
      }),
      { numRuns: 2000, seed: 13 },
    );
    expect(accepted).toBeGreaterThan(1000);
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

describe("fastScan on real renders", () => {
  it("agrees with parseDocument on every document of the seed charts, and reads every workload", () => {
    const missed: string[] = [];
    for (const file of renderedExamples()) {
      documentsOf(file).forEach((text, index) => {
        const accepted = expectAgreement(text);
        if (!accepted && WORKLOADS.test(text)) missed.push(`${file} #${index + 1}: ${JSON.stringify(fastScan(text))}`);
      });
    }
    expect(missed).toStrictEqual([]);
  });

  it.skipIf(corpusMissing)(`agrees with parseDocument on every document of ${CORPUS}`, () => {
    let workloads = 0;
    let read = 0;
    for (const file of corpusFiles()) {
      for (const text of documentsOf(file)) {
        const accepted = expectAgreement(text);
        if (WORKLOADS.test(text)) {
          workloads++;
          if (accepted) read++;
        }
      }
    }
    // The corpus is real-world text: most workloads must take the fast path, or it is not worth having.
    expect(read).toBeGreaterThanOrEqual(Math.ceil(workloads * 0.9));
  });
});

describe("fastScan agrees with parseDocument on generated documents", () => {
  const key = fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,10}$/), fc.constantFrom("on", "yes", "1", "true", "null", "a b", "x: y", "#c", "-x", "'q'"));
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom("0644", "1e3", "-.inf", "~", "", "a: b", "a #b", "- x", "it's", 'say "hi"', "back\\slash", "multi\nline\n", "trail \n\n", "[x]", "{y}", "*a", "&b"),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("map"), tie("list")),
    map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    list: fc.array(tie("node"), { maxLength: 4 }),
  })).node;
  const options = fc.record({
    indent: fc.constantFrom(2, 4),
    indentSeq: fc.boolean(),
    blockQuote: fc.constantFrom(true, false, "literal" as const, "folded" as const),
    defaultStringType: fc.constantFrom("PLAIN" as const, "QUOTE_DOUBLE" as const, "QUOTE_SINGLE" as const),
    flowCollectionPadding: fc.boolean(),
    collectionStyle: fc.constantFrom("any" as const, "block" as const),
    lineWidth: fc.constantFrom(0, 12, 40),
  });

  it("either falls back or reads what parseDocument reads", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), options, (data, format) => {
        const text = `---\n${stringify({ kind: "Job", ...data }, { ...format, minContentWidth: 0 })}`;
        if (expectAgreement(text)) accepted++;
      }),
      { numRuns: 300, seed: 15 },
    );
    // Most generated documents must take the fast path, or the property says little about it.
    expect(accepted).toBeGreaterThan(100);
  });
});

// The yaml package (2.x) reads the lines after a plain scalar below its key or dash into it, or a key out of it, when
// a comment line whose # no space follows comes before it; Kubernetes' reader and fast-scan read the scalar alone.
// fast-scan reads the document and says where: the editor's parser may not plan an edit of it.
describe("a comment the yaml package misreads", () => {
  const cases: Array<[string, string, unknown, boolean]> = [
    ["before a scalar below its key", "a:\n  b:\n#x\n   t\n  c: 1\n", { a: { b: "t", c: 1 } }, true],
    ["before a scalar below a dash, after a blank line", "r:\n-\n\n#x\n  t\n- u\n", { r: ["t", "u"] }, true],
    ["indented past its key: read alike", "a:\n  b:\n   #x\n    t\n  c: 1\n", { a: { b: "t", c: 1 } }, false],
    ["indented past its dash: read alike", "r:\n-\n #x\n  t\n- u\n", { r: ["t", "u"] }, false],
    ["before a literal block: read alike", "a:\n  b:\n#x\n   |\n    t\n  c: 1\n", { a: { b: "t\n", c: 1 } }, false],
    ["deeper, a sequence item after it", "r:\n- k:\n    a:\n#x\n     p\n- x\n", { r: [{ k: { a: "p" } }, "x"] }, true],
    ["with a space after the #: read alike", "a:\n  b:\n# x\n   t\n  c: 1\n", { a: { b: "t", c: 1 } }, false],
    ["before a key line: read alike", "a:\n  b:\n#x\n    d: t\n  c: 1\n", { a: { b: { d: "t" }, c: 1 } }, false],
    ["before a quoted scalar or a flow collection: read alike", "a:\n  b:\n#x\n    'q'\n  c:\n#x\n    [1]\n", { a: { b: "q", c: [1] } }, false],
    ["after the key on its line: read alike", "a:\n  b: #x\n    t\n", { a: { b: "t" } }, false],
  ];

  it.each(cases)("%s", (_name, text, value, misread) => {
    // Where the comment's # is; and the yaml package reads otherwise exactly there.
    expect(fastScan(text)).toStrictEqual(misread ? { value, misread: text.indexOf("#x") } : { value });
    if (misread) expect(fullRead(text)).not.toStrictEqual({ value, errors: 0 });
    else expect(fullRead(text)).toStrictEqual({ value, errors: 0 });
  });

  it.each(cases)("%s: found as well from the text alone (for documents the parser reads)", (_name, text, _value, misread) => {
    expect(misreadCommentIn(text)).toBe(misread ? text.indexOf("#x") : undefined);
    // After an anchor, which fast-scan leaves to the parser.
    const anchored = `z: &q 1\n${text}`;
    expect(misreadCommentIn(anchored)).toBe(misread ? anchored.indexOf("#x") : undefined);
  });

  it.skipIf(!K8S_READ)("Kubernetes reads each as fast-scan does", () => {
    expect(k8sRead(cases.map(([, text]) => `---\n${text}`).join("")).documents).toStrictEqual(cases.map(([, , value]) => value));
  });
});
