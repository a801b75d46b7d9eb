import cliProgress from 'cli-progress';
import { bytes, duration, perSecond } from '../output/units.js';
import type { Batch } from './Batcher.js';

/** Where the bar is drawn: stderr, so stdout keeps only the command's result. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
}

/** What the bar shows at one moment. */
export interface ProgressState {
  readonly messages: number;
  readonly inputBytes: number;
  /** The input's size, when known (a file); then a bar, a percentage and an ETA. */
  readonly totalBytes: number | undefined;
  readonly elapsedSeconds: number;
}

const BAR_WIDTH = 24;

/**
 * The progress line: published messages and input bytes, the rate since the
 * start, and with a known size a bar, the percentage and the time left at that
 * rate.
 *
 * @example
 * progressLine({ messages: 50_000, inputBytes: 4e6, totalBytes: 8e6, elapsedSeconds: 2 });
 * // '[############------------]  50% | 50000 messages | 4.00 MB of 8.00 MB | 25000 msg/s | ETA 2.0 s'
 */
export function progressLine(state: ProgressState): string {
  const rate = state.elapsedSeconds > 0 ? state.messages / state.elapsedSeconds : 0;
  const counts = `${state.messages} messages | ${bytes(state.inputBytes)}`;
  if (state.totalBytes === undefined || state.totalBytes === 0) return `${counts} | ${perSecond(rate)} msg/s | ${duration(state.elapsedSeconds)}`;
  const fraction = Math.min(state.inputBytes / state.totalBytes, 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const byteRate = state.elapsedSeconds > 0 ? state.inputBytes / state.elapsedSeconds : 0;
  const eta = byteRate > 0 ? duration((state.totalBytes - state.inputBytes) / byteRate) : '?';
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} | ${counts} of ${bytes(state.totalBytes)} | ${perSecond(rate)} msg/s | ETA ${eta}`;
}

/**
 * The progress bar of `conveyor publish` (cli-progress, redrawn in place at
 * most ten times a second), on a terminal only: elsewhere it draws nothing
 * and the summary line says it all.
 *
 * @example
 * const progress = new PublishProgress(process.stderr, fileSize);
 * progress.start();
 * progress.published(batch);
 * progress.stop();
 */
export class PublishProgress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private messages = 0;
  private inputBytes = 0;
  private startedAt = 0;

  public constructor(
    stream: ProgressStream,
    private readonly totalBytes: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.bar =
      stream.isTTY === true
        ? new cliProgress.SingleBar({ stream, hideCursor: true, clearOnComplete: true, format: () => progressLine(this.state()) })
        : undefined;
  }

  public start(): void {
    this.startedAt = this.now();
    this.bar?.start(this.totalBytes ?? 0, 0);
  }

  public published(batch: Batch): void {
    this.messages += batch.messages.length;
    this.inputBytes += batch.inputBytes;
    this.bar?.update(this.inputBytes);
  }

  /** Removes the bar, so the summary line takes its place. */
  public stop(): void {
    this.bar?.stop();
  }

  private state(): ProgressState {
    return { messages: this.messages, inputBytes: this.inputBytes, totalBytes: this.totalBytes, elapsedSeconds: (this.now() - this.startedAt) / 1000 };
  }
}
