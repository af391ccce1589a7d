/**
 * Reads a POSIX/bash script the way sh and bash split it into commands, enough to tell which words are commands and
 * which are data: quotes, comments, here-documents, `$( )`, backquotes, `case` patterns, subshells, line continuations.
 * The script is never run or evaluated. Anything this reader cannot follow is reported as a problem, so callers can
 * refuse to edit instead of guessing.
 */

export interface Word {
  /** Offsets of the word in the script (end is exclusive). */
  start: number;
  end: number;
  /** The word's value after quote removal, when it has no `$`, backquote or process substitution. */
  literal?: string;
  /** An unquoted `*`, `?`, `[`, `{` or `~`: the shell may still change the word (globs, braces, tilde). */
  pattern?: true;
}

export interface Redirect {
  operator: string;
  /** The descriptor number written before the operator (`2>`), when there is one. */
  fd?: number;
  line: number;
  /** The file or descriptor written to or read from; absent for here-documents. */
  target?: Word;
}

export interface SimpleCommand {
  /** The command's words without leading assignments and redirections. */
  words: Word[];
  assignments: Word[];
  redirects: Redirect[];
  /** 1-based line of the command's first word. */
  line: number;
  /** Inside backquotes whose text is unescaped before it runs: offsets there do not map to the script. */
  unmappable: boolean;
  /** What reads the command's exit status, when something does: a condition, `!`, or a following `&&` / `||`. */
  statusTested?: StatusTest;
  /** The function whose body holds the command (the innermost, when definitions nest). */
  inFunction?: string;
  /** Redirections of the compound commands around it (`{ …; } 2>file`, `( … ) 2>&1`), outermost first. */
  enclosingRedirects?: Redirect[];
  /** The pipe its output, or that of a compound command around it, feeds (`… | cmd`, `( … ) |& cmd`). */
  pipedBy?: "|" | "|&";
  /** Inside a command or process substitution (`$( … )`, `<( … )`): its output is read. */
  captured?: true;
  /** Inside a `( … )` subshell: `exit` there ends only the subshell. */
  inSubshell?: true;
}

export interface StatusTest {
  /** `if`, `elif`, `while`, `until`, `!`, `&&` or `||`. */
  by: string;
  /** For `&&` and `||`: the simple command they run next (absent when it is a compound command). */
  follower?: SimpleCommand;
  /** For `&&` and `||` before a `{ … }` group: the group's commands (its redirections on them). */
  followerGroup?: SimpleCommand[];
}

export interface HereDocument {
  delimiter: string;
  /** A quoted delimiter keeps the body literal; otherwise `$( )` and backquotes in it run. */
  expands: boolean;
  bodyStart: number;
  bodyEnd: number;
}

export interface ScriptModel {
  commands: SimpleCommand[];
  /** Redirections of compound commands (`{ …; } > file`, `done > file`) as well as of simple ones. */
  redirects: Redirect[];
  hereDocuments: HereDocument[];
  functions: Set<string>;
  /** Constructs the reader cannot follow, with their line; a caller must not edit a script that has any. */
  problems: Array<{ line: number; message: string }>;
}

const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "time", "in"]);
const OPERATOR_CHARS = new Set([";", "&", "|", "<", ">", "(", ")"]);
const BLANK = new Set([" ", "\t"]);

class ScriptError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

type Token =
  | { kind: "word"; word: Word }
  | { kind: "operator"; text: string; start: number; end: number }
  | { kind: "newline"; start: number }
  | { kind: "eof"; start: number };

interface PendingHereDocument {
  delimiter: string;
  expands: boolean;
  stripTabs: boolean;
}

/** Reads `script`; positions in the result are offsets into `script` plus `offset`. */
export function readScript(script: string): ScriptModel {
  const model: ScriptModel = { commands: [], redirects: [], hereDocuments: [], functions: new Set(), problems: [] };
  const reader = new Reader(script, model, false);
  try {
    reader.list("top");
  } catch (error) {
    if (error instanceof ScriptError) model.problems.push({ line: lineAt(script, error.at), message: error.message });
    // Nesting deeper than the stack allows: refuse the script rather than the whole render.
    else if (error instanceof RangeError) model.problems.push({ line: 1, message: "the script nests too deep to read" });
    else throw error;
  }
  return model;
}

