/**
 * fast-check arbitraries for rendered manifest streams: ConfigMaps with awkward data, StatefulSets whose claim
 * templates carry version labels, CronJobs and Jobs with kubectl delete scripts, comment-only documents, in block or
 * flow style, with LF or CRLF. Every stream is valid YAML; the properties check what the tool does with it.
 */
import fc from "fast-check";
import { parse } from "yaml";

// --- scalars -------------------------------------------------------------------------------------------------------

/** Strings that change type or meaning in some YAML reader, and text that looks like YAML structure. */
const TRICKY_STRINGS = [
  "0644",
  "0755",
  "0o17",
  "0x1F",
  "1.0",
  "1e3",
  "-1",
  "+12",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "true",
  "False",
  "null",
  "~",
  "",
  " ",
  "a: b",
  "key: value # not a comment",
  "#not a comment",
  "---",
  "...",
  "- item",
  "[not, a, list]",
  "{not: a map}",
  "it's",
  'say "hi"',
  "back\\slash",
  "tab\there",
  "trailing ",
  " leading",
  "héllo wörld ✓",
  "StatefulSet",
  "kind: Job",
  "https://charts.example.com/index.yaml",
  "$(touch /tmp/x)",
  "*alias",
  "&anchor",
  "!tag",
  "%directive",
  "@at",
  "`tick`",
  "multi\nline",
  "ends with newline\n",
] as const;

const plainWord = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

const scalarText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 2, arbitrary: plainWord },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
);

const SAFE_PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

type ScalarStyle = "plain" | "double" | "single";

/** A scalar in a style that reads back as a string equal to `value` (plain only when that is certain). */
function renderScalar(value: string, style: ScalarStyle): string {
  if (style === "plain" && SAFE_PLAIN.test(value) && !/^(?:[-+]?[0-9._]|true$|false$|null$|yes$|no$|on$|off$|y$|n$)/i.test(value)) {
    return value;
  }
  if (style === "single" && !/[\n\r\t\\]/.test(value) && /^[\x20-\x7e]*$/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

const scalarStyle = fc.constantFrom<ScalarStyle>("plain", "double", "single");

/** A plain scalar as a chart writes it (it may read back as a number or a bool: the data compare sees both sides). */
const looseScalar = fc.oneof(plainWord, fc.constantFrom("0644", "1.0", "yes", "on", "true", "3", "-1", "null"));

// --- maps ----------------------------------------------------------------------------------------------------------

export type Style = "block" | "flow";

/** Entries (unique keys) rendered as a block map under `indent` spaces, or as one flow map. */
function renderMap(entries: ReadonlyArray<readonly [string, string]>, style: Style, indent: number): { inline: string; lines: string } {
  if (entries.length === 0) return { inline: " {}", lines: "" };
  if (style === "flow") return { inline: ` {${entries.map(([key, value]) => `${key}: ${value}`).join(", ")}}`, lines: "" };
  const pad = " ".repeat(indent);
  return { inline: "", lines: entries.map(([key, value]) => `${pad}${key}: ${value}\n`).join("") };
}

function field(name: string, map: { inline: string; lines: string }, indent: number): string {
  return `${" ".repeat(indent)}${name}:${map.inline}\n${map.lines}`;
}

// --- labels --------------------------------------------------------------------------------------------------------

export const VERSION_LABEL_KEYS = ["helm.sh/chart", "chart", "app.kubernetes.io/version", "version"] as const;
const OTHER_LABEL_KEYS = ["app", "tier", "team", "app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/instance"] as const;

const labelValue = fc.oneof(
  fc.constantFrom("db-1.0.0", "1.0", "v1.2.3", "2.17.0", "rel", "db", "storage"),
  plainWord,
);

/** Label entries with unique keys, values rendered in random styles (plain only where safe in flow too). */
const labelEntries = fc
  .uniqueArray(fc.constantFrom<string>(...VERSION_LABEL_KEYS, ...OTHER_LABEL_KEYS), { maxLength: 5 })
  .chain((keys) =>
    fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), labelValue, scalarStyle))).map((items) =>
      items.map(([key, value, style]) => [key, renderScalar(value, style)] as const),
    ),
  );

/** labels: absent, `labels:` (null), `labels: {}`, or a map. */
const labelsField = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "absent" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "null" as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("map" as const), entries: labelEntries, style: fc.constantFrom<Style>("block", "flow") }) },
);

function renderLabels(labels: typeof labelsField extends fc.Arbitrary<infer T> ? T : never, name: string, indent: number): string {
  if (labels.kind === "absent") return "";
  if (labels.kind === "null") return `${" ".repeat(indent)}${name}:\n`;
  return field(name, renderMap(labels.entries, labels.style, indent + 2), indent);
}

