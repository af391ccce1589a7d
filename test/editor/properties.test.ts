/** Tags, anchors and explicit keys on or around edited nodes: edited as any other node, never refused. */
import { describe } from "vitest";
import { del, editCases, set } from "./support.js";

describe("tags and anchors on edited nodes", () => {
  editCases([
    { name: "- !!str | replaced by a script", before: "args:\n  - -c\n  - !!str |\n    echo a\nnext: 1\n", steps: [set(["args", 1], "echo b\necho c\n")], after: "args:\n  - -c\n  - |\n    echo b\n    echo c\nnext: 1\n" },
    { name: "- &s | replaced (no alias refers to it)", before: "args:\n  - &s |\n    echo a\n", steps: [set(["args", 0], "echo b\n")], after: "args:\n  - |\n    echo b\n" },
    { name: "a tagged scalar replaced: the tag goes with the old value", before: "size: !!str 5 # five\n", steps: [set(["size"], 6)], after: "size: 6 # five\n" },
    { name: "a tagged map gets a key", before: "labels: !!map\n  a: b\n", steps: [set(["labels", "c"], "d")], after: "labels: !!map\n  a: b\n  c: d\n" },
    { name: "a key with an anchor removed", before: "labels:\n  &k a: b\n  c: d\n", steps: [del(["labels", "a"])], after: "labels:\n  c: d\n" },
    { name: "an anchored item removed, its alias written out first", before: "a: [&x 1, 2]\nb: *x\n", steps: [del(["a", 0])], after: "a: [2]\nb: 1\n" },
  ]);
});

describe("explicit keys", () => {
  editCases([
    { name: "? key removed from a label map", before: "labels:\n  ? helm.sh/chart\n  : db-1\n  app: db\n", steps: [del(["labels", "helm.sh/chart"])], after: "labels:\n  app: db\n" },
    { name: "? key's value replaced", before: "labels:\n  ? app\n  : db\n", steps: [set(["labels", "app"], "web")], after: "labels:\n  ? app\n  : web\n" },
    { name: "a key added after an explicit key", before: "labels:\n  ? app\n  : db\nx: 1\n", steps: [set(["labels", "tier"], "data")], after: "labels:\n  ? app\n  : db\n  tier: data\nx: 1\n" },
  ]);
});
