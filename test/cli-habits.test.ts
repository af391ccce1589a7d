/**
 * The CLI habits users of kubectl, helm and kubeconform expect, run in-process through runCli (the same code as the
 * binary, minus the process): help per command, versions, suggestions, --report -, directories, config errors.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { helmOutputDirRender } from "../src/cli/render-groups.js";
import { VERSION } from "../src/cli/version.js";
import { githubAnnotations } from "../src/views/annotations.js";
import { explainChange } from "../src/views/explain.js";
import { example, fix, yaml } from "./helpers.js";

const STS = yaml`
  ---
  # Source: pushgateway/templates/statefulset.yaml
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: pushgateway
    namespace: monitoring
    labels:
      app.kubernetes.io/instance: pushgateway
  spec:
    serviceName: pushgateway
    selector:
      matchLabels:
        app.kubernetes.io/instance: pushgateway
    template:
      metadata:
        labels:
          app.kubernetes.io/instance: pushgateway
      spec:
        containers:
          - name: pushgateway
            image: quay.io/prometheus/pushgateway:v1.11.0
    volumeClaimTemplates:
      - metadata:
          name: storage-volume
          labels:
            helm.sh/chart: prometheus-pushgateway-2.17.0
            app.kubernetes.io/instance: pushgateway
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 2Gi
`;

function run(argv: string[], { stdin = "", env = {}, tty = false }: { stdin?: string | Buffer; env?: Record<string, string>; tty?: boolean } = {}) {
  return runCli({ argv, env, readStdin: async () => Buffer.from(stdin), stdinIsTTY: tty });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "fix-storage-habits-"));
}

function tempFile(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe("help and version", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--help"], /^fix-storage — fix the storage mistakes/],
    [["-h"], /^fix-storage — fix the storage mistakes/],
    [["help"], /^fix-storage — fix the storage mistakes/],
    [["check", "--help"], /^fix-storage check — report what the rules would change/],
    [["help", "check"], /^fix-storage check — /],
    [["diff", "--help"], /^fix-storage diff — unified diff/],
    [["flux-patches", "--help"], /^fix-storage flux-patches — the same edits as kustomize patches/],
    [["krm", "--help"], /^fix-storage krm — KRM function/],
  ];
  for (const [argv, expected] of cases) {
    it(`fix-storage ${argv.join(" ")}`, async () => {
      const outcome = await run(argv);
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toMatch(expected);
      expect(outcome.stderr).toEqual([]);
    });
  }

  it("flux-patches --help names the command's own input and the CI check, not the global options", async () => {
    const { stdout } = await run(["flux-patches", "--help"]);
    expect(stdout).toContain("fix-storage flux-patches [options] [FILE]");
    expect(stdout).toContain("check-patches.sh");
    expect(stdout).not.toContain("--live");
  });

  for (const argv of [["--version"], ["-v"], ["version"]]) {
    it(`fix-storage ${argv.join(" ")} prints the version`, async () => {
      expect(await run(argv)).toEqual({ code: 0, stdout: `fix-storage ${VERSION}\n`, stderr: [] });
    });
  }
});

describe("a rule named in both --enable and --disable", () => {
  it("is off, as --help says: --disable wins", async () => {
    const both = await run(["--enable", "claim-template-labels", "--disable", "claim-template-labels", "--disable", "claim-ownership"], { stdin: STS });
    expect(both).toMatchObject({ code: 0, stdout: STS });
    const enabled = await run(["--enable", "claim-template-labels", "--disable", "claim-ownership"], { stdin: STS });
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).not.toBe(STS);
  });
});

describe("an unrendered chart template", () => {
  const TEMPLATE = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ include \"db.fullname\" . }}\n  labels:\n    {{- include \"db.labels\" . | nindent 4 }}\nspec:\n  serviceName: db\n";

  it("is refused where it fails, with a hint to render it first", async () => {
    const outcome = await run([], { stdin: TEMPLATE });
    expect(outcome).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "fix-storage: document 1 line 6, column 7: Block collections are not allowed within flow collections (it holds {{ }}: if this is a chart template, render it first, e.g. helm template RELEASE CHART | fix-storage)",
      ],
    });
  });
});

describe("a chart template that parses as YAML", () => {
  it("is refused where {{ }} makes a map key Kubernetes cannot read, with the hint, and without library warnings", async () => {
    const template = STS.replace("spec:\n", "spec:\n  replicas: {{ .Values.replicas }}\n");
    const outcome = await run([], { stdin: template });
    expect(outcome).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "fix-storage: document 1 (pushgateway/templates/statefulset.yaml) line 11, column 14: a map key that is null, a map or a list, which Kubernetes cannot read (it holds {{ }}: if this is a chart template, render it first, e.g. helm template RELEASE CHART | fix-storage)",
      ],
    });
  });
});

describe("a map key Kubernetes refuses", () => {
  it("null (~) is refused, located, as Kubernetes refuses it (invalid map key)", async () => {
    const outcome = await run([], { stdin: STS.replace("spec:\n", "spec:\n  ~: x\n") });
    expect(outcome).toEqual({
      code: 2,
      stdout: "",
      stderr: ["fix-storage: document 1 (pushgateway/templates/statefulset.yaml) line 11, column 3: a map key that is null, a map or a list, which Kubernetes cannot read"],
    });
  });
});

describe("a document with carriage-return-only line ends", () => {
  it("is refused, located, saying what Kubernetes' reader takes for a line break", async () => {
    const outcome = await run([], { stdin: STS.replace(/\n/g, "\r") });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr.join("\n")).toContain(
      "a raw carriage return not followed by a line feed at line 1, column 4, a line break to Kubernetes' reader but not to this one: end lines with a line feed)",
    );
  });
});

describe("collections nested some thousand levels deep", () => {
  it("are refused, located, in words instead of a stack overflow", async () => {
    const deep = STS.replace("spec:\n", `spec:\n  deep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`);
    const outcome = await run([], { stdin: deep });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toHaveLength(1);
    expect(outcome.stderr[0]).toMatch(/^fix-storage: document 1 \(pushgateway\/templates\/statefulset.yaml\) line 11, column \d+: collections nest too deeply for fix-storage to read$/);
  });
});

describe("an option another command takes is refused, not ignored", () => {
  const cases: Array<[string[], string]> = [
    [["--chart-dir", "charts/app"], "--chart-dir is an option of check only, not of fix"],
    [["diff", "--chart-dir", "charts/app", "x.yaml"], "--chart-dir is an option of check only, not of diff"],
    [["check", "--explain", "x.yaml"], "--explain is an option of fix, diff and flux-patches only, not of check: its output explains every change and finding already"],
    [["krm", "--explain"], "--explain is an option of fix, diff and flux-patches only, not of krm: the ResourceList's results hold every change and finding"],
    [["flux-patches", "--live", "kubectl"], "--live is an option of fix, check, diff and krm only, not of flux-patches"],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(" "), async () => {
      const outcome = await run(argv, { stdin: STS });
      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr.join("\n")).toContain(message);
    });
  }

  it("but --help with it still shows the command's help", async () => {
    expect((await run(["check", "--explain", "--help"])).code).toBe(0);
  });
});

describe("an empty --release-name or --namespace (an unset variable) is refused, not taken as absent", () => {
  for (const argv of [["--release-name", ""], ["--release-name="], ["-n", ""], ["--namespace="]]) {
    it(JSON.stringify(argv), async () => {
      const outcome = await run(argv, { stdin: STS, env: { ARGOCD_APP_NAME: "argo", ARGOCD_APP_NAMESPACE: "argo-ns" } });
      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr.join("\n")).toMatch(/--(?:release-name|namespace) is empty \(an unset variable in the command line\?\)/);
    });
  }
});

describe("did you mean", () => {
  const cases: Array<[string, string[], string]> = [
    ["a mistyped command", ["chek", "x.yaml"], 'unknown command "chek": did you mean "check"?'],
    ["a mistyped command for help", ["help", "dif"], 'help: unknown command "dif": did you mean "diff"?'],
    ["an unknown command for help, listing fix too", ["help", "bogus"], 'help: unknown command "bogus" (commands: fix, check, diff, flux-patches, krm, help, version)'],
    ["a mistyped option", ["--relase-name", "x"], "unknown option --relase-name: did you mean --release-name?"],
    ["a mistyped rule", ["--enable", "claim-retension"], 'unknown rule "claim-retension": did you mean "claim-retention"?'],
    ["a mistyped output format", ["check", "-o", "sarf"], "--output sarf: expected one of text, json, sarif, github (did you mean sarif?)"],
    ["an option without its value", ["--release-name"], "--release-name needs a value (see fix-storage --help)"],
    ["a short option without its value", ["-n"], "--namespace needs a value (see fix-storage --help)"],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const outcome = await run(argv, { stdin: STS });
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe("");
      expect(outcome.stderr.join("\n")).toContain(message);
    });
  }

  it("a mistyped rule in the environment, naming the variable", async () => {
    const outcome = await run([], { stdin: STS, env: { ARGOCD_ENV_FIX_STORAGE_DISABLE: "claim-ownershp" } });
    expect(outcome.stderr.join("\n")).toContain('ARGOCD_ENV_FIX_STORAGE_DISABLE: unknown rule "claim-ownershp": did you mean "claim-ownership"?');
    const binding = await run([], { stdin: STS, env: { PARAM_FIX_STORAGE_VOLUME_NAME: "bad" } });
    expect(binding.stderr).toEqual(["fix-storage: PARAM_FIX_STORAGE_VOLUME_NAME: bad: expected STATEFULSET/TEMPLATE=PV or CLAIM=PV"]);
  });

  it("flags win over the environment, setting by setting: --enable over a variable's disable, a flag's binding over a variable's", async () => {
    const enabled = await run(["--explain", "--enable", "claim-ownership"], { stdin: STS, env: { FIX_STORAGE_DISABLE: "claim-ownership,rwo-rollout" } });
    expect(enabled.code).toBe(0);
    expect(enabled.stderr.join("\n")).toContain("claim-ownership:");
    const disabled = await run(["--explain", "--disable", "claim-template-labels"], { stdin: STS, env: { FIX_STORAGE_ENABLE: "claim-template-labels" } });
    expect(disabled.stderr.join("\n")).not.toContain("claim-template-labels:");
    const bound = await run(["--explain", "--volume-name", "pushgateway/storage-volume=pv-new"], {
      stdin: STS,
      env: { FIX_STORAGE_VOLUME_NAME: "pushgateway/storage-volume=pv-old" },
    });
    expect(bound.code).toBe(0);
    expect(bound.stdout).toContain("volumeName: pv-new");
    expect(bound.stdout).not.toContain("pv-old");
  });

  it("a path that is no command says the transform reads stdin", async () => {
    const outcome = await run(["rendered.yaml"]);
    expect(outcome.stderr.join("\n")).toContain('unexpected argument "rendered.yaml": the transform reads stdin');
  });

  it("- is stdin for the transform too", async () => {
    const plain = await run([], { stdin: STS });
    expect(await run(["-"], { stdin: STS })).toEqual(plain);
    expect(await run(["fix", "-"], { stdin: STS })).toEqual(plain);
  });

  it("the transform may be named: fix-storage fix is fix-storage, and still reads only stdin", async () => {
    const named = await run(["fix", "--release-name", "web"], { stdin: STS });
    expect(named).toEqual(await run(["--release-name", "web"], { stdin: STS }));
    expect(named.code).toBe(0);
    const withFile = await run(["fix", "rendered.yaml"]);
    expect(withFile).toMatchObject({ code: 2, stdout: "" });
    expect(withFile.stderr.join("\n")).toContain('unexpected argument "rendered.yaml": the transform reads stdin');
    expect((await run(["help", "fix"])).stdout).toBe((await run(["--help"])).stdout);
    expect((await run(["fix", "--help"])).stdout).toBe((await run(["--help"])).stdout);
  });
});

describe("stdin on a terminal", () => {
  for (const argv of [[], ["check"], ["check", "-"], ["diff"], ["flux-patches"], ["krm"]]) {
    it(`fix-storage ${argv.join(" ")} prints a usage hint and exits 2 instead of waiting`, async () => {
      let read = false;
      const outcome = await runCli({
        argv,
        env: {},
        stdinIsTTY: true,
        readStdin: async () => {
          read = true;
          return Buffer.from("");
        },
      });
      expect(read).toBe(false);
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe("");
      expect(outcome.stderr.join("\n")).toContain("stdin is a terminal");
    });
  }

  it("a file argument does not need stdin", async () => {
    const outcome = await run(["check", tempFile("r.yaml", STS)], { tty: true });
    expect(outcome.code).toBe(1);
  });
});

describe("--report -", () => {
  it("check --report - writes the JSON report to stdout instead of the text", async () => {
    const outcome = await run(["check", "--report", "-"], { stdin: STS });
    expect(outcome.code).toBe(1);
    const report = JSON.parse(outcome.stdout);
    expect(report).toMatchObject({ tool: "fix-storage", input: "stdin", documents: 1 });
    expect(report.changes[0]).toMatchObject({ rule: "claim-template-labels", op: "delete", kind: "StatefulSet", name: "pushgateway" });
  });

  const refused: Array<[string[], string]> = [
    [["--report", "-"], "--report -: stdout holds the manifests; give a file (--report report.json), or use fix-storage check --report -"],
    [["diff", "--report", "-"], "--report -: stdout holds the diff"],
    [["flux-patches", "--report", "-"], "--report -: stdout holds the manifests"],
    [["check", "-o", "sarif", "--report", "-"], "--report - and --output sarif both write to stdout: choose one"],
  ];
  for (const [argv, message] of refused) {
    it(`fix-storage ${argv.join(" ")} is refused`, async () => {
      const outcome = await run(argv, { stdin: STS });
      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr.join("\n")).toContain(message);
    });
  }

  it("--report FILE still writes a file named as given, never one named -", async () => {
    const dir = tempDir();
    const outcome = await run(["check", "--disable", "claim-ownership", "--report", join(dir, "r.json")], { stdin: STS });
    expect(outcome.stdout).toMatch(/^stdin: 1 change in 1 object/);
  });
});

describe("check DIR reads the directory's YAML files, as kubeconform does", () => {
  it("every .yaml and .yml file below it, sorted by path, empty files skipped", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "templates"));
    writeFileSync(join(dir, "templates", "b-statefulset.yaml"), STS);
    writeFileSync(join(dir, "templates", "a-empty.yaml"), "");
    writeFileSync(join(dir, "templates", "notes.txt"), "not yaml");
    writeFileSync(join(dir, "a.yml"), "---\n# Source: pushgateway/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
    const outcome = await run(["check", "--disable", "claim-ownership", dir]);
    expect(outcome.code).toBe(1);
    const summaries = outcome.stdout.split("\n").filter((line) => !line.startsWith(" ") && line !== "");
    expect(summaries).toEqual([
      `${join(dir, "a.yml")}: 0 changes in 0 objects, 0 findings, 1 document`,
      `${join(dir, "templates", "b-statefulset.yaml")}: 1 change in 1 object, 1 finding, 1 document`,
    ]);
  });

  it("the files of one `helm template --output-dir` render are one stream: a claim rendered in one file is known in another", async () => {
    // As Helm writes them: DIR/<chart>/templates/<file>, each document `---\n# Source: <that path>\n...`.
    const dir = tempDir();
    mkdirSync(join(dir, "app", "templates"), { recursive: true });
    const pvc = "---\n# Source: app/templates/pvc.yaml\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteMany]\n  resources: {requests: {storage: 1Gi}}\n";
    const deployment =
      "---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: app, image: app:1, volumeMounts: [{name: data, mountPath: /data}]}]\n      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n";
    writeFileSync(join(dir, "app", "templates", "deployment.yaml"), deployment);
    writeFileSync(join(dir, "app", "templates", "pvc.yaml"), pvc);
    writeFileSync(join(dir, "app", "templates", "sts.yaml"), STS.replace("pushgateway/templates/statefulset.yaml", "app/templates/sts.yaml"));
    const outcome = await run(["check", "--disable", "claim-ownership", dir]);
    // Read alone, deployment.yaml would get "claim data, which the stream does not render": the claim is ReadWriteMany.
    expect(outcome.stdout).not.toContain("does not render");
    const summaries = outcome.stdout.split("\n").filter((line) => !line.startsWith(" ") && line !== "");
    expect(summaries).toEqual([
      `${join(dir, "app", "templates", "deployment.yaml")}: 0 changes in 0 objects, 0 findings, 1 document`,
      `${join(dir, "app", "templates", "pvc.yaml")}: 0 changes in 0 objects, 0 findings, 1 document`,
      `${join(dir, "app", "templates", "sts.yaml")}: 1 change in 1 object, 1 finding, 1 document`,
    ]);
    expect(outcome.stdout).toContain("StatefulSet monitoring/pushgateway (document 1, app/templates/sts.yaml)");
    // The chart's own directory, or its templates, is the same render.
    for (const below of [join(dir, "app"), join(dir, "app", "templates")]) {
      expect((await run(["check", "--disable", "claim-ownership", below])).stdout).toBe(outcome.stdout);
    }
    // diff names each file, with its own line numbers.
    const diff = await run(["diff", "--disable", "claim-ownership", dir]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`--- a/${join(dir, "app", "templates", "sts.yaml")}\n`);
    const alone = await run(["diff", "--disable", "claim-ownership", join(dir, "app", "templates", "sts.yaml")]);
    expect(diff.stdout).toBe(alone.stdout);
  });

  it("a file named twice, or inside a directory also named, is read once: its diff applies its changes once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix-storage-twice-"));
    const file = join(dir, "sts.yaml");
    writeFileSync(file, STS);
    const alone = await run(["diff", "--disable", "claim-ownership", file]);
    expect(alone.code).toBe(1);
    for (const argv of [[file, file], [dir, file], [file, join(dir, ".", "sts.yaml")]]) {
      expect((await run(["diff", "--disable", "claim-ownership", ...argv])).stdout).toBe(alone.stdout);
    }
    const check = await run(["check", "--disable", "claim-ownership", file, file]);
    expect(check.stdout).toBe((await run(["check", "--disable", "claim-ownership", file])).stdout);
  });

  it("a file is part of a render when its path ends with its own # Source", () => {
    const head = (source: string) => `---\n# Source: ${source}\napiVersion: v1\n`;
    const cases: Array<[string, string, string | undefined]> = [
      ["out/app/templates/a.yaml", "app/templates/a.yaml", "out/app"],
      ["app/templates/a.yaml", "app/templates/a.yaml", "app"],
      ["out\\app\\charts\\db\\templates\\a.yaml", "app/charts/db/templates/a.yaml", "out/app"],
      ["out/app/templates/a.yaml", "other/templates/a.yaml", undefined],
      ["out/xapp/templates/a.yaml", "app/templates/a.yaml", undefined],
      ["out/a.yaml", "a.yaml", undefined],
      ["out/app/../app/a.yaml", "../app/a.yaml", undefined],
    ];
    for (const [path, source, render] of cases) expect(helmOutputDirRender(path, head(source)), path).toBe(render);
    expect(helmOutputDirRender("out/app/templates/a.yaml", "apiVersion: v1\n# Source: app/templates/a.yaml\n")).toBeUndefined();
  });

  it("a render's files are one stream though other files sort between them; messages give each file's own lines", async () => {
    const dir = tempDir();
    for (const sub of ["app/templates", "app/extra", "app/charts/db/templates"]) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(
      join(dir, "app/charts/db/templates/pvc.yaml"),
      "---\n# Source: app/charts/db/templates/pvc.yaml\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteMany]\n",
    );
    writeFileSync(join(dir, "app/extra/notes.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n");
    writeFileSync(
      join(dir, "app/templates/deployment.yaml"),
      "---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: app, image: app:1}]\n      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
    );
    const merge = "---\n# Source: app/templates/sts.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  labels: &l {a: b}\nspec:\n  serviceName: db\n  template:\n    metadata:\n      labels:\n        a: c\n        <<: *l\n  volumeClaimTemplates:\n    - metadata: {name: data, labels: {helm.sh/chart: db-1.0.0}}\n";
    writeFileSync(join(dir, "app/templates/sts.yaml"), merge);
    const outcome = await run(["check", "--disable", "claim-ownership", dir]);
    expect(outcome.stdout).not.toContain("does not render");
    const alone = await run(["check", "--disable", "claim-ownership", join(dir, "app/templates/sts.yaml")]);
    const mergeLine = (text: string) => /the merge key \(<<\) at line \d+/.exec(text)?.[0];
    expect(mergeLine(alone.stdout)).toBe("the merge key (<<) at line 14");
    expect(mergeLine(outcome.stdout)).toBe("the merge key (<<) at line 14");
  });

  it("an error in a file of such a render names that file, its document and its own line", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "app", "templates"), { recursive: true });
    writeFileSync(join(dir, "app", "templates", "a.yaml"), "---\n# Source: app/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    const broken = "---\n# Source: app/templates/b.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: b\nspec:\n  serviceName: b\n  volumeClaimTemplates: [\n";
    writeFileSync(join(dir, "app", "templates", "b.yaml"), broken);
    const outcome = await run(["check", dir]);
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    const alone = await run(["check", join(dir, "app", "templates", "b.yaml")]);
    expect(outcome.stderr).toEqual(alone.stderr);
    expect(outcome.stderr.join("\n")).toContain(`${join(dir, "app", "templates", "b.yaml")}: document 1 (app/templates/b.yaml) line 10, column 1: `);
  });

  it("a directory without YAML files is a clear error, not EISDIR", async () => {
    const dir = tempDir();
    const outcome = await run(["check", dir]);
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([`fix-storage: ${dir} is a directory with no .yaml or .yml files`]);
  });

  it("flux-patches takes one stream: a directory of several files is refused with the reason", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.yaml"), STS);
    writeFileSync(join(dir, "b.yaml"), STS);
    const outcome = await run(["flux-patches", dir]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.join("\n")).toContain("this command takes one stream: got 2 files");
  });

  it("a missing file names the path and the reason", async () => {
    const outcome = await run(["check", "/nonexistent/r.yaml"]);
    expect(outcome.stderr).toEqual(["fix-storage: cannot read /nonexistent/r.yaml: no such file or directory"]);
  });
});

describe("config errors name what is allowed", () => {
  const cases: Array<[string, string, string]> = [
    [
      "an enum lists its values",
      "rules:\n  cronjob-claims:\n    mode: shared\n",
      'rules.cronjob-claims.mode: the string "shared" is not allowed: expected one of "share", "emptyDir", "remove", "report" (did you mean "share"?)',
    ],
    [
      "an unknown rule option lists the rule's options",
      "rules:\n  claim-template-labels:\n    kep: [x]\n",
      'rules.claim-template-labels: unknown key "kep": did you mean "keep"? (known keys: labels, keep, enabled)',
    ],
    ["an unknown top-level key lists the known ones", "relase:\n  name: x\n", 'unknown key "relase": did you mean "release"? (known keys: release, rules)'],
    ["an unknown release key", "release:\n  nam: x\n", 'release: unknown key "nam": did you mean "name"? (known keys: name, namespace)'],
    ["a wrong type says what was expected and found", "rules:\n  claim-retention:\n    enabled: yes please\n", 'rules.claim-retention.enabled: expected true or false, got the string "yes please"'],
    ["an empty release name", 'release:\n  name: ""\n', "release.name: must not be empty"],
  ];
  for (const [what, config, message] of cases) {
    it(what, async () => {
      const outcome = await run(["--config", tempFile("c.yaml", config)], { stdin: STS });
      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr.join("\n")).toContain(message);
    });
  }

  it("an unknown rule lists the rules", async () => {
    const outcome = await run(["--config", tempFile("c.yaml", "rules:\n  claim-labels: {}\n")], { stdin: STS });
    expect(outcome.stderr.join("\n")).toContain('rules: unknown key "claim-labels" (rules are: claim-template-labels, claim-ownership');
  });

  it("a config file that is not UTF-8 is refused, with its line and column", async () => {
    const latin1 = Buffer.concat([Buffer.from("release:\n  name: caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    const path = tempFile("c.yaml", latin1);
    const outcome = await run(["--config", path], { stdin: STS });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([`fix-storage: invalid config ${path} line 2, column 12: the file is not valid UTF-8 (first bad byte at offset 20) (save it as UTF-8)`]);
  });

  it("a directory given as the config is named as one", async () => {
    const dir = tempDir();
    expect((await run(["--config", dir], { stdin: STS })).stderr).toEqual([`fix-storage: config file ${dir} is a directory`]);
  });
});

describe("release names", () => {
  it("a release name Helm would reject is refused with exit 2, never written into annotations", async () => {
    const outcome = await run(["--release-name", "my_release"], { stdin: STS });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr.join("\n")).toContain('"my_release" is not a release name Helm accepts');
  });
});

describe("FIX_STORAGE_LOG", () => {
  it("an unwritable log is an error (exit 2, nothing on stdout), not silence", async () => {
    const outcome = await run([], { stdin: STS, env: { FIX_STORAGE_LOG: "/nonexistent/dir/fix-storage.log" } });
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toEqual(["fix-storage: cannot write FIX_STORAGE_LOG /nonexistent/dir/fix-storage.log: ENOENT (unset it, or point it at a writable file)"]);
  });
});

describe("check text", () => {
  const inputs = [
    ["matomo", "rendered-existing-claim.yaml"],
    ["kyverno", "rendered.yaml"],
    ["prometheus-pushgateway", "rendered-2.17.0.yaml"],
    ["devlake", "rendered.yaml"],
  ];
  for (const [chart, file] of inputs) {
    it(`${chart}/${file}: no line over 160 characters, each object named once`, async () => {
      const { stdout } = await run(["check", "-"], { stdin: example(chart as string, file as string) });
      const lines = stdout.trimEnd().split("\n");
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(160);
      const headers = lines.filter((line) => /^ {2}\S/.test(line));
      expect(new Set(headers).size).toBe(headers.length);
    });
  }

  it("keeps an input's summary line whole, however long its path: it is the line CI logs are searched for", async () => {
    const dir = join(tempDir(), "a".repeat(100), "b".repeat(100));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "statefulset.yaml");
    writeFileSync(file, STS);
    const { stdout } = await run(["check", "--disable", "claim-ownership", file]);
    expect(stdout.split("\n")[0]).toBe(`${file}: 1 change in 1 object, 1 finding, 1 document`);
  });

  it("names the object once, then each change and, after it, why", async () => {
    const { stdout } = await run(["check", "--disable", "claim-ownership"], { stdin: STS });
    expect(stdout).toBe(
      [
        "stdin: 1 change in 1 object, 1 finding, 1 document",
        "  StatefulSet monitoring/pushgateway (document 1, pushgateway/templates/statefulset.yaml)",
        '    claim-template-labels: removed spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"] (was "prometheus-pushgateway-2.17.0")',
        "      helm.sh/chart carries the chart or app version; volumeClaimTemplates are immutable, so the next chart version could not be upgraded (StatefulSet",
        "      monitoring/pushgateway volumeClaimTemplate storage-volume)",
        "    info: live-state: volumeClaimTemplates changed (claim-template-labels) without --live, as for a new StatefulSet; if the cluster has it with other templates",
        "        (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate",
        "        it with `kubectl delete statefulset pushgateway --cascade=orphan`",
        "",
      ].join("\n"),
    );
  });

  it("a long value changed in the middle shows where the two sides differ", () => {
    const before = `set -euo pipefail\n${"kubectl get pods\n".repeat(10)}kubectl delete cm x`;
    const line = explainChange({
      rule: "idempotent-cleanup",
      object: { document: 1, kind: "Job", name: "cleanup" },
      op: "set",
      path: ["spec", "command", 2],
      before,
      after: `${before} --ignore-not-found`,
      reason: "why",
    });
    expect(line).toBe(
      'idempotent-cleanup: document 1 Job cleanup: changed spec.command[2] from ...nkubectl delete cm x" to ...nkubectl delete cm x --ignore-not-found": why',
    );
  });
});

describe("check -o json|sarif|github", () => {
  it("-o json is the --report data on stdout", async () => {
    const json = await run(["check", "-o", "json"], { stdin: STS });
    const report = await run(["check", "--report", "-"], { stdin: STS });
    expect(json.code).toBe(1);
    expect(json.stdout).toBe(report.stdout);
  });

  it("--output is refused outside check", async () => {
    const outcome = await run(["diff", "-o", "json"], { stdin: STS });
    expect(outcome.stderr).toEqual(["fix-storage: --output is an option of check only (fix-storage check -o json FILE)"]);
  });

  it("-o github: one workflow command per change and finding, on the template file", async () => {
    const outcome = await run(["check", "-o", "github", "--chart-dir", "charts/pushgateway", "--disable", "claim-ownership"], { stdin: STS });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe(
      `::warning file=charts/pushgateway/templates/statefulset.yaml,title=fix-storage claim-template-labels::StatefulSet monitoring/pushgateway: removed spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"] (was "prometheus-pushgateway-2.17.0"): helm.sh/chart carries the chart or app version; volumeClaimTemplates are immutable, so the next chart version could not be upgraded (StatefulSet monitoring/pushgateway volumeClaimTemplate storage-volume)\n` +
        "::notice file=charts/pushgateway/templates/statefulset.yaml,title=fix-storage live-state::StatefulSet monitoring/pushgateway: volumeClaimTemplates changed (claim-template-labels) without --live, as for a new StatefulSet; if the cluster has it with other templates (installed without fix-storage, or with other options), the upgrade is forbidden: pass --live kubectl or --live FILE to pin the live ones, or recreate it with `kubectl delete statefulset pushgateway --cascade=orphan`\n",
    );
  });

  it("-o github: every line is one workflow command", async () => {
    const outcome = await run(["check", "-o", "github"], { stdin: example("kyverno", "rendered.yaml") });
    const report = JSON.parse((await run(["check", "-o", "json"], { stdin: example("kyverno", "rendered.yaml") })).stdout);
    const lines = outcome.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(report.changes.length + report.findings.length);
    for (const line of lines) expect(line).toMatch(/^::(warning|error|notice) file=kyverno\/templates\/hooks\/[a-z-]+\.yaml,title=fix-storage idempotent-cleanup::/);
  });

  it("-o github escapes newlines and % in messages, and : and , in properties, as the Actions runner reads them", () => {
    const finding = { rule: "schema", severity: "info" as const, message: "line one\nline two: 100%", object: { document: 1, kind: "Job", name: "j", source: "c/templates/a,b:c.yaml" } };
    const result = { changes: [], findings: [finding], documents: 1, edited: [], output: "", outputParts: [], release: undefined };
    expect(githubAnnotations([{ input: { label: "stdin" }, result }])).toBe(
      "::notice file=c/templates/a%2Cb%3Ac.yaml,title=fix-storage schema::Job j: line one%0Aline two: 100%25\n",
    );
  });
});

describe("check exit status", () => {
  const DEPLOYMENT_ON_RWO_CLAIM = yaml`
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app
    spec:
      replicas: 1
      selector:
        matchLabels: {app: app}
      template:
        metadata:
          labels: {app: app}
        spec:
          containers:
            - name: app
              image: app:1
              volumeMounts: [{name: data, mountPath: /data}]
          volumes:
            - name: data
              persistentVolumeClaim: {claimName: data}
  `;

  it("is 1 for a warning alone (nothing to change), as CI must fail on it", async () => {
    const { code, stdout } = await run(["check", "-"], { stdin: DEPLOYMENT_ON_RWO_CLAIM });
    expect(stdout).toContain("rwo-rollout");
    expect(code).toBe(1);
  });

  it("is 0 when the rule that warns is off", async () => {
    const { code } = await run(["check", "--disable", "rwo-rollout", "-"], { stdin: DEPLOYMENT_ON_RWO_CLAIM });
    expect(code).toBe(0);
  });
});

describe("the fixed stream is given document by document", () => {
  const CONFIGMAP = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  text: héllo wörld ✓\n";

  it("fix: stdoutParts are the documents, and stdout is their concatenation", async () => {
    const outcome = await run([], { stdin: CONFIGMAP + STS });
    expect(outcome.code).toBe(0);
    const parts = [...(outcome.stdoutParts ?? [])];
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(CONFIGMAP);
    expect(parts.join("")).toBe(outcome.stdout);
    expect(outcome.stdout).toBe((await fix(CONFIGMAP + STS)).output);
    expect(outcome.stdout).not.toBe(CONFIGMAP + STS);
  });

  it("a file and stdin are read alike", async () => {
    const fromFile = await run(["flux-patches", tempFile("r.yaml", CONFIGMAP + STS)]);
    const fromStdin = await run(["flux-patches"], { stdin: CONFIGMAP + STS });
    expect(fromFile).toMatchObject({ code: 0, stderr: [expect.stringContaining("the patches change its volumeClaimTemplates")] });
    expect(fromFile.stdout).toBe(fromStdin.stdout);
    expect(fromFile.stderr).toEqual(fromStdin.stderr);
  });

  const RESOURCE_LIST_TAIL = "functionConfig:\n  apiVersion: fix-storage.dev/v1alpha1\n  kind: FixStorage\n  metadata: {name: fix}\n";

  it("a ResourceList that names config.kubernetes.io/v1 only after its first 4,096 characters is still run as KRM", async () => {
    const padding = `items: []\n${"# padding\n".repeat(500)}`;
    const list = `kind: ResourceList\n${padding}${RESOURCE_LIST_TAIL}apiVersion: config.kubernetes.io/v1\n`;
    const outcome = await run([], { stdin: list });
    expect(outcome.code).toBe(0);
    expect(outcome.stdoutParts).toBeUndefined();
    expect(outcome.stdout).toBe((await run(["krm"], { stdin: list })).stdout);
  });

  it("a stream whose later document names config.kubernetes.io/v1 is fixed as a stream", async () => {
    const stream = `${STS}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: krm\ndata:\n  api: config.kubernetes.io/v1\n`;
    const outcome = await run([], { stdin: stream });
    expect(outcome.code).toBe(0);
    expect([...(outcome.stdoutParts ?? [])]).toHaveLength(2);
  });

  it("invalid UTF-8 in a later document is refused with its document, the stream's line and offset, and the column", async () => {
    const bytes = Buffer.concat([Buffer.from(`${CONFIGMAP}---\na: `), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]);
    const outcome = await run([], { stdin: bytes });
    expect(outcome).toEqual({
      code: 2,
      stdout: "",
      stderr: [`fix-storage: document 2 line 9, column 4: input is not valid UTF-8 (first bad byte at offset ${Buffer.byteLength(CONFIGMAP) + 7})`],
    });
  });
});
