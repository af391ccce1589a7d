/**
 * Every test run works in a scratch directory of its own, given to the workers and the processes they start as
 * TMPDIR, and removed when the run ends: tests make hundreds of directories (packed bundles, chart repos, code caches)
 * that would otherwise stay behind in the system's temporary directory after every run. Each project of the config
 * runs this too: only the first makes the directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MARK = "FIX_STORAGE_TEST_SCRATCH";

export default function setup(): () => void {
  if (process.env[MARK]) return () => {};
  const scratch = mkdtempSync(join(tmpdir(), "fix-storage-tests-"));
  process.env.TMPDIR = scratch;
  process.env[MARK] = scratch;
  return () => {
    rmSync(scratch, { recursive: true, force: true });
    delete process.env[MARK];
  };
}
