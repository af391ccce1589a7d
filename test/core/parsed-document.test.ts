import { describe, expect, it } from "vitest";
import { FixStorageError } from "../../src/core/errors.js";
import { ManifestStream } from "../../src/core/manifest.js";
import { sameData } from "../../src/core/plain-data.js";
import { readDocument } from "../../src/core/yaml-aliases.js";
import { type Path, valueAtPath } from "../../src/core/yaml-path.js";
import { yaml } from "../helpers.js";

/** The one document of `text`, read as the rules read it. */
function read(text: string) {
  const stream = new ManifestStream(text);
  const [raw] = stream.raw;
  if (!raw) throw new Error("no document");
  return { stream, doc: stream.parse(raw) };
}

function locatedError(text: string): { message: string; line: number | undefined; column: number | undefined } {
  try {
    read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FixStorageError);
    const { location } = error as FixStorageError;
    return { message: (error as Error).message, line: location.line, column: location.column };
  }
  throw new Error("no error");
}

describe("ParsedDocument reads with fast-scan and composes a Document only for an edit", () => {
  it("a read-only document is written back as its bytes, with the data the parser gives", () => {
    const text = yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 0x10
        volumeClaimTemplates:
        - metadata: {name: data}
    `;
    const { stream, doc } = read(text);
    expect(doc.value()).toStrictEqual({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: { replicas: 16, volumeClaimTemplates: [{ metadata: { name: "data" } }] },
    });
    expect(doc.objects().map((object) => object.get(["spec", "replicas"]))).toStrictEqual([16]);
    expect(doc.edited).toBe(false);
    expect(doc.text).toBe(text);
    expect(stream.output()).toBe(text);
  });

  it("the first edit composes the document; the original data stays as first read", () => {
    const { stream, doc } = read(yaml`
      kind: Job
      metadata:
        name: migrate # keep this comment
    `);
    doc.editor.set(["metadata", "labels"], { app: "db" });
    expect(doc.edited).toBe(true);
    expect(stream.output()).toBe(yaml`
      kind: Job
      metadata:
        name: migrate # keep this comment
        labels:
          app: db
    `);
    expect(doc.original).toStrictEqual({ kind: "Job", metadata: { name: "migrate" } });
    expect(doc.objects()[0]?.value).toStrictEqual({ kind: "Job", metadata: { name: "migrate", labels: { app: "db" } } });
    expect(doc.editor.document.toJS()).toStrictEqual({ kind: "Job", metadata: { name: "migrate", labels: { app: "db" } } });
  });

  // fast-scan falls back on all of these; the full parser then names the line and column (exit 2 in the CLI).
  const rejected: Array<[string, string, string, number, number]> = [
    ["a key inside a plain scalar", "kind: Job\nmetadata:\n  name: a\n   labels: {}\n", "Nested mappings are not allowed in compact mappings", 3, 9],
    ["unclosed flow map", "kind: Job\nspec: {a: 1\n", "Flow map in block collection must be sufficiently indented and end with a }", 3, 1],
    ["tab indentation", "kind: Job\nmetadata:\n\tname: a\n", "Tabs are not allowed as indentation", 3, 1],
    ["an alias inside its own anchor's node", "kind: Job\nmetadata: &a\n  name: x\n  self: *a\n", "the value would contain itself", 4, 9],
  ];
  it.each(rejected)("%s: an error naming the line and column", (_name, text, message, line, column) => {
    expect(locatedError(text)).toStrictEqual({ message: expect.stringContaining(message), line, column });
  });

  it("a key twice in one map: read as Kubernetes reads it (the last value), and refused to every edit, naming where", () => {
    const { doc } = read("kind: Job\nmetadata:\n  name: a\n  labels: {app: a}\n  name: b\n");
    expect(doc.value()).toStrictEqual({ kind: "Job", metadata: { name: "b", labels: { app: "a" } } });
    expect(doc.editRefusal()).toMatch(/^left as rendered: a key is repeated in one map at line 5, column 3; Kubernetes reads the last value/);
    expect(read("kind: Job\nmetadata:\n  name: a\n").doc.editRefusal()).toBeUndefined();
  });

  it("a comment the parser misreads: fast-scan's reading refuses edits; the parser's, read for an anchor, is in doubt", () => {
    const text = "kind: Job\nspec:\n  args:\n  - k:\n      a:\n#x\n       p\n  - x\n";
    const scanned = read(text).doc;
    expect(scanned.value()).toStrictEqual({ kind: "Job", spec: { args: [{ k: { a: "p" } }, "x"] } });
    expect(scanned.editRefusal()).toMatch(/^left as rendered: the comment at line 6, column 1 has no space after its #/);
    expect(scanned.doubtful).toBeUndefined();
    const parsed = read(text.replace("kind: Job\n", "kind: Job\nz: &q 1\n")).doc;
    expect(parsed.doubtful).toMatch(/^document 1 holds a comment with no space after its # .* \(line 7, column 1\)/);
    expect(parsed.editRefusal()).toMatch(/^left as rendered: it holds a comment with no space after its #/);
  });

  it("in a List, a repeated key refuses edits to the item that holds it only; outside the items, to every item", () => {
    const list = (head: string, first: string) =>
      `apiVersion: v1\nkind: List\n${head}items:\n- kind: ServiceAccount\n  metadata:\n    name: sa\n${first}- kind: Job\n  metadata:\n    name: j\n`;
    const inItem = read(list("", "    name: sa2\n")).doc;
    expect([inItem.editRefusal(0), inItem.editRefusal(1)]).toStrictEqual([expect.stringContaining("at line 7, column 5"), undefined]);
    const outside = read(list("metadata: {}\nmetadata: {}\n", "")).doc;
    expect([outside.editRefusal(0), outside.editRefusal(1)]).toStrictEqual([expect.stringContaining("at line 4, column 1"), expect.stringContaining("at line 4, column 1")]);
  });
});

describe("ManifestStream.objects", () => {
  // Kind lines of every sort: trusted, a List's, none (a flow document), one a quoted root key may make misleading,
  // two (Kubernetes reads the last).
  const stream = [
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: a\n",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata:\n    name: b\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n    name: claim\n",
    '{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "c"}}\n',
    'apiVersion: v1\nkind: ConfigMap\n"metadata":\n  name: x\ndata:\n  note: StatefulSet\n',
    "apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: twice\nkind: StatefulSet\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n",
    'apiVersion: apps/v1\nmetadata:\n  name: "d"\nkind: "StatefulSet"\n',
  ]
    .map((text) => `---\n${text}`)
    .join("");

  it.each<[string[], string[]]>([
    [["StatefulSet"], ["a", "b", "c", "twice", "d"]],
    [["PersistentVolumeClaim"], ["claim"]],
    [["StatefulSet", "PersistentVolumeClaim"], ["a", "b", "claim", "c", "twice", "d"]],
    [["ConfigMap"], ["x", "m"]],
    [["Deployment"], []],
  ])("%j: every object of those kinds, in stream order, asked after other kinds too", (kinds, names) => {
    const manifests = new ManifestStream(stream);
    expect(manifests.objects(kinds).map((object) => object.name)).toEqual(names);
    manifests.objects(["Secret"]);
    expect(manifests.objects(kinds).map((object) => object.name)).toEqual(names);
    const fresh = new ManifestStream(stream);
    fresh.objects(["ConfigMap", "Service"]);
    expect(fresh.objects(kinds).map((object) => object.name)).toEqual(names);
  });
});

describe("ParsedDocument.readsAlikeAt: what YAML 1.1 (Kubernetes) reads at a path, against what the rules read", () => {
  /** The answer from two full readings: alike where the 1.1 reading exists and holds the same data at `path`. */
  function byFullReadings(text: string, path: Path): boolean {
    const in11 = readDocument(text, "1.1");
    return in11.error === undefined && sameData(valueAtPath(readDocument(text, "1.2").value, path), valueAtPath(in11.value, path));
  }

  /** Every path into `value`, and a missing key below each map. */
  function pathsOf(value: unknown, at: Path = []): Path[] {
    const paths: Path[] = [at, [...at, "missing"]];
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...at, index]));
    } else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...at, key]));
    return paths;
  }

  // A plain 0755 is 755 to YAML 1.2 and 493 to 1.1; a plain 755 is 755 to both; `on` is a string to one and true to the
  // other (also as a key); 1:20 is 80 to 1.1; 0b1 is a string to 1.2 and 1 to 1.1.
  const scalars = ["0755", "755", "on", "1:20", "0b1", "x", "'0755'", "[0755, 1]", "{a: 0755}"];
  const documents = scalars.flatMap((scalar) => [
    `kind: StatefulSet\nspec:\n  replicas: 3\n  template:\n    spec:\n      volumes:\n      - name: v\n        configMap:\n          defaultMode: ${scalar}\n      - name: w\n        mode: 755\n`,
    `kind: StatefulSet\nspec:\n  replicas: ${scalar}\n  other: 0755\n`,
    `kind: StatefulSet\nspec:\n  ${scalar.startsWith("[") || scalar.startsWith("{") ? "k" : scalar}: 1\n  replicas: 2\nmode: 0755\n`,
  ]);

  it.each(documents)("every path of %j", (text) => {
    const { doc } = read(text);
    for (const path of pathsOf(readDocument(text, "1.2").value)) expect(doc.readsAlikeAt(path), JSON.stringify(path)).toBe(byFullReadings(text, path));
  });
});
