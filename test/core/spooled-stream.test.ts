/**
 * A large stream's later documents are spooled (kept as bytes elsewhere, read back on use): the documents, the rules'
 * findings and changes, and every output byte must be what the same stream gives held in memory. Here the spool is
 * an array and every piece after the first two is spooled (holdBytes 0), so every path meets a spooled document.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FixStorageError } from "../../src/core/errors.js";
import { KEEP_SPOOLED_READING, ManifestStream } from "../../src/core/manifest.js";
import { statedKind } from "../../src/core/stated-kind.js";
import { type RawDocument, type Spool, splitStream, splitStreamBytes, textFacts } from "../../src/core/stream.js";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { ArraySpool, corpusFiles, EXAMPLES, yaml } from "../helpers.js";

const enc = (text: string) => new TextEncoder().encode(text);

function spooled(text: string, spool: Spool = new ArraySpool()): RawDocument[] {
  return splitStreamBytes(enc(text), { spool: () => spool, holdBytes: 0 });
}

/** What a document is, whether held or spooled. */
function plain(documents: readonly RawDocument[]) {
  return documents.map(({ index, offset, line, text }) => ({ index, offset, line, text }));
}

const ON: FixOptions = { enable: ["claim-retention"], release: { name: "corpus", namespace: "corpus" } };

/** Everything a run reports, and its output. */
async function outcome(input: string | readonly RawDocument[], options: FixOptions = ON): Promise<unknown> {
  try {
    const result = await fixStream(input, options);
    return { output: result.output, changes: result.changes, findings: result.findings, documents: result.documents };
  } catch (error) {
    if (!(error instanceof FixStorageError)) throw error;
    return { error: error.message, location: error.location };
  }
}

function renders(): string[] {
  const found: string[] = [];
  for (const name of readdirSync(EXAMPLES)) {
    const dir = join(EXAMPLES, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) if (/^rendered.*\.yaml$/.test(file)) found.push(join(dir, file));
  }
  return [...found, ...corpusFiles()];
}

/** Documents that take the reader's other roads: no kind line, a kind line that may mislead, a List, an escape. */
const UNUSUAL = [
  "# a comment before the first marker, joined to the first document\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
  yaml`
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: db
      labels: {app: db, helm.sh/chart: db-1.2.3}
    spec:
      serviceName: db
      selector:
        matchLabels: {app: db}
      template:
        metadata:
          labels: {app: db}
        spec:
          containers: [{name: db, image: "db:1"}]
      volumeClaimTemplates:
        - metadata:
            name: data
            labels: {app: db, helm.sh/chart: db-1.2.3}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
  `,
  `---\n{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "shared"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}\n`,
  yaml`
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: "quoted \\u0050ersistentVolumeClaim"
    data:
      a: b
  `,
  yaml`
    ---
    apiVersion: v1
    kind: List
    items:
      - apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: backup
        spec:
          schedule: "0 1 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: b, image: "b:1"}]
                  volumes:
                    - name: data
                      persistentVolumeClaim: {claimName: data-db-0}
  `,
  yaml`
    ...
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers: [{name: web, image: "web:1"}]
          volumes:
            - name: data
              persistentVolumeClaim: {claimName: shared}
  `,
  "---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf-héllo\r\n",
].join("");

/** A kind line a line break only Kubernetes' reader takes may fake: the document is read, and is in doubt. */
const MISLEADING = "---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: misleading\n# a NEL ends this comment for go-yaml\u0085kind: PersistentVolumeClaim\n";

