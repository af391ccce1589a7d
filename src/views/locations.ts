/** Where a change or finding belongs in a chart repository: the template file of its `# Source:` line. */
import type { ObjectRef } from "../core/records.js";

/**
 * `# Source: mychart/templates/x.yaml` names the chart first. A chart directory (`--chart-dir charts/mychart`, or
 * `mychart=charts/mychart` when several charts are checked at once) turns it into charts/mychart/templates/x.yaml;
 * one plain DIR applies to every source, several are matched to the chart name by their last path segment.
 * Without a source, the input file.
 */
export function sourceFile(ref: ObjectRef | undefined, inputLabel: string, chartDirs: readonly string[] = []): string | undefined {
  const source = ref?.source;
  if (!source) return inputLabel === "stdin" ? undefined : inputLabel;
  const [chart, ...rest] = source.split("/");
  const dir = chartDirFor(chart as string, chartDirs);
  if (dir === undefined || rest.length === 0) return source;
  const trimmed = dir.replace(/\/+$/, "");
  return trimmed === "" || trimmed === "." ? rest.join("/") : `${trimmed}/${rest.join("/")}`;
}

function chartDirFor(chart: string, chartDirs: readonly string[]): string | undefined {
  const named = chartDirs.find((entry) => entry.startsWith(`${chart}=`));
  if (named) return named.slice(chart.length + 1);
  const plain = chartDirs.filter((entry) => !/^[^/=]+=/.test(entry));
  if (plain.length === 1 && chartDirs.length === 1) return plain[0];
  return plain.find((dir) => dir.replace(/\/+$/, "").split("/").pop() === chart);
}
