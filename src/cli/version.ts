declare const __FIX_STORAGE_VERSION__: string | undefined;

/** Set by the esbuild bundle from package.json; tests that import the sources see "dev". */
export const VERSION: string = typeof __FIX_STORAGE_VERSION__ === "string" ? __FIX_STORAGE_VERSION__ : "0.0.0-dev";
