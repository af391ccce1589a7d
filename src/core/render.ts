/**
 * Renders values the tool inserts. Strings stay plain only when YAML 1.1 and 1.2 readers both read them back as the
 * same string; anything else is double-quoted, so `"yes"`, `"0644"` and `"1.0"` never change type in any reader.
 */
import { parse } from "yaml";
import { plainIsStringInBothVersions } from "./fast-scan.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLAIN_SAFE = /^[A-Za-z0-9_./@=+-][A-Za-z0-9_./@=+\- ]*$/;
/**
 * Of those, the ones that are one plain scalar wherever they stand (no `-`, `@` or `...` in front, which could be
 * an indicator or a marker): only how each version resolves them is left to decide, without parsing.
 */
const PLAIN_LEXICALLY = /^(?!\.\.\.)[A-Za-z0-9_./=+][A-Za-z0-9_./@=+\- ]*$/;

function readsBackAs(text: string, value: string): boolean {
  try {
    return parse(text, { version: "1.2" }) === value && parse(text, { version: "1.1" }) === value;
  } catch {
    return false;
  }
}

/** Deciding plainness may parse the text twice; expanded aliases repeat the same keys thousands of times. */
const plainCache = new Map<string, boolean>();
const PLAIN_CACHE_SIZE = 10_000;

/**
 * go-yaml (Kubernetes' reader) drops every `_` of a plain scalar that starts like a number, then reads it as a number
 * if Go's integer parser takes it with any base prefix (`0X1F`, `0B1`, `0O17`, `0_x1F`) or it looks like a float
 * (`1e_5`): forms the yaml package reads as strings in both versions.
 */
export function goYamlReadsAsNumber(value: string): boolean {
  if (!/^[-+.0-9]/.test(value)) return false;
  const plain = value.replace(/_/g, "");
  return /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)$/.test(plain) || /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain);
}

function canBePlain(value: string): boolean {
  if (value === "" || !PLAIN_SAFE.test(value) || value.endsWith(" ") || goYamlReadsAsNumber(value)) return false;
  let plain = plainCache.get(value);
  if (plain === undefined) {
    plain = (PLAIN_LEXICALLY.test(value) ? plainIsStringInBothVersions(value) : undefined) ?? readsBackAs(value, value);
    if (plainCache.size >= PLAIN_CACHE_SIZE) plainCache.clear();
    plainCache.set(value, plain);
  }
  return plain;
}

export function renderString(value: string): string {
  return canBePlain(value) ? value : doubleQuoted(value);
}

/**
 * Characters never written raw: C0 and C1 controls, DEL, the BOM, non-characters, lone surrogates, and U+0085, U+2028,
 * U+2029, which YAML 1.1 (and so Kubernetes) reads as line breaks. Tab and line feed are left to each caller.
 */
function isUnsafe(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0x20) return code !== 0x09 && code !== 0x0a;
  if (code >= 0x7f && code <= 0x9f) return true;
  if (code === 0x2028 || code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff) return true;
  if (code >= 0xd800 && code <= 0xdbff) return !(text.charCodeAt(at + 1) >= 0xdc00 && text.charCodeAt(at + 1) <= 0xdfff);
  if (code >= 0xdc00 && code <= 0xdfff) return !(text.charCodeAt(at - 1) >= 0xd800 && text.charCodeAt(at - 1) <= 0xdbff);
  return false;
}

function hasUnsafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isUnsafe(text, i)) return true;
  return false;
}

/** A double-quoted scalar that is also valid JSON: every character outside printable text is escaped. */
export function doubleQuoted(value: string): string {
  return escapeUnsafe(JSON.stringify(value));
}

/** JSON text whose strings escape every character a YAML 1.1 or 1.2 reader could take for a line break or control. */
export function jsonForYaml(value: unknown): string {
  return escapeUnsafe(JSON.stringify(value));
}

function escapeUnsafe(json: string): string {
  if (!hasUnsafe(json)) return json;
  let out = "";
  for (let i = 0; i < json.length; i++) {
    out += isUnsafe(json, i) ? `\\u${(json.charCodeAt(i) + 0x10000).toString(16).slice(1)}` : json[i];
  }
  return out;
}

export function renderScalar(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "string") return renderString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error("renderScalar: not a scalar");
}

