import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { addIgnoreNotFound, execNeedsIgnoreNotFound, wrapWithRetries } from "../../src/rules/shell-script.js";
import { example, fix } from "../helpers.js";

const only = { disable: ["claim-template-labels", "claim-ownership", "cronjob-claims", "volume-name"] };

function job(container: string, annotations = ""): string {
  return `---\n# Source: c/templates/job.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cleanup\n${annotations}spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n${container}`;
}

describe("idempotent-cleanup", () => {
  it("adds --ignore-not-found to exec-form kubectl delete as one more argument", async () => {
    const input = job("        - name: k\n          image: kubectl\n          command: [kubectl, delete, cm, x, -n, ns]\n");
    const result = await fix(input, only);
    expect(result.output).toBe(input.replace("-n, ns]", "-n, ns, --ignore-not-found]"));
    expect((await fix(result.output, only)).changes).toEqual([]);
  });

  it("appends to args when the delete is split over command and args", async () => {
    const input = job("        - name: k\n          command:\n            - kubectl\n          args:\n            - delete\n            - cm/x\n");
    const result = await fix(input, only);
    expect(result.output).toBe(input.replace("            - cm/x\n", "            - cm/x\n            - --ignore-not-found\n"));
  });

  it("leaves deletes that already ignore missing objects, and other kubectl verbs, alone", async () => {
    const input = job(
      "        - name: a\n          command: [sh, -c, 'kubectl delete alloy/x --ignore-not-found=true']\n        - name: b\n          command: [kubectl, patch, deploy/x]\n",
      "  annotations:\n    helm.sh/hook: pre-delete\n",
    );
    const result = await fix(input, only);
    expect(result.changes).toEqual([]);
    expect(result.output).toBe(input);
  });

  it("fixes Kyverno 3.3.9's post-delete hook: flag, retries and before-hook-creation", async () => {
    const input = job(
      "        - name: kubectl\n          command:\n            - /bin/bash\n            - -c\n            - set -euo pipefail; kubectl delete cm -n kyverno kyverno\n",
      "  annotations:\n    helm.sh/hook: post-delete\n    helm.sh/hook-delete-policy: hook-succeeded\n",
    );
    const result = await fix(input, only);
    const fixed = parse(result.output.replace(/^---\n/, ""));
    const script = fixed.spec.template.spec.containers[0].command[2] as string;
    expect(script).toBe(wrapWithRetries("set -euo pipefail; kubectl delete --ignore-not-found cm -n kyverno kyverno", 3, 5));
    expect(fixed.metadata.annotations["helm.sh/hook-delete-policy"]).toBe("hook-succeeded,before-hook-creation");
    expect(result.output).toContain("            - |\n              # fix-storage idempotent-cleanup:");
    const again = await fix(result.output, only);
    expect(again.changes).toEqual([]);
    expect(again.output).toBe(result.output);
  });

  it("honours retries, delaySeconds and hookDeletePolicy", async () => {
    const input = job("        - name: k\n          args: [sh, -ec, 'kubectl delete cm x']\n", "  annotations:\n    helm.sh/hook: pre-delete\n");
    const result = await fix(input, {
      ...only,
      config: { rules: { "idempotent-cleanup": { retries: 1, delaySeconds: 0, hookDeletePolicy: ["before-hook-creation", "hook-succeeded"] } } },
    });
    expect(result.output).toContain("retried up to 1 times, 0s apart");
    expect(result.output).toContain(`helm.sh/hook-delete-policy: "before-hook-creation,hook-succeeded"`);
  });

  it("fixes every kubectl delete in the Kyverno chart's hook Jobs", async () => {
    const result = await fix(example("kyverno", "rendered.yaml"), only);
    const names = [...new Set(result.changes.map((change) => change.object.name))];
    expect(names).toContain("kyverno-remove-configmap");
    expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([]);
    for (const change of result.changes.filter((c) => typeof c.after === "string" && c.after.includes("\n"))) {
      expect(change.after).not.toMatch(/kubectl delete (?!--ignore-not-found)/);
    }
  });
});

const shells = ["sh", "bash"].filter((shell) => spawnSync(shell, ["-c", "true"]).status === 0);

