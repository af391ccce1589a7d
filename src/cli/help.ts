import { RULES } from "../rules/index.js";

const ruleLines = RULES.map((rule) => `  ${rule.name.padEnd(22)} ${rule.defaultEnabled ? "on " : "off"}  ${rule.summary}`).join("\n");

export const HELP = `fix-storage — fix the storage mistakes Helm charts keep making, in the rendered manifests

Usage:
  fix-storage [options] < rendered.yaml > fixed.yaml   transform (Helm post-renderer, pipes, Argo CD)
  fix-storage check [FILE...]                          report what would change; exit 0 none, 1 some, 2 error
  fix-storage diff [FILE...]                           unified diff of what would change (exit like check)
  fix-storage flux-patches [FILE]                      print a Flux HelmRelease postRenderers block doing the same edits
  fix-storage krm                                      KRM function: ResourceList in, ResourceList out (auto-detected)

Options:
  --config FILE          YAML config (also FIX_STORAGE_CONFIG): release: {name, namespace}, rules: {<rule>: {enabled, ...}}
  --release-name NAME    release name (else config, ARGOCD_APP_NAME, or the stream's app.kubernetes.io/instance labels)
  -n, --namespace NS     release namespace (else config, ARGOCD_APP_NAMESPACE, HELM_NAMESPACE, or metadata.namespace)
  --enable RULE          turn a rule on (repeatable, or comma-separated)
  --disable RULE         turn a rule off (repeatable, or comma-separated)
  --volume-name S/T=PV   bind StatefulSet S's claim template T to PV (or CLAIM=PV for a rendered PVC)
  --live FILE|kubectl    the live StatefulSets and PVCs (kubectl get statefulsets,persistentvolumeclaims -n NS -o yaml);
                         volumeClaimTemplate changes a live StatefulSet forbids are pinned, stale claims reported
  --live-mode pin|fail   pin (default) or exit 2 naming every difference
  --explain              one line per change and finding on stderr
  --report FILE          write every change and finding as JSON
  -h, --help             this help
  --version              print the version

Rules (in the order they run):
${ruleLines}

Environment:
  FIX_STORAGE_CONFIG, FIX_STORAGE_RELEASE_NAME, FIX_STORAGE_NAMESPACE, FIX_STORAGE_ENABLE, FIX_STORAGE_DISABLE,
  FIX_STORAGE_VOLUME_NAME   settings without flags (also as ARGOCD_ENV_FIX_STORAGE_* and PARAM_FIX_STORAGE_*)
  FIX_STORAGE_LOG           append explanations and errors to this file (Helm 4 discards a post-renderer's stderr)

Errors name the document (index and # Source), line and column; on any error nothing is written to stdout, exit 2.
Lines are those of the input stream.
`;