/** Flow (JSON) rendering: valid inside any flow collection and as a value anywhere. */
export function renderFlow(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${renderString(k)}: ${renderFlow(v)}`)
      .join(", ")}}`;
  }
  return renderScalar(value);
}

export function isCollection(value: Json | undefined): value is Json[] | { [key: string]: Json } {
  return value !== null && typeof value === "object";
}

function isEmptyCollection(value: Json): boolean {
  return Array.isArray(value) ? value.length === 0 : isCollection(value) && Object.keys(value).length === 0;
}

export interface BlockStyle {
  /** Spaces per nesting level. */
  step: number;
  eol: string;
  /**
   * The lines after the written text, up to the first that is neither blank nor a comment: a literal block would take
   * in as text a comment indented as far as its text, and a line of white space wider than its indentation (one with a
   * tab counts as wider than any), so such strings are double-quoted.
   */
  followedBy?: { commentIndent: number; spaceWidth: number };
}

/**
 * Renders `value` for a block context. The first line is what follows `key:` or `- ` on the same line
 * (empty for a nested collection); later lines carry their own indentation, starting at `indent`.
 */
export function renderBlockValue(value: Json, indent: number, style: BlockStyle): { inline: string; lines: string[] } {
  if (!isCollection(value) || isEmptyCollection(value)) {
    if (typeof value === "string" && canBeLiteral(value) && literalFits(indent, style)) return renderLiteral(value, indent);
    return { inline: isCollection(value) ? renderFlow(value) : renderScalar(value), lines: [] };
  }
  return { inline: "", lines: renderBlockLines(value, indent, style) };
}

/** Appends `more` from `from` on, one by one: a spread of a value's many lines (a KRM run's results) would overflow the stack. */
function appendAll(lines: string[], more: readonly string[], from = 0): void {
  for (let at = from; at < more.length; at++) lines.push(more[at] as string);
}

export function renderBlockLines(value: Json[] | { [key: string]: Json }, indent: number, style: BlockStyle): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item) && !Array.isArray(item) && !isEmptyCollection(item)) {
        const inner = renderBlockLines(item, indent + 2, style);
        lines.push(`${pad}- ${(inner[0] as string).slice(indent + 2)}`);
        appendAll(lines, inner, 1);
      } else {
        const rendered = renderBlockValue(item, indent + 2, style);
        lines.push(`${pad}- ${rendered.inline}`.trimEnd());
        appendAll(lines, rendered.lines);
      }
    }
    return lines;
  }
  for (const [key, item] of Object.entries(value)) {
    const rendered = renderBlockValue(item, indent + style.step, style);
    lines.push(`${pad}${renderString(key)}:${rendered.inline === "" ? "" : ` ${rendered.inline}`}`);
    appendAll(lines, rendered.lines);
  }
  return lines;
}

/**
 * Multi-line scripts read best as literal blocks; text a literal block cannot hold exactly stays quoted: carriage
 * returns, controls and YAML 1.1 line breaks, leading white space, lines of white space alone (which a reader may
 * take for indentation), and trailing empty lines (a keep-chomped block takes in every blank line after it, and a
 * later edit nearby, such as removing the next key, can leave some there).
 */
function canBeLiteral(value: string): boolean {
  if (!value.includes("\n") || /^[ \t\n]/.test(value) || /\r/.test(value) || value.endsWith("\n\n")) return false;
  if (/(?:^|\n)[ \t]+(?:\n|$)/.test(value) || /(?:^|\n)\t/.test(value)) return false;
  return !hasUnsafe(value);
}

/**
 * A literal block ends only at a line indented less than its text: a comment after it must be, and a line of white
 * space after it may be no wider than its indentation.
 */
function literalFits(indent: number, style: BlockStyle): boolean {
  const next = style.followedBy;
  return next === undefined || (next.commentIndent < indent && next.spaceWidth <= indent);
}

function renderLiteral(value: string, indent: number): { inline: string; lines: string[] } {
  // canBeLiteral allows at most one trailing line break: `|` keeps it, `|-` means none.
  const clip = value.endsWith("\n");
  const body = clip ? value.slice(0, -1) : value;
  const pad = " ".repeat(indent);
  const lines = body.split("\n").map((line) => (line === "" ? "" : pad + line));
  return { inline: clip ? "|" : "|-", lines };
}
