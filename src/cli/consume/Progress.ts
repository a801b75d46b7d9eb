/** Where the progress line goes: stderr, a terminal or not. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * The progress line of `conveyor consume`: messages processed (acked) and
 * failed (nacked) so far, the processing rate since the previous line, and the
 * subscription's backlog. On a terminal the line is rewritten in place;
 * otherwise each `show` writes one line, so logs stay readable.
 *
 * @example
 * const progress = new Progress(process.stderr, 'orders/billing');
 * progress.count(9, 1);
 * progress.show(17); // orders/billing: 9 processed, 1 failed, 4.5/s, backlog 17
 */
export class Progress {
  private processed = 0;
  private failed = 0;
  private lastShownAt: number;
  private lastShownProcessed = 0;
  private drawn = false;

  public constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.lastShownAt = now();
  }

  public count(processed: number, failed: number): void {
    this.processed += processed;
    this.failed += failed;
  }

  public get totals(): { readonly processed: number; readonly failed: number } {
    return { processed: this.processed, failed: this.failed };
  }

  /** Writes the line; `backlog` null when it could not be read. */
  public show(backlog: number | null): void {
    const now = this.now();
    const seconds = Math.max((now - this.lastShownAt) / 1000, 0.001);
    const rate = (this.processed - this.lastShownProcessed) / seconds;
    this.lastShownAt = now;
    this.lastShownProcessed = this.processed;
    const line = `${this.label}: ${this.processed} processed, ${this.failed} failed, ${rate.toFixed(1)}/s, backlog ${backlog ?? '?'}`;
    if (this.stream.isTTY === true) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends a line rewritten in place, so what follows starts on its own line. */
  public newline(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  /** A message of its own (a warning) without garbling the line in place. */
  public note(text: string): void {
    this.newline();
    this.stream.write(`${text}\n`);
  }
}
