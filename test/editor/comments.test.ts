/** Comment lines at any indent before, inside and after an edited map or sequence stay where they are. */
import { describe } from "vitest";
import { yaml } from "../helpers.js";
import { append, del, editCases, set } from "./support.js";

describe("comments around an emptied map", () => {
  editCases([
    {
      name: "a comment at label indent after the only label, then spec: the spec stays the claim's",
      before: yaml`
        - metadata:
            name: data
            labels:
              helm.sh/chart: db-1.2.3
              # keep in sync with the pod labels
          spec:
            accessModes: [ReadWriteOnce]
      `,
      steps: [del([0, "metadata", "labels", "helm.sh/chart"])],
      after: yaml`
        - metadata:
            name: data
            labels: {}
              # keep in sync with the pod labels
          spec:
            accessModes: [ReadWriteOnce]
      `,
    },
    {
      name: "a comment at the parent's indent after the only label",
      before: "metadata:\n  labels:\n    a: b\n  # about spec\nspec:\n  x: 1\n",
      steps: [del(["metadata", "labels", "a"])],
      after: "metadata:\n  labels: {}\n  # about spec\nspec:\n  x: 1\n",
    },
    {
      name: "a comment at column 0 after the only label",
      before: "metadata:\n  labels:\n    a: b\n# about spec\nspec:\n  x: 1\n",
      steps: [del(["metadata", "labels", "a"])],
      after: "metadata:\n  labels: {}\n# about spec\nspec:\n  x: 1\n",
    },
    {
      name: "comments before, between and after the pairs of a map losing one",
      before: "labels:\n  # first\n  a: b # a's\n  # second\n  c: d\n  # last\nnext: 1\n",
      steps: [del(["labels", "c"])],
      after: "labels:\n  # first\n  a: b # a's\n  # second\n  # last\nnext: 1\n",
    },
  ]);
});

describe("comments after a map or sequence that grows", () => {
  editCases([
    {
      name: "a key added to a map whose last line is a comment goes before the comment, at the map's indent",
      before: "metadata:\n  labels:\n    a: b\n    # trailing\nspec:\n  x: 1\n",
      steps: [set(["metadata", "labels", "c"], "d")],
      after: "metadata:\n  labels:\n    a: b\n    c: d\n    # trailing\nspec:\n  x: 1\n",
    },
    {
      name: "a new map after a map that ends with a less-indented comment",
      before: "metadata:\n  labels:\n    a: b\n  # trailing\nspec:\n  x: 1\n",
      steps: [set(["metadata", "annotations", "k"], "v")],
      after: "metadata:\n  labels:\n    a: b\n  annotations:\n    k: v\n  # trailing\nspec:\n  x: 1\n",
    },
    {
      name: "an item appended to a sequence followed by a comment and a key",
      before: "args:\n  - a\n  # more below\nnext: 1\n",
      steps: [append(["args"], "b")],
      after: "args:\n  - a\n  - b\n  # more below\nnext: 1\n",
    },
    {
      name: "a comment on the key line of a null map (`labels: # none`)",
      before: "metadata:\n  labels: # none\n  name: d\nspec:\n  x: 1\n",
      steps: [set(["metadata", "labels", "a"], "b")],
      after: "metadata:\n  labels:\n    a: b\n  name: d\nspec:\n  x: 1\n",
    },
    {
      name: "a comment on the key line of a null map that is the last key",
      before: "metadata:\n  name: d\n  annotations: # none\n  # after\nspec:\n  x: 1\n",
      steps: [set(["metadata", "annotations", "a"], "b")],
      after: "metadata:\n  name: d\n  annotations:\n    a: b\n  # after\nspec:\n  x: 1\n",
    },
  ]);
});

describe("replacing a whole node followed by comments and keys", () => {
  editCases([
    {
      name: "volumeClaimTemplates replaced, then a comment, then podManagementPolicy",
      before: yaml`
        spec:
          volumeClaimTemplates:
            - metadata:
                name: data
              spec:
                resources: {requests: {storage: 2Gi}}
          # ordered start is not needed
          podManagementPolicy: Parallel
      `,
      steps: [set(["spec", "volumeClaimTemplates"], [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } }])],
      after: yaml`
        spec:
          volumeClaimTemplates:
            - metadata:
                name: data
              spec:
                resources:
                  requests:
                    storage: 1Gi
          # ordered start is not needed
          podManagementPolicy: Parallel
      `,
    },
    {
      name: "a sequence item replaced, a comment between it and the next item",
      before: "args:\n  - a\n  # about b\n  - b\n",
      steps: [set(["args", 0], { k: "v" })],
      after: "args:\n  - k: v\n  # about b\n  - b\n",
    },
    {
      name: "a scalar replaced keeps its own comment",
      before: "claimName: old  # keep me\n# after\nnext: 1\n",
      steps: [set(["claimName"], "new")],
      after: "claimName: new  # keep me\n# after\nnext: 1\n",
    },
    {
      name: "a block scalar replaced, a comment after it at a lower indent",
      before: "script: |\n  echo a\n# after\nnext: 1\n",
      steps: [set(["script"], "echo b\necho c\n")],
      after: "script: |\n  echo b\n  echo c\n# after\nnext: 1\n",
    },
    {
      name: "a script written before a comment line is double-quoted: a literal block would take the comment in",
      before: "args:\n  - echo a\n      # more indented than the script would be\nnext: 1\n",
      steps: [set(["args", 0], "echo b\necho c\n")],
      after: 'args:\n  - "echo b\\necho c\\n"\n      # more indented than the script would be\nnext: 1\n',
    },
    {
      name: "a script written before a blank line",
      before: "script: old\n\nnext: 1\n",
      steps: [set(["script"], "echo b\n\n\n")],
      after: 'script: "echo b\\n\\n\\n"\n\nnext: 1\n',
    },
  ]);
});

describe("comments an item leaves behind after a block scalar", () => {
  editCases([
    {
      name: "a removed key's deeper comments go with it, where the literal block before would take them in",
      before: yaml`
        spec:
          replicas: |
            line
            breaks
          selector:
            app: db
            # keep in sync
              # note

          template: {}
      `,
      steps: [del(["spec", "selector"])],
      after: yaml`
        spec:
          replicas: |
            line
            breaks
          template: {}
      `,
    },
    {
      name: "a literal block written first, then the next key removed: the same (found by the editor fuzz, seed 191919)",
      before: yaml`
        spec:
          replicas: 2
          selector:
            app: db
            # keep in sync
          template: {}
      `,
      steps: [set(["spec", "replicas"], "line\nbreaks\n"), del(["spec", "selector"])],
      after: yaml`
        spec:
          replicas: |
            line
            breaks
          template: {}
      `,
    },
    {
      name: "a comment at the key's own indent stays: it ends the block",
      before: yaml`
        spec:
          replicas: |
            line
          selector:
            app: db
          # about the template
          template: {}
      `,
      steps: [del(["spec", "selector"])],
      after: yaml`
        spec:
          replicas: |
            line
          # about the template
          template: {}
      `,
    },
  ]);
});