// --- documents -----------------------------------------------------------------------------------------------------

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

const blockScalar = fc
  .record({
    indicator: fc.constantFrom("|", "|-", "|+", ">", ">-"),
    lines: fc.array(
      fc.oneof(
        fc.constantFrom("#!/bin/sh", "echo --- not a separator", "kind: StatefulSet", "# a comment", "key: value", "", "  indented more"),
        plainWord,
      ),
      { minLength: 1, maxLength: 4 },
    ),
  })
  // A block scalar's first line sets its indentation, so it must not start with spaces or be empty.
  .map(({ indicator, lines }) => ({ indicator, lines: [lines[0]?.trim() || "first", ...lines.slice(1)] }));

const configMapValue = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(scalarText, scalarStyle).map(([value, style]) => ({ kind: "scalar" as const, text: renderScalar(value, style) })) },
  { weight: 1, arbitrary: looseScalar.map((text) => ({ kind: "scalar" as const, text })) },
  { weight: 2, arbitrary: blockScalar.map((block) => ({ kind: "block" as const, ...block })) },
);

export const configMap = fc.record({
  name,
  data: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-zA-Z0-9_.-]{0,10}$/), configMapValue), {
    maxLength: 5,
    selector: ([key]) => key,
  }),
  labels: labelsField,
});