/** The line breaks of the text asked about last: a script's commands ask for their lines one after another. */
let breaksOf: { text: string; at: number[] } | undefined;

/** The 1-based line of `offset` in `text`: one more than the line breaks before it (found once per text). */
export function lineAt(text: string, offset: number): number {
  if (breaksOf?.text !== text) {
    const at: number[] = [];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) at.push(i);
    breaksOf = { text, at };
  }
  const { at } = breaksOf;
  let low = 0;
  let high = at.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((at[middle] as number) < offset) low = middle + 1;
    else high = middle;
  }
  return low + 1;
}

type Context = "top" | "paren" | "case-item";

class Reader {
  private pos = 0;
  private pending: PendingHereDocument[] = [];
  private peeked: Token | undefined;
  /** Open `if`, `elif`, `while`, `until` (their conditions run up to `then` / `do`) and `for` heads. */
  private heads: string[] = [];
  /** Where each open `if`, loop or `{` began, as an index of model.commands, and the function it is the body of. */
  private opened: Array<{ from: number; body?: string; followers?: SimpleCommand[] }> = [];
  /** A function whose definition was read, whose body comes next. */
  private pendingFunction: string | undefined;
  private negated = false;
  /** The commands of the command just read, whose status a `&&` or `||` next would test. */
  private lastUnit: SimpleCommand[] | undefined;
  /** Commands tested by `&&` or `||`, waiting for the command that runs after them. */
  private awaitingFollower: SimpleCommand[] | undefined;

  constructor(
    private readonly text: string,
    private readonly model: ScriptModel,
    private readonly unmappable: boolean,
    private readonly base = 0,
    private readonly lineText = text,
  ) {}

  /** Reads commands until the end of the text, or the `)` / `;;` / `esac` that ends the context; returns what ended it. */
  list(context: Context): string {
    for (;;) {
      // A word's `$( )` commands are read with the word: they belong to the command it starts.
      const before = this.model.commands.length;
      const token = this.next();
      if (token.kind === "eof") {
        if (context === "paren") throw new ScriptError("a `(` or `$(` is not closed", this.text.length);
        return "eof";
      }
      const unit = this.lastUnit;
      this.lastUnit = undefined;
      if (token.kind === "newline") continue;
      if (token.kind === "operator") {
        if ((token.text === "&&" || token.text === "||") && unit) {
          for (const command of unit) command.statusTested ??= { by: token.text };
          this.awaitingFollower = unit.filter((command) => command.statusTested?.by === token.text);
          continue;
        }
        if (token.text === ")") {
          if (context === "paren") return ")";
          throw new ScriptError("unexpected `)`", token.start);
        }
        if (token.text === ";;" || token.text === ";&" || token.text === ";;&") {
          if (context === "case-item") return token.text;
          throw new ScriptError(`unexpected \`${token.text}\``, token.start);
        }
        if (token.text === "(") {
          this.compoundFollows();
          const from = this.model.commands.length;
          const body = this.takePendingFunction();
          this.list("paren");
          // A function body written `f() ( … )` runs in a subshell too.
          for (const command of this.model.commands.slice(from)) command.inSubshell = true;
          this.trailingRedirects(from);
          this.bodyOf(body, from);
          this.unitDone(from);
          continue;
        }
        if (token.text === "((") {
          this.compoundFollows();
          // bash reads `((` as arithmetic, dash as two subshells: reading subshells finds every command either way.
          const from = this.model.commands.length;
          this.list("paren");
          this.list("paren");
          this.trailingRedirects(from);
          this.unitDone(from);
          continue;
        }
        if ((token.text === "|" || token.text === "|&") && unit) for (const command of unit) command.pipedBy ??= token.text;
        if ([";", "&", "|", "&&", "||", "|&"].includes(token.text)) continue;
        // A redirection that starts a command.
        this.simpleCommand(token, before);
        continue;
      }
      const value = token.word.literal;
      if (value === "esac" && context === "case-item") return "esac";
      if (value === "case") {
        this.compoundFollows();
        const from = this.model.commands.length;
        this.caseCommand();
        this.unitDone(from);
        continue;
      }
      if (value === "for" || value === "select") {
        this.compoundFollows();
        this.opened.push({ from: this.model.commands.length });
        this.heads.push("for");
        this.forHead();
        continue;
      }
      if (value === "function") {
        const name = this.next();
        if (name.kind === "word" && name.word.literal) {
          this.model.functions.add(name.word.literal);
          this.pendingFunction = name.word.literal;
        }
        this.skipParens();
        continue;
      }
      if (value === "[[") {
        this.compoundFollows();
        this.testCommand();
        this.unitDone(this.model.commands.length);
        continue;
      }
      if (value !== undefined && (RESERVED.has(value) || value === "esac")) {
        this.reserved(value);
        continue;
      }
      this.simpleCommand(token, before);
    }
  }

