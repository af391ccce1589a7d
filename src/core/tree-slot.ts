/**
 * A parsed tree costs about forty times its text. Rules edit the stream in passes, so keeping each edited document's
 * tree for the next pass would hold every edited document's tree at once. Measured on a 40 MB stream with 1,411
 * edited documents, keeping them was slower (the collector's work on them outweighs parsing again: 6.8 s against
 * 5.3 s of CPU) and took 410 MiB against 240 MiB. So a stream keeps one tree: using another drops it.
 */
export interface TreeHolder {
  /** Forgets the tree; it is parsed again, from the same text, when next needed. */
  dropTree(): void;
}

export class TreeSlot {
  private holder: TreeHolder | undefined;

  /** `holder` is about to use its tree: any other's is dropped. */
  use(holder: TreeHolder): void {
    if (this.holder === holder) return;
    this.holder?.dropTree();
    this.holder = holder;
  }
}