function renderConfigMap(cm: typeof configMap extends fc.Arbitrary<infer T> ? T : never): string {
  let text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${cm.name}\n${renderLabels(cm.labels, "labels", 2)}`;
  if (cm.data.length === 0) return `${text}data: {}\n`;
  text += "data:\n";
  for (const [key, value] of cm.data) {
    if (value.kind === "scalar") text += `  ${key}: ${value.text}\n`;
    else text += `  ${key}: ${value.indicator}\n${value.lines.map((line) => (line === "" ? "\n" : `    ${line}\n`)).join("")}`;
  }
  return text;
}

const claimTemplate = fc.record({
  name: fc.constantFrom("data", "storage", "logs"),
  labels: labelsField,
  annotations: fc.constantFrom("absent", "empty", "null", "some"),
  accessMode: fc.constantFrom("ReadWriteOnce", "ReadWriteMany"),
  flowSpec: fc.boolean(),
});

export const statefulSet = fc.record({
  name,
  namespace: fc.option(fc.constantFrom("ns", "other"), { nil: undefined }),
  labels: labelsField,
  templates: fc.uniqueArray(claimTemplate, { maxLength: 3, selector: (template) => template.name }),
  retention: fc.constantFrom("absent", "retain", "both"),
  mountFirstTemplate: fc.boolean(),
  replicas: fc.constantFrom(1, 3),
  /** alias: the first claim template's labels are anchored and the pod template's labels alias them; merge: the
   * first claim template's labels merge the StatefulSet's own (anchored) labels. */
  anchors: fc.constantFrom("none", "none", "alias", "merge"),
  comments: fc.boolean(),
});

function renderStatefulSet(sts: typeof statefulSet extends fc.Arbitrary<infer T> ? T : never): string {
  const first = sts.templates[0];
  const firstLabels = first?.labels.kind === "map" && first.labels.entries.length > 0 ? first.labels : undefined;
  const ownLabels = sts.labels.kind === "map" && sts.labels.style === "block" && sts.labels.entries.length > 0 ? sts.labels : undefined;
  const anchors = sts.anchors === "alias" && firstLabels ? "alias" : sts.anchors === "merge" && firstLabels && ownLabels ? "merge" : "none";
  let text = `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${sts.name}\n`;
  if (sts.namespace) text += `  namespace: ${sts.namespace}\n`;
  text += anchors === "merge" ? renderLabels(sts.labels, "labels", 2).replace("  labels:\n", "  labels: &own\n") : renderLabels(sts.labels, "labels", 2);
  text += `spec:\n  serviceName: ${sts.name}\n  replicas: ${sts.replicas}\n  selector:\n    matchLabels:\n      app: ${sts.name}\n`;
  if (sts.retention === "retain") text += "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Retain\n";
  if (sts.retention === "both") text += "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}\n";
  const podLabels = anchors === "alias" ? "      labels: *claim\n" : `      labels:\n        app: ${sts.name}\n`;
  let pod = `  template:\n    metadata:\n${podLabels}    spec:\n      containers:\n        - name: main\n          image: busybox:1.36\n`;
  if (sts.mountFirstTemplate && first) pod += `          volumeMounts:\n            - name: ${first.name}\n              mountPath: /data\n`;
  let claims = "";
  if (sts.templates.length > 0) claims += "  volumeClaimTemplates:\n";
  sts.templates.forEach((template, index) => {
    claims += `    - metadata:\n${sts.comments ? "        # claim template metadata\n" : ""}        name: ${template.name}\n`;
    let labels = renderLabels(template.labels, "labels", 8);
    if (index === 0 && anchors === "alias") labels = labels.replace("        labels:", "        labels: &claim");
    if (index === 0 && anchors === "merge") {
      labels = labels.startsWith("        labels: {")
        ? labels.replace("        labels: {", "        labels: {<<: *own, ")
        : labels.replace("        labels:\n", "        labels:\n          <<: *own\n");
    }
    if (sts.comments && labels.endsWith(":\n") === false && labels.includes("\n          ")) {
      labels = labels.replace("\n          ", "\n          # a comment among the labels\n          ");
    }
    claims += labels;
    if (template.annotations === "empty") claims += "        annotations: {}\n";
    if (template.annotations === "null") claims += "        annotations:\n";
    if (template.annotations === "some") claims += "        annotations:\n          note: keep-me\n";
    claims += template.flowSpec
      ? `      spec: {accessModes: [${template.accessMode}], resources: {requests: {storage: 1Gi}}}\n`
      : `      spec:\n        accessModes:\n          - ${template.accessMode}\n        resources:\n          requests:\n            storage: 1Gi\n`;
  });
  // An alias must come after its anchor, so the pod template then follows the claim templates.
  return anchors === "alias" ? text + claims + pod : text + pod + claims;
}

/** How a container runs its command; scripts are data to the tool, never run. */
const container = fc.record({
  form: fc.constantFrom("exec-flow", "exec-block", "sh-c", "sh-c-block", "command-args", "other"),
  resource: fc.constantFrom("cm x", "secret/y", "pvc -l app=db", "job cleanup -n ns"),
  ignoreNotFound: fc.boolean(),
  setFlags: fc.constantFrom("", "set -e; ", "set -euo pipefail\n"),
  shell: fc.constantFrom("sh", "/bin/sh", "bash", "/bin/bash"),
});

function renderContainer(c: typeof container extends fc.Arbitrary<infer T> ? T : never, index: number, indent: number): string {
  const pad = " ".repeat(indent);
  const words = ["kubectl", "delete", ...c.resource.split(" "), ...(c.ignoreNotFound ? ["--ignore-not-found"] : [])];
  const script = `${c.setFlags}${words.join(" ")}`;
  let text = `${pad}- name: c${index}\n${pad}  image: bitnami/kubectl:1.30\n`;
  switch (c.form) {
    case "exec-flow":
      text += `${pad}  command: [${words.map((word) => renderScalar(word, "plain")).join(", ")}]\n`;
      break;
    case "exec-block":
      text += `${pad}  command:\n${words.map((word) => `${pad}    - ${renderScalar(word, "double")}\n`).join("")}`;
      break;
    case "sh-c":
      text += `${pad}  command: [${c.shell}, -c, ${JSON.stringify(script)}]\n`;
      break;
    case "sh-c-block":
      text += `${pad}  command:\n${pad}    - ${c.shell}\n${pad}    - -c\n${pad}    - |\n${script
        .split("\n")
        .map((line) => `${pad}      ${line}\n`)
        .join("")}`;
      break;
    case "command-args":
      text += `${pad}  command: [${c.shell}]\n${pad}  args:\n${pad}    - -ec\n${pad}    - ${JSON.stringify(script)}\n`;
      break;
    case "other":
      text += `${pad}  command: [echo, ${JSON.stringify(script)}]\n`;
      break;
  }
  return text;
}

export const job = fc.record({
  kind: fc.constantFrom("Job", "CronJob"),
  name,
  namespace: fc.option(fc.constant("ns"), { nil: undefined }),
  hook: fc.constantFrom("none", "post-delete", "pre-delete"),
  deletePolicy: fc.constantFrom("none", "hook-succeeded", "before-hook-creation"),
  containers: fc.array(container, { minLength: 1, maxLength: 2 }),
  claim: fc.option(fc.constantFrom("shared", "missing", "data-db-0"), { nil: undefined }),
});

function renderJob(j: typeof job extends fc.Arbitrary<infer T> ? T : never): string {
  let text = `apiVersion: batch/v1\nkind: ${j.kind}\nmetadata:\n  name: ${j.name}\n`;
  if (j.namespace) text += `  namespace: ${j.namespace}\n`;
  if (j.hook !== "none") {
    text += `  annotations:\n    helm.sh/hook: ${j.hook}\n`;
    if (j.deletePolicy !== "none") text += `    helm.sh/hook-delete-policy: ${j.deletePolicy}\n`;
  }
  // The pod spec sits at spec.template.spec (Job) or spec.jobTemplate.spec.template.spec (CronJob).
  const indent = j.kind === "Job" ? 4 : 8;
  text += j.kind === "Job" ? "spec:\n  template:\n    spec:\n" : 'spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n';
  const pad = " ".repeat(indent + 2);
  text += `${pad}restartPolicy: Never\n${pad}containers:\n`;
  j.containers.forEach((c, index) => {
    text += renderContainer(c, index, indent + 4);
  });
  if (j.claim) {
    // The claim is mounted by the first container, at the path the Deployment and StatefulSets use.
    text = text.replace(`${pad}containers:\n${" ".repeat(indent + 4)}- name: c0\n`, `${pad}containers:\n${" ".repeat(indent + 4)}- name: c0\n${" ".repeat(indent + 6)}volumeMounts: [{name: work, mountPath: /data}]\n`);
    text += `${pad}volumes:\n${pad}  - name: work\n${pad}    persistentVolumeClaim:\n${pad}      claimName: ${j.claim}\n`;
  }
  return text;
}

export const deployment = fc.record({ name, claim: fc.constantFrom("shared", "other") });

function renderDeployment(d: typeof deployment extends fc.Arbitrary<infer T> ? T : never): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${d.name}\nspec:\n  selector:\n    matchLabels: {app: ${d.name}}\n  template:\n    metadata:\n      labels: {app: ${d.name}}\n    spec:\n      containers:\n        - name: main\n          image: busybox:1.36\n          volumeMounts:\n            - {name: data, mountPath: /data}\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: ${d.claim}\n`;
}

