/** Where in the input stream something is: 1-based document index, its origin, and a 1-based line/column. */
export interface Location {
  document?: number;
  source?: string;
  /** The object's index among the items of a List (or a ResourceList) that document is. */
  item?: number;
  line?: number;
  column?: number;
}

/** An error the user must act on. The CLI prints it and exits 2 without writing stdout. */
export class FixStorageError extends Error {
  constructor(
    message: string,
    readonly location: Location = {},
  ) {
    super(message);
    this.name = "FixStorageError";
  }
}

/** `document 4 (chart/templates/x.yaml) line 12, column 3: message`; `document 1 items[3] line 40, column 9: …` in a List */
export function formatLocated(message: string, location: Location): string {
  const parts: string[] = [];
  if (location.document !== undefined) {
    parts.push(location.source ? `document ${location.document} (${location.source})` : `document ${location.document}`);
  }
  if (location.item !== undefined) parts.push(`items[${location.item}]`);
  if (location.line !== undefined) {
    parts.push(location.column !== undefined ? `line ${location.line}, column ${location.column}` : `line ${location.line}`);
  }
  return parts.length > 0 ? `${parts.join(" ")}: ${message}` : message;
}

export function describeError(error: unknown): string {
  if (error instanceof FixStorageError) return formatLocated(error.message, error.location);
  if (error instanceof Error) return error.message;
  return String(error);
}