  /** Follows which commands run as conditions, and where compound commands begin and end. */
  private reserved(value: string): void {
    if (value === "if" || value === "while" || value === "until" || value === "{") {
      // The commands a `&&` or `||` runs this group for learn its commands once it is read.
      const followers = value === "{" ? this.awaitingFollower : undefined;
      this.compoundFollows();
      const body = value === "{" ? this.takePendingFunction() : undefined;
      this.opened.push({ from: this.model.commands.length, ...(body !== undefined && { body }), ...(followers && { followers }) });
    }
    if (value === "if" || value === "elif" || value === "while" || value === "until") this.heads.push(value);
    else if (value === "then" && ["if", "elif"].includes(this.heads[this.heads.length - 1] ?? "")) this.heads.pop();
    else if (value === "do" && ["while", "until", "for"].includes(this.heads[this.heads.length - 1] ?? "")) this.heads.pop();
    else if (value === "!") this.negated = true;
    if (value === "}" || value === "done" || value === "fi" || value === "esac") {
      const open = value === "esac" ? undefined : this.opened.pop();
      this.trailingRedirects(open?.from);
      if (open !== undefined) {
        if (value === "}" && open.body === undefined) {
          const group = this.model.commands.slice(open.from);
          for (const command of open.followers ?? []) if (command.statusTested) command.statusTested.followerGroup = group;
        }
        this.bodyOf(open.body, open.from);
        this.unitDone(open.from);
      }
    }
  }

  /**
   * A compound command starts: one after `&&` or `||` is what they run, so the commands waiting for it keep no
   * follower (a `|| { echo gone; exit 0; }` is not the `|| echo` its first command would make it).
   */
  private compoundFollows(): void {
    this.awaitingFollower = undefined;
  }

  private takePendingFunction(): string | undefined {
    const name = this.pendingFunction;
    this.pendingFunction = undefined;
    return name;
  }

  /** The commands from `from` on are function `name`'s body (those of a function defined inside keep theirs). */
  private bodyOf(name: string | undefined, from: number): void {
    if (name === undefined) return;
    for (const command of this.model.commands.slice(from)) command.inFunction ??= name;
  }

  private simpleCommand(first: Token, from: number): void {
    const command = this.command(first);
    if (command) this.unitDone(from, command);
  }

  /**
   * A command has been read: the commands from index `from` on are its own (a simple command's, with those in its
   * `$( )` only when it is an assignment alone, whose status is theirs). A condition or `!` around it tests their status.
   */
  private unitDone(from: number, simple?: SimpleCommand): void {
    // A body that is neither `{ }` nor `( )` (`f() if …; fi` is one command at most here): nothing tells its end.
    this.pendingFunction = undefined;
    const unit = simple && simple.words.length > 0 ? [simple] : this.model.commands.slice(from);
    const condition = this.negated ? "!" : this.heads.find((head) => head !== "for");
    this.negated = false;
    if (condition !== undefined) for (const command of unit) command.statusTested ??= { by: condition };
    if (this.awaitingFollower) {
      for (const command of this.awaitingFollower) if (command.statusTested && simple) command.statusTested.follower = simple;
      this.awaitingFollower = undefined;
    }
    this.lastUnit = unit;
  }

  /** One simple command, from its first token; a `name()` starts a function definition instead (undefined). */
  private command(first: Token): SimpleCommand | undefined {
    const command: SimpleCommand = { words: [], assignments: [], redirects: [], line: this.line(tokenStart(first)), unmappable: this.unmappable };
    let token: Token = first;
    for (;;) {
      if (token.kind === "word") {
        if (command.words.length === 0 && this.isAssignment(token.word)) command.assignments.push(token.word);
        else command.words.push(token.word);
      } else if (token.kind === "operator" && isRedirect(token.text)) {
        command.redirects.push(this.redirect(token.text, token.start));
      } else if (token.kind === "operator" && token.text === "(" && command.words.length === 1) {
        const close = this.next();
        if (close.kind !== "operator" || close.text !== ")") throw new ScriptError("unexpected `(`", token.start);
        const name = command.words[0]?.literal;
        if (name) {
          this.model.functions.add(name);
          this.pendingFunction = name;
        }
        return undefined; // the body is the next command, read by the caller
      } else {
        this.peeked = token;
        break;
      }
      token = this.next();
    }
    this.model.commands.push(command);
    this.model.redirects.push(...command.redirects);
    return command;
  }