const claim = fc.record({ name: fc.constantFrom("shared", "other"), mode: fc.constantFrom("ReadWriteOnce", "ReadWriteMany") });

function renderClaim(c: typeof claim extends fc.Arbitrary<infer T> ? T : never): string {
  return `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${c.name}\nspec:\n  accessModes: [${c.mode}]\n  resources:\n    requests:\n      storage: 1Gi\n`;
}

const comments = fc.array(fc.constantFrom("# just a comment", "# kind: StatefulSet (in a comment)", "#", "# ---"), { minLength: 1, maxLength: 3 });

/** The same object as a block document, as one line of JSON, as indented JSON, or as the one item of a `kind: List`. */
function wrap(text: string, form: "block" | "json" | "pretty-json" | "list"): string {
  if (form === "block") return text;
  if (form === "list") {
    const item = text
      .split("\n")
      .map((line, index) => (line === "" ? "" : index === 0 ? `  - ${line}` : `    ${line}`))
      .join("\n");
    return `apiVersion: v1\nkind: List\nitems:\n${item}`;
  }
  const value = parse(text, { merge: true });
  return `${form === "json" ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`;
}

const wrapping = fc.constantFrom<"block" | "json" | "pretty-json" | "list">("block", "block", "block", "block", "json", "pretty-json", "list");

const documentBody = fc.oneof(
  { weight: 3, arbitrary: configMap.map(renderConfigMap) },
  { weight: 4, arbitrary: fc.tuple(statefulSet, wrapping).map(([sts, form]) => wrap(renderStatefulSet(sts), form)) },
  { weight: 3, arbitrary: fc.tuple(job, wrapping).map(([j, form]) => wrap(renderJob(j), form)) },
  { weight: 1, arbitrary: deployment.map(renderDeployment) },
  { weight: 1, arbitrary: claim.map(renderClaim) },
  { weight: 1, arbitrary: comments.map((lines) => `${lines.join("\n")}\n`) },
);

const document = fc.record({
  body: documentBody,
  source: fc.option(fc.constantFrom("chart/templates/a.yaml", "chart/charts/sub/templates/statefulset.yaml", "chart/templates/hooks/cleanup.yaml"), {
    nil: undefined,
  }),
  endMarker: fc.boolean(),
});

export interface GeneratedStream {
  text: string;
  eol: "\n" | "\r\n";
  documents: number;
}

/** A whole stream: documents joined by `---`, optional leading `---`, LF or CRLF throughout. */
export const manifestStream: fc.Arbitrary<GeneratedStream> = fc
  .record({
    documents: fc.array(document, { minLength: 1, maxLength: 6 }),
    leadingSeparator: fc.boolean(),
    eol: fc.constantFrom<"\n" | "\r\n">("\n", "\r\n"),
  })
  .map(({ documents, leadingSeparator, eol }) => {
    const text = documents
      .map((doc, index) => {
        const separator = index > 0 || leadingSeparator ? "---\n" : "";
        const source = doc.source ? `# Source: ${doc.source}\n` : "";
        return `${separator}${source}${doc.body}${doc.endMarker ? "...\n" : ""}`;
      })
      .join("");
    return { text: eol === "\n" ? text : text.replace(/\n/g, "\r\n"), eol, documents: documents.length };
  });