describe("spooled documents are the documents held in memory", () => {
  for (const file of renders()) {
    const name = file.slice(file.lastIndexOf("/", file.lastIndexOf("/") - 1) + 1);
    const text = readFileSync(file, "utf8");

    it(`${name}: same documents, same findings, changes and output bytes`, async () => {
      const spool = new ArraySpool();
      const documents = spooled(text, spool);
      expect(plain(documents)).toEqual(plain(splitStream(text)));
      const held = await outcome(text);
      expect(await outcome(documents)).toEqual(held);
      expect(await outcome(documents, { ...ON, keepSpooledReading: 0 })).toEqual(held);
      if (documents.length > 2) expect(spool.appended).toBeGreaterThan(0);
    });
  }

  it("documents off the common road: no kind line, a List, an escape, CRLF, after `...`; and a kind line that misleads", async () => {
    for (const text of [UNUSUAL, UNUSUAL + MISLEADING, MISLEADING + UNUSUAL]) {
      const documents = spooled(text);
      expect(plain(documents)).toEqual(plain(splitStream(text)));
      const held = await outcome(text);
      expect(await outcome(documents)).toEqual(held);
      expect(await outcome(documents, { ...ON, keepSpooledReading: 0 })).toEqual(held);
    }
    const result = await fixStream(spooled(UNUSUAL + MISLEADING), ON);
    expect(result.findings.map((finding) => finding.rule)).toContain("reader");
  });

  it("a spooled document's facts are those of its text; a document with no kind line is held, as every rule searches it", () => {
    const documents = spooled(UNUSUAL);
    for (const document of documents.filter((each) => each.facts !== undefined)) expect(document.facts).toEqual(textFacts(document.text));
    const json = documents[3];
    expect(json?.text.startsWith('---\n{"apiVersion"')).toBe(true);
    expect(json?.facts).toBeUndefined();
  });

  it("spooled documents with the same facts share one facts object: a large stream holds a few, not one each", () => {
    const configMap = (i: number, escaped: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  a: "${escaped}"\n`;
    const text = Array.from({ length: 8 }, (_, i) => configMap(i, i % 2 === 0 ? "x" : "\\u0078")).join("") + "---\nkind: Secret\n";
    const documents = spooled(text);
    const facts = documents.map((document) => document.facts);
    expect(facts.map((each) => each && `${each.kind} ${each.escaped} ${each.kindLineMayMislead}`)).toEqual([
      undefined,
      undefined,
      "ConfigMap false false",
      "ConfigMap true false",
      "ConfigMap false false",
      "ConfigMap true false",
      "ConfigMap false false",
      "ConfigMap true false",
      "Secret false false",
    ]);
    expect(new Set(facts.filter((each) => each !== undefined)).size).toBe(3);
    expect(plain(documents)).toEqual(plain(splitStream(text)));
  });

  it("documents under smallestSpooled are held, and a spool that cannot be made is asked for once", () => {
    let asked = 0;
    const documents = splitStreamBytes(enc(UNUSUAL), {
      spool: () => {
        asked++;
        return undefined;
      },
      holdBytes: 0,
    });
    expect(asked).toBe(1);
    expect(plain(documents)).toEqual(plain(splitStream(UNUSUAL)));
    const sizes = splitStream(UNUSUAL).map((document) => enc(document.text).length);
    const smallest = [...sizes].sort((a, b) => a - b)[4] as number;
    const split = splitStreamBytes(enc(UNUSUAL), { spool: () => new ArraySpool(), holdBytes: 0, smallestSpooled: smallest });
    expect(split.every((document, i) => document.facts === undefined || (sizes[i] as number) >= smallest)).toBe(true);
    expect(split.some((document) => document.facts !== undefined)).toBe(true);
  });

  it("an escape in a spooled document counts: a Deployment naming its claim as \\u0063laimName is still read", async () => {
    const text = [
      UNUSUAL.slice(0, UNUSUAL.indexOf("---\napiVersion: apps/v1")),
      yaml`
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: shared
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers: [{name: web, image: "web:1"}]
              volumes:
                - name: data
                  persistentVolumeClaim: {"\\u0063laimName": shared}
      `,
    ].join("");
    const documents = spooled(text);
    expect(documents.at(-1)?.facts?.escaped).toBe(true);
    const held = await outcome(text);
    expect(JSON.stringify(held)).toContain("rwo-rollout");
    expect(await outcome(documents)).toEqual(held);
  });

  it("a document that does not parse is refused with the same document, line and column when spooled", async () => {
    const broken = `${UNUSUAL}---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: [unclosed\n`;
    const held = await outcome(broken);
    expect(held).toMatchObject({ location: { document: 9, line: expect.any(Number), column: expect.any(Number) } });
    expect(await outcome(spooled(broken))).toEqual(held);
  });

  it("a spool that refuses bytes (a full disk) keeps those documents in memory: same run", async () => {
    const spool = new ArraySpool(2);
    const documents = spooled(UNUSUAL, spool);
    expect(spool.appended).toBe(2);
    expect(documents.map((document) => document.facts !== undefined)).toEqual([false, true, true, false, false, false, false, false]);
    expect(await outcome(documents)).toEqual(await outcome(UNUSUAL));
  });

  it("held until holdBytes, then spooled; never the first two pieces (a head of comments joins the next)", () => {
    const documents = splitStream(UNUSUAL);
    const heldBytes = enc(documents.slice(0, 3).map((document) => document.text).join("")).length;
    const split = splitStreamBytes(enc(UNUSUAL), { spool: () => new ArraySpool(), holdBytes: heldBytes });
    expect(split.map((document) => document.facts !== undefined)).toEqual(documents.map((document, i) => i >= 3 && statedKind(document.text) !== undefined));
    expect(splitStreamBytes(enc(UNUSUAL), { holdBytes: 0 }).every((document) => document.facts === undefined)).toBe(true);
  });

  it("splitters given the same heldText hold holdBytes between them: one run's inputs, not each", () => {
    const sizes = splitStream(UNUSUAL).map((document) => enc(document.text).length);
    const holdBytes = (sizes[0] as number) + (sizes[1] as number) + (sizes[2] as number);
    const heldText = { bytes: 0 };
    const options = { spool: () => new ArraySpool(), holdBytes, heldText };
    const first = splitStreamBytes(enc(UNUSUAL), options);
    const second = splitStreamBytes(enc(UNUSUAL), options);
    const spooledAt = (documents: readonly RawDocument[]) => documents.map((document) => document.facts !== undefined);
    expect(spooledAt(first)).toEqual(splitStreamBytes(enc(UNUSUAL), { spool: () => new ArraySpool(), holdBytes }).map((document) => document.facts !== undefined));
    // The second input's first two pieces are always held; after them, the budget is spent.
    expect(spooledAt(second)).toEqual([false, true, true, false, true, true, true, true]);
    expect(plain(second)).toEqual(plain(first));
  });

  it("the output gives an unedited spooled document as its bytes and an edited one as its text", async () => {
    const result = await fixStream(spooled(UNUSUAL), ON);
    const touched = new Set(result.changes.map((change) => change.object.document));
    expect(touched).toContain(3);
    const kinds = [...result.outputParts].map((part, i) => (typeof part !== "string" ? "bytes" : touched.has(i + 1) ? "edited" : "held"));
    expect(kinds).toEqual(["held", "bytes", "edited", "held", "bytes", "bytes", "bytes", "bytes"]);
  });

  it("a rule's reading of spooled documents is kept for the next rule up to keepSpooledReading characters of text", () => {
    class CountingSpool extends ArraySpool {
      reads = 0;
      override read(start: number, length: number): Uint8Array {
        this.reads++;
        return super.read(start, length);
      }
    }
    // Past smallestSpooled (512 bytes), so that each is spooled.
    const statefulSet = (name: string) => `---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\n  annotations:\n    note: ${"x".repeat(600)}\n`;
    const configMap = (name: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    // The first two documents are never spooled.
    const text = `${configMap("a")}${configMap("b")}${statefulSet("one")}${statefulSet("two")}${statefulSet("three")}`;
    /** Spool reads by the first rule and by the second one, after the first rule's reading was let go of. */
    const readsByRule = (keep: number) => {
      const spool = new CountingSpool();
      const stream = new ManifestStream(spooled(text, spool), keep);
      expect(stream.objects(["StatefulSet"]).map((object) => object.name)).toEqual(["one", "two", "three"]);
      const first = spool.reads;
      stream.releaseSpooled();
      expect(stream.objects(["StatefulSet"])).toHaveLength(3);
      return [first, spool.reads - first];
    };
    const one = statefulSet("one").length;
    expect(readsByRule(KEEP_SPOOLED_READING)).toEqual([3, 0]);
    expect(readsByRule(one)).toEqual([3, 2]);
    expect(readsByRule(0)).toEqual([3, 3]);
  });
});
