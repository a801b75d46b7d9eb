/**
 * Exit codes of the `conveyor` commands that talk to a broker. Scripts rely on
 * them, so they are part of the CLI's interface (README, `conveyor --help`).
 * `serve`, `consume` and `emulator` keep the codes they document.
 */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The API refused the request (a 4xx other than 429): nothing more will come of retrying it as it is. */
  Refused: 1,
  /** The command line (or its input, such as an NDJSON line) is wrong; nothing was sent for it. */
  Usage: 2,
  /** The server could not be reached, or kept answering 5xx or 429 after the client's retries. */
  Unavailable: 3,
  /** The request was answered, but some of what it named did nothing (an ack id that had expired, a dead letter id that was not there). */
  Partial: 4,
  /** Ctrl-C stopped a publish before its input ended (128 + SIGINT, as shells report it); what was published is summarized. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The table `conveyor --help` ends with. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '    0  done',
  '    1  the API refused the request (4xx; its code and message are printed)',
  '    2  usage error: a bad flag, argument or input line; nothing was sent for it',
  '    3  the server could not be reached, or answered 5xx or 429 after retries',
  '    4  done in part: some ack ids or dead-letter ids did nothing (listed)',
  '  130  publish stopped by Ctrl-C before its input ended (tail --follow and stats --watch exit 0)',
].join('\n');
