/**
 * Generates workloads the rules edit (StatefulSets, Jobs, CronJobs, Lists of them) as a known object and as YAML text
 * written in many of the styles charts use: comments and lines of white space in every position, null, empty and flow
 * maps, quoted and plain keys, explicit keys, tags on maps and scalars, anchors on scripts, CRLF, 2- and 4-space
 * indents, indentless sequences, and whole documents as JSON.
 * Deterministic for a seed.
 */
import { parse } from "yaml";

export type Data = null | boolean | number | string | Data[] | { [key: string]: Data };

export interface GeneratedCase {
  /** The object the text spells (what both YAML 1.1 and 1.2 readers must read). */
  object: Data;
  text: string;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

// --- objects -----------------------------------------------------------------------------------------------------

const VERSION_LABELS: Array<[string, string]> = [
  ["helm.sh/chart", "db-1.2.3"],
  ["app.kubernetes.io/version", "8.0.36"],
  ["chart", "mysql-9.4.1"],
  ["version", "v1.11.0"],
];

function labelMap(random: Random, base: Record<string, Data>): Data {
  const roll = random.int(10);
  if (roll === 0) return null; // `labels:`, `labels: ~`, `labels: null`
  if (roll === 1) return {};
  const labels: Record<string, Data> = random.chance(0.7) ? { ...base } : {};
  for (const [key, value] of VERSION_LABELS) if (random.chance(0.4)) labels[key] = value;
  if (random.chance(0.2)) labels.tier = "data";
  return labels;
}

function claimTemplate(random: Random, name: string): Data {
  const metadata: Record<string, Data> = { name };
  if (random.chance(0.85)) metadata.labels = labelMap(random, { app: "db" });
  if (random.chance(0.3)) metadata.annotations = random.chance(0.4) ? random.pick([null, {}]) : { "example.com/note": "keep" };
  return {
    metadata,
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(random.chance(0.3) && { storageClassName: "standard" }),
      resources: { requests: { storage: random.pick(["1Gi", "8Gi", "10Gi"]) } },
    },
  };
}

function statefulSet(random: Random, name: string): Data {
  const claims = Array.from({ length: 1 + random.int(2) }, (_, i) => claimTemplate(random, i === 0 ? "data" : `logs${i}`));
  const spec: Record<string, Data> = {
    serviceName: name,
    replicas: 1 + random.int(3),
    selector: { matchLabels: { app: "db" } },
    template: {
      metadata: { labels: { app: "db" } },
      spec: {
        containers: [
          {
            name: "db",
            image: "db:1.0",
            volumeMounts: claims.map((claim) => ({ name: ((claim as { metadata: { name: string } }).metadata.name), mountPath: "/data" })),
          },
        ],
      },
    },
    volumeClaimTemplates: claims,
  };
  if (random.chance(0.5)) spec.podManagementPolicy = "Parallel";
  const metadata: Record<string, Data> = { name };
  if (random.chance(0.5)) metadata.namespace = "ns";
  metadata.labels = labelMap(random, { "app.kubernetes.io/instance": "rel" });
  return { apiVersion: "apps/v1", kind: "StatefulSet", metadata, spec };
}

const SCRIPTS = [
  "kubectl delete configmap rel-cache\n",
  "set -e\nkubectl delete secret rel-token\necho done\n",
  "kubectl delete job rel-migrate --wait=true\n",
];

function cleanupContainer(random: Random): Data {
  if (random.chance(0.5)) return { name: "cleanup", image: "bitnami/kubectl:1.29", command: ["kubectl", "delete", "configmap", "rel-cache"] };
  return { name: "cleanup", image: "bitnami/kubectl:1.29", command: ["/bin/sh", "-c"], args: [random.pick(SCRIPTS)] };
}

function job(random: Random, name: string): Data {
  const annotations: Data = random.chance(0.8)
    ? { "helm.sh/hook": "pre-delete", ...(random.chance(0.5) && { "helm.sh/hook-delete-policy": "hook-succeeded" }) }
    : {};
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, annotations },
    spec: { backoffLimit: 1, template: { spec: { restartPolicy: "Never", containers: [cleanupContainer(random)] } } },
  };
}

