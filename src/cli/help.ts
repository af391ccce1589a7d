import { RULES } from "../rules/index.js";
import type { Command } from "./args.js";

const ruleLines = RULES.map((rule) => `  ${rule.name.padEnd(22)} ${rule.defaultEnabled ? "on " : "off"}  ${rule.summary}`).join("\n");

const USAGE = `Usage:
  fix-storage [fix] [options] < in.yaml > fixed.yaml   transform (Helm post-renderer, pipes, Argo CD)
  fix-storage check [FILE|DIR...]                      report what would change; exit 0 nothing, 1 a change or warning, 2 error
  fix-storage diff [FILE|DIR...]                       unified diff of what would change; exit 0 none, 1 a difference, 2 error
  fix-storage flux-patches [FILE]                      print a Flux HelmRelease postRenderers block doing the same edits
  fix-storage krm                                      KRM function: ResourceList in, ResourceList out (auto-detected)
  fix-storage help [COMMAND]                           this help, or a command's
  fix-storage version                                  print the version (also --version, -v)`;

const RULE_OPTIONS = `  --config FILE          YAML config (also FIX_STORAGE_CONFIG): release: {name, namespace}, rules: {<rule>: {enabled, ...}}
  --release-name NAME    release name for objects without their own instance/release label (else config, ARGOCD_APP_NAME)
  -n, --namespace NS     release namespace for objects without metadata.namespace (else config, ARGOCD_APP_NAMESPACE,
                         HELM_NAMESPACE); a value that disagrees with an object's own is reported, never written
  --enable RULE          turn a rule on (repeatable, or comma-separated)
  --disable RULE         turn a rule off (repeatable, or comma-separated; wins over --enable)
  --volume-name S/T=PV   bind StatefulSet S's claim template T to PV (or CLAIM=PV for a rendered PVC)`;

const LIVE_OPTIONS = `  --live FILE|kubectl    the live StatefulSets and PVCs (kubectl get statefulsets,persistentvolumeclaims -n NS -o yaml);
                         volumeClaimTemplate changes a live StatefulSet forbids are pinned, stale claims reported
  --live-mode pin|fail   pin (default) or exit 2 naming every difference`;

export const HELP = `fix-storage — fix the storage mistakes Helm charts keep making, in the rendered manifests

${USAGE}

Options:
${RULE_OPTIONS}
${LIVE_OPTIONS}
  --explain              one line per change and finding on stderr
  --report FILE          write every change and finding as JSON (check: - for stdout)
  -h, --help             this help (fix-storage COMMAND --help: that command's)
  -v, --version          print the version

Rules (in the order they run):
${ruleLines}

Environment:
  FIX_STORAGE_CONFIG, FIX_STORAGE_RELEASE_NAME, FIX_STORAGE_NAMESPACE, FIX_STORAGE_ENABLE, FIX_STORAGE_DISABLE,
  FIX_STORAGE_VOLUME_NAME   settings without flags (also as ARGOCD_ENV_FIX_STORAGE_* and PARAM_FIX_STORAGE_*)
  FIX_STORAGE_LOG           append explanations and errors to this file (Helm 4 discards a post-renderer's stderr)

Errors name the document (index and # Source), line and column; on any error nothing is written to stdout, exit 2.
Lines are those of the input stream.
`;

const INPUTS = `FILE is a rendered stream (helm template output); - or no FILE reads stdin. A DIR is read as every .yaml and .yml
file under it, sorted by path, empty files skipped, each file a render of its own; the files helm template
--output-dir DIR writes (one per template) are read as one render per chart, each result shown in its file.`;

const COMMAND_HELP: Partial<Record<Command, string>> = {
  check: `fix-storage check — report what the rules would change, without changing anything

Usage:
  fix-storage check [options] [FILE|DIR...]
  helm template my-release chart/ | fix-storage check -

${INPUTS}
Exit status: 0 nothing to change, 1 something would change (or a finding needs action), 2 error.

Options:
  -o, --output FORMAT    text (default): per object, each change and why; json: the --report data;
                         sarif: SARIF 2.1.0 for code scanning; github: GitHub workflow annotations (::warning file=…::)
  --chart-dir DIR        where the chart named in # Source: lines lives, for file paths in sarif and github output
                         (# Source: mychart/templates/x.yaml with --chart-dir charts/mychart gives charts/mychart/templates/x.yaml);
                         repeatable for several charts, matched by the directory's name, or given as NAME=DIR
  --report FILE          also write the JSON report to FILE (- writes it to stdout instead of the text)
${RULE_OPTIONS}
${LIVE_OPTIONS}
`,
  diff: `fix-storage diff — unified diff of what the rules would change

Usage:
  fix-storage diff [options] [FILE|DIR...] > fix.patch
  patch -p1 < fix.patch        (or git apply fix.patch) applies it to the files

${INPUTS}
The diff names each file as a/FILE and b/FILE, keeps CRLF line ends, and applies with patch -p1 and git apply.
Exit status: 0 no difference, 1 a difference, 2 error (a warning without an edit is no difference: check fails on it).

Options:
  --explain              one line per change and finding on stderr
  --report FILE          also write the JSON report to FILE
${RULE_OPTIONS}
${LIVE_OPTIONS}
`,
  "flux-patches": `fix-storage flux-patches — the same edits as kustomize patches for a Flux HelmRelease

Usage:
  fix-storage flux-patches [options] [FILE] > postrenderers.yaml

FILE is a render of the release (helm template with the HelmRelease's values); - or no FILE reads stdin.
Prints a postRenderers: block (JSON6902 patches, one target per object) to put under the HelmRelease's spec.
Regenerate it when the chart version or the values change; examples/flux/check-patches.sh fails CI when stale.
Warnings (what the block leaves undone, such as a Job left alone) go to stderr.

Options:
  --explain              also one line per change and info finding on stderr
  --report FILE          also write the JSON report to FILE
${RULE_OPTIONS}
`,
  krm: `fix-storage krm — KRM function: a config.kubernetes.io/v1 ResourceList on stdin, the fixed one on stdout

Usage:
  kpt fn eval DIR --exec fix-storage --fn-config fix-storage-fn.yaml
  kustomize build --enable-alpha-plugins --enable-exec DIR   (exec transformer, see examples/krm/)

A ResourceList on stdin is recognised without the krm command too. The functionConfig takes the config file's
schema (release, rules), or kpt's ConfigMap of key=value pairs: release-name, namespace, enable, disable.
Changes and findings are returned in the ResourceList's results.

Options:
  --report FILE          also write the JSON report to FILE
${RULE_OPTIONS}
${LIVE_OPTIONS}
`,
  version: "fix-storage version — print the version (also fix-storage --version, -v)\n",
  help: "fix-storage help [COMMAND] — the help, or a command's (also fix-storage COMMAND --help)\n",
};

export function helpFor(command: Command | undefined): string {
  return (command && COMMAND_HELP[command]) || HELP;
}

/** What a bare `fix-storage` on a terminal prints instead of waiting for input that is not coming. */
export const TERMINAL_HINT = `fix-storage: reading manifests from stdin, but stdin is a terminal. For example:
  helm template my-release chart/ | fix-storage
  fix-storage check rendered.yaml
Run fix-storage --help for every command.`;
