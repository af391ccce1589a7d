/** Where a change or finding belongs in a chart repository: the template file of its `# Source:` line. */
import type { ObjectRef } from "../core/records.js";

/**
 * `# Source: mychart/templates/x.yaml` names the chart first; with `chartDir` (where that chart lives in the
 * repository, e.g. charts/mychart) the path becomes charts/mychart/templates/x.yaml. Without a source, the input file.
 */
export function sourceFile(ref: ObjectRef | undefined, inputLabel: string, chartDir?: string): string | undefined {
  const source = ref?.source;
  if (!source) return inputLabel === "stdin" ? undefined : inputLabel;
  if (chartDir === undefined) return source;
  const withinChart = source.split("/").slice(1).join("/");
  const dir = chartDir.replace(/\/+$/, "");
  return dir === "" || dir === "." ? withinChart : `${dir}/${withinChart}`;
}