function cronJob(random: Random, name: string): Data {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: "OnFailure",
              containers: [{ name: "archive", image: "app:1", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: random.pick(["data-db-0", "app-data"]) } }],
            },
          },
        },
      },
    },
  };
}

export function generateObject(random: Random): Data {
  const roll = random.int(10);
  if (roll < 5) return statefulSet(random, "db");
  if (roll < 7) return job(random, "cleanup");
  if (roll < 8) return cronJob(random, "archive");
  const items = [statefulSet(random, "db"), ...(random.chance(0.5) ? [job(random, "cleanup")] : []), ...(random.chance(0.5) ? [cronJob(random, "archive")] : [])];
  return { apiVersion: "v1", kind: "List", items };
}

// --- text --------------------------------------------------------------------------------------------------------

interface Layout {
  step: number;
  eol: string;
  indentless: boolean;
  random: Random;
  anchors: number;
}

function readsSame(text: string, value: string): boolean {
  try {
    return parse(text, { version: "1.2" }) === value && parse(text, { version: "1.1" }) === value;
  } catch {
    return false;
  }
}

function stringText(value: string, layout: Layout, asKey = false): string {
  const { random } = layout;
  const plain = /^[A-Za-z0-9/][A-Za-z0-9./_*=:-]*$/.test(value) && !value.includes(": ") && !value.endsWith(":") && readsSame(value, value);
  const roll = random.int(10);
  if (plain && roll < 7) return value;
  if (roll < 9 || value.includes("\n")) return JSON.stringify(value);
  const single = `'${value.replace(/'/g, "''")}'`;
  return asKey || random.chance(0.5) ? single : `!!str ${single}`;
}

function scalarText(value: Data, layout: Layout): string {
  if (typeof value === "string") return stringText(value, layout);
  return String(value);
}

function comment(layout: Layout): string {
  return ` # ${layout.random.pick(["note", "keep in sync", "none", "see values.yaml", "x: y"])}`;
}

function isScalar(value: Data): value is null | boolean | number | string {
  return value === null || typeof value !== "object";
}

function flowText(value: Data, layout: Layout): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowText(item, layout)).join(layout.random.pick([", ", ","]))}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => `${stringText(key, layout, true)}: ${flowText(item, layout)}`);
    return layout.random.chance(0.5) ? `{${entries.join(", ")}}` : `{ ${entries.join(", ")} }`;
  }
  if (value === null) return "null";
  return scalarText(value, layout);
}

class Writer {
  readonly lines: string[] = [];
  /** Set right after a block scalar: a comment line indented as far as its text would be part of the text. */
  private blockIndent: number | undefined;

  constructor(private readonly layout: Layout) {}

  /** Comment lines at a random indent: before a key, or after a collection's last entry. */
  maybeComment(indent: number, p: number): void {
    const { random } = this.layout;
    if (random.chance(p)) {
      let at = random.pick([0, indent, indent + this.layout.step, Math.max(0, indent - this.layout.step)]);
      if (this.blockIndent !== undefined && at >= this.blockIndent) at = this.blockIndent - 1;
      this.lines.push(`${" ".repeat(at)}#${comment(this.layout).slice(2)}`);
    }
    if (random.chance(p / 3)) this.lines.push("");
    // Templates leave lines of white space where an `{{- if }}` stood; after a block scalar one wider than its text's
    // indentation would be part of it.
    if (random.chance(p / 4)) this.lines.push(" ".repeat(Math.min(1 + random.int(12), this.blockIndent ?? 12)));
  }

