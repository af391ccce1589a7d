// esbuild plugins for the Kubernetes schemas (src/core/validate.ts and what it imports), used by every bundle that holds
// them: dist/validate.cjs (scripts/build.mjs) and the single executable (scripts/build-sea.mjs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./bundle.mjs";

/**
 * @kubernetes-models/validate imports every ajv-i18n locale (160 KB) to call only `localize.en`: the schemas get the
 * English one alone, which is all the bytes a run with edits reads, holds and compares to its cache.
 */
export const englishMessagesOnly = {
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
 * @kubernetes-models/validate's `formats` holds every format of every Kubernetes schema: the draft-2019 ones (iri,
 * idn-email, … with a URI library, an e-mail grammar and the IANA scheme lists, 170 KB) and cidr. The five schemas
 * bundled use none of them (formatsUsed checks, or the build fails): they get the same keys, whose check throws.
 */
const UNBUNDLED_FORMATS = { "ajv-formats-draft2019/formats/index.js": ["iri", "duration", "idn-email", "idn-hostname", "iri-reference"], "is-cidr": ["cidr"] };
export const usedFormatsOnly = {
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
    // Before anything is written: a bundle whose schemas name a format left out must not be written.
    b.onEnd((result) => {
      if (!result.metafile) return;
      const missing = [...formatsUsed(result.metafile.inputs)].filter((name) => Object.values(UNBUNDLED_FORMATS).flat().includes(name));
      if (missing.length > 0) throw new Error(`the schemas use formats left out of the bundle: ${missing.join(", ")}`);
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

/** Both: what the schemas need of @kubernetes-models/validate, and no more. */
export const SCHEMA_PLUGINS = [englishMessagesOnly, usedFormatsOnly];
