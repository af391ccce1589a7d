/** Helpers for parsed YAML as plain data. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The API server reads `key: null` as an absent key, and an empty string as the field's zero value, which defaulting
 * fills (templates often render `imagePullPolicy:` or `podManagementPolicy: ""`). Schema checks read them the same way.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null && item !== "")
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}