/** The wrapped script, run for real with a fake kubectl that fails a given number of times. */
describe.skipIf(shells.length === 0)("the retry wrapper, executed", () => {
  function run(shell: string, flags: string, script: string, failures: number) {
    const dir = mkdtempSync(join(tmpdir(), "fix-storage-wrap-"));
    const fake = join(dir, "kubectl");
    writeFileSync(
      fake,
      `#!/bin/sh\necho "$@" >> "${dir}/calls"\nn=$(cat "${dir}/count" 2>/dev/null || echo 0)\necho $((n + 1)) > "${dir}/count"\n[ "$n" -ge ${failures} ] || exit 7\n`,
    );
    chmodSync(fake, 0o755);
    const result = spawnSync(shell, [flags, wrapWithRetries(script, 3, 0)], { env: { PATH: `${dir}:${process.env.PATH}` } });
    const calls = existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n") : [];
    return { status: result.status, calls };
  }

  for (const shell of shells) {
    it(`${shell}: a transient failure is retried and the Job succeeds`, () => {
      const { status, calls } = run(shell, "-c", "set -eu\nkubectl delete --ignore-not-found cm x\n", 2);
      expect(status).toBe(0);
      expect(calls).toHaveLength(3);
    });

    it(`${shell}: a lasting failure exits with the script's own status after the retries`, () => {
      const { status, calls } = run(shell, "-c", "kubectl delete --ignore-not-found cm x", 99);
      expect(status).toBe(7);
      expect(calls).toHaveLength(4);
    });

    it(`${shell}: set -e inside the script still stops it at the first failure`, () => {
      const { status, calls } = run(shell, "-c", "set -e\nkubectl delete cm a\nkubectl delete cm b\n", 99);
      expect(status).toBe(7);
      expect(calls.every((call) => call === "delete cm a")).toBe(true);
    });

    it(`${shell}: -e given to the shell (sh -ec) still applies to the script`, () => {
      const { status, calls } = run(shell, "-ec", "kubectl delete cm a\nkubectl delete cm b\n", 99);
      expect(status).toBe(7);
      expect(calls.every((call) => call === "delete cm a")).toBe(true);
    });
  }
});


describe("finding kubectl's delete subcommand", () => {
  it.each([
    ["kubectl delete cm x", "kubectl delete --ignore-not-found cm x"],
    ["kubectl -n ns --context c delete cm x", "kubectl -n ns --context c delete --ignore-not-found cm x"],
    ["/usr/local/bin/kubectl --namespace=ns delete pod a && echo done", "/usr/local/bin/kubectl --namespace=ns delete --ignore-not-found pod a && echo done"],
    ["kubectl label pod x delete=yes", "kubectl label pod x delete=yes"],
    ["kubectl logs delete", "kubectl logs delete"],
    ["kubectl get pods | grep delete", "kubectl get pods | grep delete"],
    ["kubectl delete \\\n  cm x", "kubectl delete --ignore-not-found \\\n  cm x"],
    ["kubectl delete cm x --ignore-not-found=true", "kubectl delete cm x --ignore-not-found=true"],
  ])("%j", (script, expected) => {
    expect(addIgnoreNotFound(script)).toBe(expected);
  });

  it("exec form: only when delete is the subcommand", () => {
    expect(execNeedsIgnoreNotFound(["kubectl", "-n", "ns", "delete", "cm", "x"])).toBe(true);
    expect(execNeedsIgnoreNotFound(["kubectl", "annotate", "cm", "x", "delete=1"])).toBe(false);
    expect(execNeedsIgnoreNotFound(["kubectl", "get", "delete"])).toBe(false);
  });
});

describe("text that only mentions kubectl delete", () => {
  it.each([
    ['echo "to clean up, run: kubectl delete pvc -l app=x"'],
    ["# kubectl delete configmap old-cm"],
    ["echo 'kubectl delete cm x' >> /tmp/log"],
  ])("is left alone: %s", (script) => {
    expect(addIgnoreNotFound(script)).toBe(script);
  });

  it("while the command next to it is fixed", () => {
    expect(addIgnoreNotFound('echo "deleting"; kubectl delete cm x # old "way"')).toBe('echo "deleting"; kubectl delete --ignore-not-found cm x # old "way"');
  });
});