  /** A block map's entries; the first goes on `firstPrefix` (a `- ` line) when given. */
  map(value: Record<string, Data>, indent: number, firstPrefix?: string): void {
    const entries = Object.entries(value);
    entries.forEach(([key, item], i) => {
      const onDash = i === 0 && firstPrefix !== undefined;
      if (!onDash) this.maybeComment(indent, 0.15);
      const prefix = onDash ? firstPrefix : " ".repeat(indent);
      if (!onDash && isScalar(item) && item !== null && this.layout.random.chance(0.05)) {
        this.lines.push(`${prefix}? ${stringText(key, this.layout, true)}`, `${" ".repeat(indent)}: ${scalarText(item, this.layout)}`);
        return;
      }
      this.entry(`${prefix}${stringText(key, this.layout, true)}:`, item, indent);
    });
    this.maybeComment(indent, 0.15);
  }

  /** `head` is `key:`; writes the value after it or below it. */
  private entry(head: string, value: Data, indent: number): void {
    const { random, step } = this.layout;
    this.blockIndent = undefined;
    if (value === null) {
      this.lines.push(head + random.pick(["", " ~", " null", comment(this.layout)]));
      return;
    }
    if (isScalar(value)) {
      if (typeof value === "string" && value.includes("\n")) {
        this.lines.push(`${head} ${random.pick(["", "!!str ", `&s${this.layout.anchors++} `])}|${value.endsWith("\n") ? "" : "-"}`);
        this.block(value, indent + step);
        return;
      }
      this.lines.push(`${head} ${scalarText(value, this.layout)}${random.chance(0.1) ? comment(this.layout) : ""}`);
      return;
    }
    const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
    const simple = Array.isArray(value) ? value.every(isScalar) : Object.values(value).every(isScalar);
    if (empty || (simple && random.chance(0.3))) {
      this.lines.push(`${head} ${flowText(value, this.layout)}${random.chance(0.1) ? comment(this.layout) : ""}`);
      return;
    }
    const tag = random.chance(0.03) ? (Array.isArray(value) ? " !!seq" : " !!map") : "";
    this.lines.push(head + tag + (random.chance(0.1) ? comment(this.layout) : ""));
    if (Array.isArray(value)) this.seq(value, this.layout.indentless ? indent : indent + step);
    else this.map(value, indent + step);
  }

  private seq(value: Data[], dash: number): void {
    const { random } = this.layout;
    const pad = " ".repeat(dash);
    for (const item of value) {
      this.maybeComment(dash, 0.1);
      this.blockIndent = undefined;
      if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length > 0) {
        this.map(item, dash + 2, `${pad}- `);
      } else if (typeof item === "string" && item.includes("\n")) {
        this.lines.push(`${pad}- ${random.pick(["", "!!str ", `&s${this.layout.anchors++} `])}|${item.endsWith("\n") ? "" : "-"}`);
        this.block(item, dash + 2);
      } else {
        this.lines.push(`${pad}- ${isScalar(item) ? (item === null ? "null" : scalarText(item, this.layout)) : flowText(item, this.layout)}`);
      }
    }
    this.maybeComment(dash, 0.15);
  }

  private block(value: string, indent: number): void {
    const body = value.endsWith("\n") ? value.slice(0, -1) : value;
    for (const line of body.split("\n")) this.lines.push(line === "" ? "" : " ".repeat(indent) + line);
    this.blockIndent = indent;
  }
}

export function generateCase(seed: number): GeneratedCase {
  const random = new Random(seed);
  const object = generateObject(random);
  const layout: Layout = { step: random.pick([2, 2, 4]), eol: random.chance(0.2) ? "\r\n" : "\n", indentless: random.chance(0.3), random, anchors: 0 };
  if (random.chance(0.04)) {
    // Some tools write manifests as JSON, which is YAML too.
    return { object, text: JSON.stringify(object, null, random.pick([0, 2])) + layout.eol };
  }
  const writer = new Writer(layout);
  if (random.chance(0.7)) writer.lines.push("---", "# Source: chart/templates/workload.yaml");
  writer.map(object as Record<string, Data>, 0);
  const text = writer.lines.join(layout.eol) + layout.eol;
  return { object, text };
}
