/**
 * What the fast-compose tests hold fast trees to: the facts the planner reads from a tree, compared with the parser's,
 * and the bytes an editor planning on fast trees writes, compared with one planning on the parser's.
 */
import { isDeepStrictEqual } from "node:util";
import { type Document, isMap, isScalar, isSeq, type Node } from "yaml";
import { fastCompose, parseForPlanning } from "../../src/core/fast-compose.js";
import { fastScan } from "../../src/core/fast-scan.js";
import { parseForEditing } from "../../src/core/yaml-aliases.js";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import {
  colonOf,
  contentEnd,
  dashOf,
  entryTokens,
  entryValueStart,
  itemContentEnd,
  itemStart,
  nodeToken,
  pairToken,
  pairValueStart,
} from "../../src/core/yaml-extent.js";
import type { Random } from "../fuzz/generator.js";

// --- what the planner reads ----------------------------------------------------------------------------------------

/** The facts the planner reads, node by node; a flow collection's inside is not read on a fast tree. */
export function facts(doc: Document.Parsed): string[] {
  const out: string[] = [];
  const walk = (node: Node | null | undefined, at: string): void => {
    if (isMap(node) || isSeq(node)) {
      out.push(`${at} ${isMap(node) ? "map" : "seq"} flow=${Boolean(node.flow)} items=${node.items.length} token=${nodeToken(node)?.type}`);
      if (node.flow) {
        out.push(`${at} ends ${contentEnd(nodeToken(node))}`);
        return;
      }
      out.push(`${at} ends ${contentEnd(nodeToken(node))}`);
      if (isMap(node)) {
        for (const pair of node.items) {
          const token = pairToken(pair);
          const key = pair.key as Node;
          const name = `${at}.${JSON.stringify(isScalar(key) ? key.value : "?")}`;
          out.push(`${name} key=${isScalar(key) ? `${key.type} ${typeof key.value}` : "?"} start=${token && itemStart(token)} colon=${token && colonOf(token)}`);
          out.push(`${name} value=${token && pairValueStart(token)} end=${token && itemContentEnd(token)} valueEnd=${contentEnd(token?.value)}`);
          walk(pair.value as Node | null, name);
        }
      } else {
        const tokens = entryTokens(node);
        out.push(`${at} entries=${tokens?.length}`);
        node.items.forEach((item, index) => {
          const token = tokens?.[index];
          out.push(`${at}[${index}] start=${token && itemStart(token)} dash=${token && dashOf(token)} value=${token && entryValueStart(token)} end=${token && itemContentEnd(token)}`);
          walk(item as Node | null, `${at}[${index}]`);
        });
      }
      return;
    }
    if (isScalar(node)) out.push(`${at} scalar ${node.type} ${typeof node.value} ${JSON.stringify(node.value)}`);
    else out.push(`${at} ${node === null || node === undefined ? "nothing" : "other"}`);
  };
  walk(doc.contents as Node | null, "");
  return out;
}

/**
 * Why the fast tree of `text` is not the parser's (undefined when it is, or when fast-compose leaves it to the parser).
 * A lazy tree is read whole, so every deferred part is built. Lazy trees are only made of text fast-scan reads (or
 * the editor's splices of it), since the lines of a deferred part are passed over unread: so only such text is.
 */
export function treeDifference(text: string, lazy = false): string | undefined {
  if (lazy && !("value" in fastScan(text))) return undefined;
  const fast = fastCompose(text, lazy);
  if (!fast) return undefined;
  const full = parseForEditing(text);
  if (full.errors.length > 0) return `the parser refuses it: ${full.errors[0]?.message}`;
  const [a, b] = [facts(fast), facts(full)];
  const index = a.findIndex((fact, i) => fact !== b[i]);
  if (index !== -1 || a.length !== b.length) return `fast ${a[index] ?? "nothing"} / parser ${b[index] ?? "nothing"}`;
  if (!isDeepStrictEqual(fast.toJS(), full.toJS())) return `fast reads ${JSON.stringify(fast.toJS())}, parser ${JSON.stringify(full.toJS())}`;
  return undefined;
}

/**
 * The data fast-scan reads, as a stream's documents give it to their editor (which then parses only to plan): a lazy
 * tree is then read only where steps go. Undefined where fast-scan does not read the text.
 */
export function scannedData(text: string): { value: unknown } | undefined {
  const read = fastScan(text);
  return "value" in read ? read : undefined;
}

export type Place = { path: Array<string | number>; value: unknown };

export function places(value: unknown, path: Array<string | number> = []): Place[] {
  const found: Place[] = [{ path, value }];
  if (Array.isArray(value)) for (const [i, item] of value.entries()) found.push(...places(item, [...path, i]));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) found.push(...places(item, [...path, key]));
  return found;
}


/** The same steps on an editor planning on fast trees and on one planning on the parser's: the same bytes, or the same refusal. */
export function editDifference(
  text: string,
  random: Random,
  randomStep: (random: Random, data: unknown) => EditStep | undefined,
  most = 4,
): string | undefined {
  const fast = new YamlDocumentEditor(text, parseForPlanning, scannedData(text));
  const full = new YamlDocumentEditor(text);
  const steps: EditStep[] = [];
  for (let k = 1 + random.int(most); k > 0; k--) {
    const step = randomStep(random, full.value());
    if (!step) break;
    steps.push(step);
    const outcomes = [fast, full].map((editor) => {
      try {
        editor.apply(step);
        return "ok";
      } catch (error) {
        return (error as Error).message;
      }
    });
    if (outcomes[0] !== outcomes[1]) return `steps ${JSON.stringify(steps)}: fast ${outcomes[0]} / parser ${outcomes[1]}`;
    if (outcomes[0] !== "ok") return undefined;
    if (random.chance(0.5) && fast.text !== full.text) return `steps ${JSON.stringify(steps)}: texts differ mid-way`;
  }
  if (fast.text !== full.text) return `steps ${JSON.stringify(steps)}: fast wrote ${JSON.stringify(fast.text)}, parser ${JSON.stringify(full.text)}`;
  if (!isDeepStrictEqual(fast.value(), full.value())) return `steps ${JSON.stringify(steps)}: the editors' data differ`;
  // Read again from the text, as the next rule does.
  if (!isDeepStrictEqual(new YamlDocumentEditor(fast.text, parseForPlanning).value(), full.value())) return `steps ${JSON.stringify(steps)}: the fast tree of the result reads otherwise`;
  return undefined;
}

/** Every one-step edit at every place of `text` (delete, set a scalar, a text block, a map, append, add a key). */
export function everyStepDifference(text: string): string | undefined {
  const data = new YamlDocumentEditor(text).value();
  for (const place of places(data).filter((found) => found.path.length > 0)) {
    const steps: EditStep[] = [
      { op: "delete", path: place.path },
      { op: "set", path: place.path, value: "v" },
      { op: "set", path: place.path, value: "two\nlines\n" },
      { op: "set", path: place.path, value: { k: ["v"] } },
      { op: "append", path: place.path, value: "v" },
      { op: "set", path: [...place.path, "new"], value: "v" },
    ];
    for (const step of steps) {
      const outcomes = [new YamlDocumentEditor(text, parseForPlanning, scannedData(text)), new YamlDocumentEditor(text)].map((editor) => {
        try {
          editor.apply(step);
          return editor.text;
        } catch (error) {
          return `refused: ${(error as Error).message}`;
        }
      });
      if (outcomes[0] !== outcomes[1]) return `${JSON.stringify(step)}: fast ${JSON.stringify(outcomes[0])} / parser ${JSON.stringify(outcomes[1])}`;
    }
  }
  return undefined;
}
