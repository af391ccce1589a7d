#!/bin/sh
# Chart CI: render each chart with `helm template` and fail on anything fix-storage would change or warns about,
# annotated on the template file that renders it.
#
#   check-charts.sh [CHART_DIR...]        default: every directory with a Chart.yaml under charts/
#
# Each chart is rendered once per ci/*-values.yaml file (chart-testing's convention), or once with its defaults.
# Library charts (type: library) render nothing and are skipped, as chart-testing skips them; a render with no
# manifests in it (a chart of CRDs only, everything disabled) has nothing to check.
# Output: GitHub workflow annotations under GitHub Actions, text elsewhere; FIX_STORAGE_OUTPUT=sarif|github|json|text
# chooses, FIX_STORAGE_SARIF=FILE also writes SARIF for code scanning. FIX_STORAGE_ARGS adds fix-storage options
# (e.g. "--config fix-storage.yaml"); HELM_TEMPLATE_ARGS adds helm template options (e.g. "--kube-version 1.30").
# Exit: 0 clean, 1 a chart renders something to fix (a change, a warning or an error), 2 helm or fix-storage failed.
set -eu

if [ $# -eq 0 ]; then
  for chart_file in charts/*/Chart.yaml; do
    [ -f "$chart_file" ] && set -- "$@" "$(dirname "$chart_file")"
  done
  if [ $# -eq 0 ]; then
    echo "check-charts: no charts/*/Chart.yaml here; name the chart directories" >&2
    exit 2
  fi
fi

if [ -n "${FIX_STORAGE_OUTPUT:-}" ]; then
  output=$FIX_STORAGE_OUTPUT
elif [ "${GITHUB_ACTIONS:-}" = "true" ]; then
  output=github
else
  output=text
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
renders=$work/renders
mkdir "$renders"
for chart in "$@"; do printf '%s\n' "${chart%/}"; done > "$work/charts"

# From here on, "$@" collects fix-storage's --chart-dir options.
set --
n=0
while IFS= read -r chart; do
  if [ ! -f "$chart/Chart.yaml" ]; then
    echo "check-charts: $chart has no Chart.yaml" >&2
    exit 2
  fi
  if grep -Eq '^type:[[:space:]]*["'\'']?library' "$chart/Chart.yaml"; then
    echo "check-charts: $chart is a library chart: nothing to render, skipped" >&2
    continue
  fi
  # The chart's name (its # Source: lines start with it) maps those lines back to this directory.
  name=$(sed -n 's/^name:[[:space:]]*["'\'']\{0,1\}\([^"'\''[:space:]]*\).*/\1/p' "$chart/Chart.yaml" | head -n 1)
  set -- "$@" --chart-dir "$name=$chart"
  if grep -q '^dependencies:' "$chart/Chart.yaml"; then
    helm dependency build "$chart" >/dev/null || { echo "check-charts: helm dependency build $chart failed" >&2; exit 2; }
  fi
  found=false
  for values in "$chart"/ci/*-values.yaml; do
    [ -f "$values" ] || continue
    found=true
    n=$((n + 1))
    # shellcheck disable=SC2086 # HELM_TEMPLATE_ARGS is a list of options
    helm template "$name" "$chart" --namespace "$name" --values "$values" ${HELM_TEMPLATE_ARGS:-} > "$renders/$n-$name-$(basename "$values" .yaml).yaml" ||
      { echo "check-charts: helm template $chart --values $values failed" >&2; exit 2; }
  done
  if [ "$found" = false ]; then
    n=$((n + 1))
    # shellcheck disable=SC2086
    helm template "$name" "$chart" --namespace "$name" ${HELM_TEMPLATE_ARGS:-} > "$renders/$n-$name.yaml" ||
      { echo "check-charts: helm template $chart failed" >&2; exit 2; }
  fi
done < "$work/charts"

# A render of nothing but comments and `---` lines holds no manifest to check (fix-storage refuses empty input).
for render in "$renders"/*.yaml; do
  [ -f "$render" ] || continue
  if ! grep -Ev '^[[:space:]]*(#.*)?$|^---[[:space:]]*(#.*)?$' "$render" > /dev/null; then
    echo "check-charts: $(basename "$render" .yaml) renders no manifests: nothing to check" >&2
    rm "$render"
  fi
done
if [ -z "$(ls "$renders")" ]; then
  echo "check-charts: no chart rendered any manifest: nothing to check" >&2
  # Code scanning and JSON or SARIF readers still get their results: those of a run that checked nothing.
  nothing() { printf '%s\n' "---" "# nothing rendered" "apiVersion: v1" "kind: List" "items: []"; }
  if [ -n "${FIX_STORAGE_SARIF:-}" ]; then
    nothing | fix-storage check -o sarif - > "$FIX_STORAGE_SARIF" || [ $? -eq 1 ]
  fi
  if [ "$output" = sarif ] || [ "$output" = json ]; then
    nothing | fix-storage check -o "$output" - || [ $? -eq 1 ]
  fi
  exit 0
fi

# One run over every render: one report, one SARIF run, every annotation.
status=0
# shellcheck disable=SC2086 # FIX_STORAGE_ARGS is a list of options
fix-storage check -o "$output" --report "$work/report.json" "$@" ${FIX_STORAGE_ARGS:-} "$renders" || status=$?
if [ -n "${FIX_STORAGE_SARIF:-}" ]; then
  # shellcheck disable=SC2086
  fix-storage check -o sarif "$@" ${FIX_STORAGE_ARGS:-} "$renders" > "$FIX_STORAGE_SARIF" || [ $? -eq 1 ]
fi
if [ "$status" -ge 2 ]; then exit 2; fi
if [ "$status" -eq 1 ] || grep -Eq '"severity": "(warning|error)"' "$work/report.json"; then
  echo "check-charts: fix-storage found storage mistakes in the rendered charts (see above)" >&2
  exit 1
fi
exit 0