  private redirect(operator: string, at: number): Redirect {
    const line = this.line(at);
    const digits = /^\d+/.exec(this.text.slice(at - this.base, at - this.base + 12))?.[0];
    const fd = digits === undefined ? {} : { fd: Number(digits) };
    const target = this.next();
    if (target.kind !== "word") throw new ScriptError(`\`${operator}\` has no target`, tokenStart(target));
    if (operator === "<<" || operator === "<<-") {
      const raw = this.text.slice(target.word.start - this.base, target.word.end - this.base);
      this.pending.push({ delimiter: unquote(raw), expands: !/['"\\]/.test(raw), stripTabs: operator === "<<-" });
      return { operator, ...fd, line };
    }
    return { operator, ...fd, line, target: target.word };
  }

  /** Redirections after a compound command (`done > log`, `} 2>&1`). */
  /** A compound command's redirections, which apply to its commands from index `from` on. */
  private trailingRedirects(from?: number): void {
    const found: Redirect[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === "operator" && isRedirect(token.text)) {
        const redirect = this.redirect(token.text, token.start);
        this.model.redirects.push(redirect);
        found.push(redirect);
        continue;
      }
      this.peeked = token;
      break;
    }
    if (from === undefined || found.length === 0) return;
    for (const command of this.model.commands.slice(from)) command.enclosingRedirects = [...found, ...(command.enclosingRedirects ?? [])];
  }

  private caseCommand(): void {
    const subject = this.next();
    if (subject.kind !== "word") throw new ScriptError("`case` without a word", tokenStart(subject));
    const word = this.nextSkippingNewlines();
    if (word.kind !== "word" || word.word.literal !== "in") throw new ScriptError("`case` without `in`", tokenStart(word));
    for (;;) {
      let token = this.nextSkippingNewlines();
      if (token.kind === "word" && token.word.literal === "esac") {
        this.trailingRedirects();
        return;
      }
      if (token.kind === "operator" && token.text === "(") token = this.next();
      // The pattern: words separated by `|`, closed by `)`.
      for (;;) {
        if (token.kind !== "word") throw new ScriptError("a `case` pattern is not a word", tokenStart(token));
        const after = this.next();
        if (after.kind === "operator" && after.text === ")") break;
        if (after.kind !== "operator" || after.text !== "|") throw new ScriptError("a `case` pattern is not closed by `)`", tokenStart(after));
        token = this.next();
      }
      const end = this.list("case-item");
      if (end === "esac") {
        this.trailingRedirects();
        return;
      }
      if (end === "eof") throw new ScriptError("`case` without `esac`", this.text.length);
    }
  }

  /** `for NAME [in WORDS]` up to the `;` or newline before `do`; bash's `for ((…))` too. */
  private forHead(): void {
    const name = this.next();
    if (name.kind === "operator" && name.text === "((") {
      this.arithmetic(name.end);
      return;
    }
    for (;;) {
      const token = this.next();
      if (token.kind === "word") continue;
      if (token.kind === "newline" || (token.kind === "operator" && token.text === ";")) return;
      throw new ScriptError("unexpected text after `for`", tokenStart(token));
    }
  }

  /** bash's `[[ … ]]`: `<`, `>`, `(`, `&&` inside are operands, not redirections or lists. */
  private testCommand(): void {
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.text.length) throw new ScriptError("`[[` without `]]`", this.text.length);
      const char = this.text[this.pos] as string;
      if (char === "\n") throw new ScriptError("`[[` without `]]` on its line", this.pos);
      if ("<>()&|!".includes(char)) {
        this.pos++;
        continue;
      }
      const word = this.word();
      if (word.literal === "]]") return;
    }
  }

