// Bundles the CLI into dist/, so it starts fast and needs no node_modules (npm package, Helm plugin):
//   fix-storage.cjs   the loader (src/cli/start.ts): runs cli.cjs with V8's code cache
//   cli.cjs           the CLI and every dependency but the schemas
//   validate.cjs      the Kubernetes schemas (most of the bytes), loaded only when an edited object is validated
//   *.v8cache         V8's code cache of cli.cjs and validate.cjs, made by running the CLI on a representative stream
// THIRD-PARTY-NOTICES.txt holds the licences of the packages inside. Only these files are replaced, each atomically:
// dist/helm-plugin, dist/sea and dist/release survive a rebuild.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildAtomically, ROOT, thirdPartyNotices, writeAtomically } from "./lib/bundle.mjs";
import { writeCodeCaches } from "./lib/code-cache.mjs";

const dist = join(ROOT, "dist");
mkdirSync(dist, { recursive: true });

const schemasApart = {
  name: "schemas-apart",
  setup(b) {
    b.onResolve({ filter: /\/validate\.js$/ }, () => ({ path: "./validate.cjs", external: true }));
  },
};

/**
 * @kubernetes-models/validate imports every ajv-i18n locale (160 KB) to call only `localize.en`: the schemas get the
 * English one alone, which is all the bytes a run with edits reads, holds and compares to its cache.
 */
const englishMessagesOnly = {
  name: "english-messages-only",
  setup(b) {
    b.onResolve({ filter: /^ajv-i18n$/ }, (args) => ({ path: "ajv-i18n", namespace: "english-messages-only", pluginData: args.resolveDir }));
    b.onLoad({ filter: /.*/, namespace: "english-messages-only" }, (args) => ({
      contents: 'import en from "ajv-i18n/localize/en"; export default { en };',
      resolveDir: args.pluginData,
    }));
  },
};

/**
 * V8 holds a script's source as one byte a character only if all of it is ASCII, else two: esbuild escapes non-ASCII
 * characters in code (charset ascii) but copies comments as they are, so one `…` in a doc comment would double the
 * memory of the source at every start (and each page of memory costs start-up time). Non-ASCII characters on a
 * comment line become \u escapes there; one anywhere else is left as it is.
 */
function asciiComments(text) {
  return text.replace(/[^\t\n\r\x20-\x7e]/gu, (char, offset) => {
    const line = text.slice(text.lastIndexOf("\n", offset) + 1, offset);
    const inComment = /^\s*(\*|\/\*|\/\/)/.test(line) || line.includes("//") || line.includes("/*");
    return inComment ? `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}` : char;
  });
}

/**
 * @kubernetes-models/validate's `formats` holds every format of every Kubernetes schema: the draft-2019 ones (iri,
 * idn-email, … with a URI library, an e-mail grammar and the IANA scheme lists, 170 KB) and cidr. The five schemas
 * bundled use none of them (formatsUsed checks, or the build fails): they get the same keys, whose check throws.
 */
const UNBUNDLED_FORMATS = { "ajv-formats-draft2019/formats/index.js": ["iri", "duration", "idn-email", "idn-hostname", "iri-reference"], "is-cidr": ["cidr"] };
const usedFormatsOnly = {
  name: "used-formats-only",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(UNBUNDLED_FORMATS).map((id) => id.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "used-formats-only" }));
    b.onLoad({ filter: /.*/, namespace: "used-formats-only" }, (args) => {
      const names = UNBUNDLED_FORMATS[args.path];
      const unbundled = (name) => `() => { throw new Error(${JSON.stringify(`format ${name} is not bundled`)}); }`;
      return {
        contents:
          args.path === "is-cidr"
            ? `export default ${unbundled("cidr")};`
            : `export default { ${names.map((name) => `${JSON.stringify(name)}: { validate: ${unbundled(name)} }`).join(", ")} };`,
        loader: "js",
      };
    });
    // Before anything is written: a bundle whose schemas name a format left out must not replace dist/validate.cjs.
    b.onEnd((result) => {
      if (!result.metafile) return;
      const missing = [...formatsUsed(result.metafile.inputs)].filter((name) => Object.values(UNBUNDLED_FORMATS).flat().includes(name));
      if (missing.length > 0) throw new Error(`the schemas use formats left out of dist/validate.cjs: ${missing.join(", ")}`);
    });
  },
};

/** Every format the bundled schemas name (`formats.int32`, `formats["date-time"]`); throws on any other use of `formats`. */
function formatsUsed(inputs) {
  const used = new Set();
  for (const input of Object.keys(inputs).filter((path) => /\/_schemas\/[^/]+\.m?js$/.test(path))) {
    const text = readFileSync(join(ROOT, input), "utf8");
    const uses = text.match(/\bformats\b.{0,40}/g) ?? [];
    for (const use of uses) {
      const named = /^formats(?:\.([A-Za-z_$][\w$]*)|\["([^"\\]+)"\])/.exec(use);
      if (named) used.add(named[1] ?? named[2]);
      else if (!/^formats\s*\}\s*from\s*"@kubernetes-models\/validate"/.test(use)) throw new Error(`${input}: a use of formats the build cannot read: ${use}`);
    }
  }
  return used;
}

const builds = await Promise.all([
  buildAtomically({ entryPoints: ["src/cli/entry.ts"], outfile: join(dist, "cli.cjs"), plugins: [schemasApart] }, { rewrite: asciiComments }),
  // Minified (914 -> 470 KB with the above): generated schema code nobody reads, whose bytes each edited run pays.
  buildAtomically({ entryPoints: ["src/core/validate.ts"], outfile: join(dist, "validate.cjs"), plugins: [englishMessagesOnly, usedFormatsOnly], minify: true }, { rewrite: asciiComments }),
]);
// The loader last: until it is replaced, a process starting from dist/ runs the previous loader on the new bundle.
builds.push(await buildAtomically({ entryPoints: ["src/cli/start.ts"], outfile: join(dist, "fix-storage.cjs") }));
const written = builds.flatMap((result) => result.paths);
const inputs = Object.assign({}, ...builds.map((result) => result.metafile.inputs));
writeAtomically(join(dist, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices({ inputs }));
// A legal-comments file the current sources no longer produce would be stale.
for (const name of ["fix-storage.cjs.LEGAL.txt", "cli.cjs.LEGAL.txt", "validate.cjs.LEGAL.txt"]) {
  if (!written.includes(join(dist, name))) rmSync(join(dist, name), { force: true });
}

// Without a cache the CLI runs as well, only slower to start: a failure here is a warning, not a failed build.
const problem = writeCodeCaches(ROOT, dist);
if (problem) console.warn(`build: dist/ has no code cache: ${problem}`);