  private skipParens(): void {
    const open = this.next();
    if (open.kind === "operator" && open.text === "(") {
      const close = this.next();
      if (close.kind !== "operator" || close.text !== ")") throw new ScriptError("unexpected `(`", open.start);
      return;
    }
    this.peeked = open;
  }

  /** Skips arithmetic text up to its `))`, balancing parentheses and reading `$( )` inside as commands. */
  private arithmetic(from: number): void {
    this.pos = from - this.base;
    let depth = 0;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos] as string;
      if (char === "$" || char === "`" || char === "'" || char === '"') {
        this.word();
        continue;
      }
      if (char === "(") depth++;
      if (char === ")") {
        if (depth === 0 && this.text.startsWith("))", this.pos)) {
          this.pos += 2;
          return;
        }
        depth--;
      }
      this.pos++;
    }
    throw new ScriptError("arithmetic not closed", this.text.length);
  }

  private nextSkippingNewlines(): Token {
    for (;;) {
      const token = this.next();
      if (token.kind !== "newline") return token;
    }
  }

  // --- tokens ------------------------------------------------------------------------------------------------------

  private next(): Token {
    if (this.peeked) {
      const token = this.peeked;
      this.peeked = undefined;
      return token;
    }
    this.skipBlanks();
    const start = this.pos;
    if (start >= this.text.length) return { kind: "eof", start: start + this.base };
    const char = this.text[start] as string;
    if (char === "\n") {
      this.pos++;
      this.hereDocumentBodies();
      return { kind: "newline", start: start + this.base };
    }
    const operator = this.operator();
    if (operator) return { kind: "operator", text: operator, start: start + this.base, end: this.pos + this.base };
    return { kind: "word", word: this.word() };
  }

  /** Blanks, line continuations and comments. */
  private skipBlanks(): void {
    for (;;) {
      const char = this.text[this.pos];
      if (char !== undefined && BLANK.has(char)) this.pos++;
      else if (char === "\\" && this.text[this.pos + 1] === "\n") this.pos += 2;
      else if (char === "#") {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else return;
    }
  }

  /** An operator at the cursor (with an optional leading descriptor number for redirections), or undefined. */
  private operator(): string | undefined {
    const rest = this.text.slice(this.pos, this.pos + 4);
    const fd = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})(?=[<>])/.exec(this.text.slice(this.pos, this.pos + 40));
    const at = fd ? this.pos + (fd[0] as string).length : this.pos;
    const head = this.text.slice(at, at + 3);
    for (const candidate of ["<<-", "<<<", "&>>", ";;&", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "&&", "||", "|&", ";;", ";&", "((", "<", ">"]) {
      if (head.startsWith(candidate)) {
        if (candidate === "((" && fd) break;
        // `<(` and `>(` are process substitutions, read as words.
        if ((candidate === "<" || candidate === ">") && this.text[at + 1] === "(") return undefined;
        this.pos = at + candidate.length;
        return candidate;
      }
    }
    if (fd) return undefined;
    const char = rest[0] as string;
    if (OPERATOR_CHARS.has(char)) {
      this.pos++;
      return char;
    }
    return undefined;
  }

  private hereDocumentBodies(): void {
    const pending = this.pending;
    this.pending = [];
    for (const doc of pending) {
      const bodyStart = this.pos;
      let end = this.text.length;
      let next = this.text.length;
      // In a body that expands, a backslash before the line break joins the next line to it: that line is no delimiter.
      let continued = false;
      while (this.pos < this.text.length) {
        const lineEnd = this.text.indexOf("\n", this.pos);
        const stop = lineEnd === -1 ? this.text.length : lineEnd;
        let line = this.text.slice(this.pos, stop);
        if (doc.stripTabs && !continued) line = line.replace(/^\t+/, "");
        if (line === doc.delimiter && !continued) {
          end = this.pos;
          next = lineEnd === -1 ? this.text.length : lineEnd + 1;
          break;
        }
        continued = doc.expands && (/\\+$/.exec(line)?.[0].length ?? 0) % 2 === 1;
        this.pos = lineEnd === -1 ? this.text.length : lineEnd + 1;
      }
      this.model.hereDocuments.push({ delimiter: doc.delimiter, expands: doc.expands, bodyStart: bodyStart + this.base, bodyEnd: end + this.base });
      if (doc.expands) this.expansionsIn(bodyStart, end);
      this.pos = next;
    }
  }

  /** In a here-document whose delimiter is unquoted, `$( )`, `${ }` and backquotes run: read their commands. */
  private expansionsIn(from: number, to: number): void {
    this.pos = from;
    while (this.pos < to) {
      const char = this.text[this.pos];
      if (char === "\\") this.pos += 2;
      else if (char === "$") this.dollar();
      else if (char === "`") this.backquoted();
      else this.pos++;
    }
    if (this.pos > to) throw new ScriptError("an expansion in a here-document runs past its end", from + this.base);
  }

  /** One word at the cursor: quotes, escapes and expansions are part of it. */
  private word(): Word {
    const start = this.pos;
    let literal: string | undefined = "";
    // Unquoted characters, to tell globs, braces and tildes from their quoted look-alikes.
    let bare = "";
    const spoil = () => {
      literal = undefined;
    };
    const add = (text: string) => {
      if (literal !== undefined) literal += text;
    };
    while (this.pos < this.text.length) {
      const char = this.text[this.pos] as string;
      if (BLANK.has(char) || char === "\n") break;
      if (OPERATOR_CHARS.has(char)) {
        // `@(…)`, `!(…)` … (extglob) and `name=(…)` (bash arrays) keep their parentheses in the word.
        const previous = this.text[this.pos - 1];
        if (char === "(" && this.pos > start && previous !== undefined && "@!?*+=".includes(previous)) {
          this.balanced();
          spoil();
          continue;
        }
        if ((char === "<" || char === ">") && this.text[this.pos + 1] === "(") {
          this.pos += 2;
          this.nested();
          spoil();
          continue;
        }
        break;
      }
      if (char === "\\") {
        const next = this.text[this.pos + 1];
        if (next === undefined) {
          this.pos++;
          add("\\");
          continue;
        }
        this.pos += 2;
        if (next !== "\n") add(next);
        continue;
      }
      if (char === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        if (close === -1) throw new ScriptError("a `'` is not closed", this.pos + this.base);
        add(this.text.slice(this.pos + 1, close));
        this.pos = close + 1;
        continue;
      }
      if (char === '"') {
        this.pos++;
        const value = this.doubleQuoted();
        if (value === undefined) spoil();
        else add(value);
        continue;
      }
      if (char === "$") {
        if (this.dollar()) spoil();
        else add("$");
        continue;
      }
      if (char === "`") {
        this.backquoted();
        spoil();
        continue;
      }
      bare += char;
      add(char);
      this.pos++;
    }
    const pattern = /[*?]|\[.*\]|\{[^{}]*(,|\.\.)[^{}]*\}/.test(bare) || this.text[start] === "~";
    if (this.pos === start) throw new ScriptError(`unexpected \`${this.text[start]}\``, start + this.base);
    return { start: start + this.base, end: this.pos + this.base, ...(literal !== undefined && { literal }), ...(pattern && { pattern: true as const }) };
  }

  /** After the opening `"`; returns the value, or undefined when it holds an expansion. */
  private doubleQuoted(): string | undefined {
    let value: string | undefined = "";
    while (this.pos < this.text.length) {
      const char = this.text[this.pos] as string;
      if (char === '"') {
        this.pos++;
        return value;
      }
      if (char === "\\") {
        const next = this.text[this.pos + 1] ?? "";
        this.pos += 2;
        if (next === "\n") continue;
        if (value !== undefined) value += "$`\"\\".includes(next) ? next : `\\${next}`;
        continue;
      }
      if (char === "$") {
        if (this.dollar()) value = undefined;
        else if (value !== undefined) value += "$";
        continue;
      }
      if (char === "`") {
        this.backquoted();
        value = undefined;
        continue;
      }
      if (value !== undefined) value += char;
      this.pos++;
    }
    throw new ScriptError('a `"` is not closed', this.text.length + this.base);
  }

  /** At a `$`: reads the expansion and returns true, or returns false for a lone `$`. */
  private dollar(): boolean {
    const next = this.text[this.pos + 1];
    if (next === "(") {
      if (this.text[this.pos + 2] === "(") {
        this.arithmetic(this.pos + 3 + this.base);
        return true;
      }
      this.pos += 2;
      this.nested();
      return true;
    }
    if (next === "{") {
      this.pos += 2;
      this.parameter();
      return true;
    }
    if (next === "'") {
      // bash's $'…' (dash reads `$` then a quoted string): an expansion either way for this reader.
      let i = this.pos + 2;
      while (i < this.text.length && this.text[i] !== "'") i += this.text[i] === "\\" ? 2 : 1;
      if (i >= this.text.length) throw new ScriptError("a `$'` is not closed", this.pos + this.base);
      this.pos = i + 1;
      return true;
    }
    if (next !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(next)) {
      this.pos += 2;
      if (/[A-Za-z_]/.test(next)) while (/[A-Za-z0-9_]/.test(this.text[this.pos] ?? "")) this.pos++;
      return true;
    }
    this.pos++;
    return false;
  }

  /** Inside `${ … }`: nested quotes and expansions, up to the matching `}`. */
  private parameter(): void {
    while (this.pos < this.text.length) {
      const char = this.text[this.pos] as string;
      if (char === "}") {
        this.pos++;
        return;
      }
      if (char === "\\") this.pos += 2;
      else if (char === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        if (close === -1) throw new ScriptError("a `'` is not closed", this.pos + this.base);
        this.pos = close + 1;
      } else if (char === '"') {
        this.pos++;
        this.doubleQuoted();
      } else if (char === "$") this.dollar();
      else if (char === "`") this.backquoted();
      else this.pos++;
    }
    throw new ScriptError("a `${` is not closed", this.text.length + this.base);
  }

  /** Commands inside `$( … )` or `<( … )`, read in place so their offsets are the script's. */
  private nested(): void {
    const { peeked, heads, opened, negated, awaitingFollower, pendingFunction } = this;
    // A command substitution is a script of its own: the command around it is what a condition or `&&` tests.
    Object.assign(this, { peeked: undefined, heads: [], opened: [], negated: false, awaitingFollower: undefined, pendingFunction: undefined });
    const from = this.model.commands.length;
    this.list("paren");
    // Their output is the word's value, whatever word holds it (a `case` subject, an assignment, an argument).
    for (const command of this.model.commands.slice(from)) command.captured = true;
    Object.assign(this, { peeked, heads, opened, negated, awaitingFollower, pendingFunction });
  }

  /** A `(`…`)` group inside a word (extglob, array), kept whole. */
  private balanced(): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos] as string;
      if (char === "\\") {
        this.pos += 2;
        continue;
      }
      if (char === "'" || char === '"' || char === "$" || char === "`") {
        this.word();
        continue;
      }
      if (char === "(") depth++;
      if (char === ")") {
        depth--;
        if (depth === 0) {
          this.pos++;
          return;
        }
      }
      this.pos++;
    }
    throw new ScriptError("a `(` is not closed", this.text.length + this.base);
  }

  /** Backquotes: the text between is unescaped, then read as a script of its own. */
  private backquoted(): void {
    const open = this.pos;
    let i = this.pos + 1;
    let inner = "";
    let escaped = false;
    while (i < this.text.length && this.text[i] !== "`") {
      if (this.text[i] === "\\" && i + 1 < this.text.length) {
        const next = this.text[i + 1] as string;
        if ("$`\\".includes(next)) {
          inner += next;
          escaped = true;
        } else inner += `\\${next}`;
        i += 2;
        continue;
      }
      inner += this.text[i];
      i++;
    }
    if (i >= this.text.length) throw new ScriptError("a backquote is not closed", open + this.base);
    this.pos = i + 1;
    // Without escapes the inner text is the script's own text, so its offsets still point into the script.
    const reader = new Reader(inner, this.model, this.unmappable || escaped, this.base + open + 1, this.lineText);
    const end = reader.list("top");
    if (end !== "eof") throw new ScriptError("unexpected text in backquotes", open + this.base);
  }

  private line(offset: number): number {
    return lineAt(this.lineText, offset);
  }

  private isAssignment(word: Word): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(this.text.slice(word.start - this.base, word.end - this.base));
  }
}

function tokenStart(token: Token): number {
  return token.kind === "word" ? token.word.start : token.start;
}

function isRedirect(operator: string): boolean {
  return ["<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<", "<<-", "<<<"].includes(operator);
}

/** A here-document delimiter's value: quotes and backslashes removed. */
function unquote(raw: string): string {
  return raw.replace(/\\(.)|'([^']*)'|"((?:[^"\\]|\\.)*)"/gs, (_, escaped, single, double) => escaped ?? single ?? double.replace(/\\(.)/g, "$1"));
}
