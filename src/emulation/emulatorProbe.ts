/**
 * What answers at an emulator endpoint:
 * - `conveyor`: moto through Conveyor's launcher (emulator/moto_clock_server.py),
 *   which answers `GET /__conveyor/clock`;
 * - `moto`: a plain moto server (it answers `GET /moto-api/config`), without the
 *   launcher's patches;
 * - `other`: something else that answers HTTP (LocalStack, another emulator);
 * - `unreachable`: nothing answered in time.
 */
export const EmulatorKind = { Conveyor: 'conveyor', Moto: 'moto', Other: 'other', Unreachable: 'unreachable' } as const;
export type EmulatorKind = (typeof EmulatorKind)[keyof typeof EmulatorKind];

/** The command that starts the emulator the AWS path is tested on. */
export const EMULATOR_COMMAND = 'npx conveyor emulator';

/** Answers the parsed JSON body of a 2xx answer to a GET, or undefined (other status, not JSON, no answer in time). */
async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return response.ok ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Finds out, with two GET requests at most and without changing anything
 * there, which kind of emulator `endpoint` is. Plain moto routes unknown paths
 * to its S3 emulation, and a GET of `/__conveyor/clock` there only reads a
 * bucket that does not exist.
 *
 * @example
 * if ((await probeEmulator('http://127.0.0.1:5000')) === EmulatorKind.Moto) console.warn('plain moto');
 */
export async function probeEmulator(endpoint: string, timeoutMs = 2000): Promise<EmulatorKind> {
  const base = endpoint.replace(/\/+$/, '');
  const clock = await getJson(`${base}/__conveyor/clock`, timeoutMs);
  if (isObject(clock) && typeof clock['nowMs'] === 'number') return EmulatorKind.Conveyor;
  const config = await getJson(`${base}/moto-api/config`, timeoutMs);
  if (isObject(config) && ('lambda' in config || 'batch' in config)) return EmulatorKind.Moto;
  try {
    await fetch(base, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return EmulatorKind.Other;
  } catch {
    return EmulatorKind.Unreachable;
  }
}

/**
 * The warning for an AWS backend pointed (AWS_ENDPOINT_URL) at an emulator
 * without the launcher's patches: what goes wrong there and what to do
 * instead. Undefined for Conveyor's own emulator, and when nothing answers
 * (starting the backend reports that).
 *
 * @example
 * const warning = unpatchedEmulatorWarning(await probeEmulator(endpoint), endpoint);
 * if (warning !== undefined) process.stderr.write(`conveyor: warning: ${warning}\n`);
 */
export function unpatchedEmulatorWarning(kind: EmulatorKind, endpoint: string): string | undefined {
  const instead = `Run \`${EMULATOR_COMMAND} --port <port>\` (moto with Conveyor's patches) and point AWS_ENDPOINT_URL at it, or leave AWS_ENDPOINT_URL unset and the server starts one itself.`;
  switch (kind) {
    case EmulatorKind.Moto:
      return (
        `AWS_ENDPOINT_URL (${endpoint}) is a plain moto server, without the patches of Conveyor's emulator. ` +
        'Fan-out is slow there (moto re-parses its JSONPath templates for every copy an EventBridge rule delivers, about 0.3 s each: ' +
        '100 messages to one subscription take about half a minute to reach a pull), and after a cancelled DynamoDB transaction ' +
        '(a publish of a duplicate id, two publishes racing for a partition) its stream stops feeding the relay, so later messages never reach any subscription. ' +
        instead
      );
    case EmulatorKind.Other:
      return (
        `AWS_ENDPOINT_URL (${endpoint}) is not Conveyor's emulator (it does not answer /__conveyor/clock). ` +
        "Conveyor's AWS path is tested only on moto with the launcher's patches; elsewhere fan-out speed and the relay's stream reading are unverified. " +
        instead
      );
    default:
      return undefined;
  }
}

/**
 * Probes the emulator an AWS backend is about to use and, when it lacks the
 * launcher's patches, says so on stderr (a `conveyor: warning:` line a person
 * sees) and in the log (for whoever reads only the JSON).
 *
 * @example
 * await warnIfUnpatchedEmulator(process.env.AWS_ENDPOINT_URL!, logger);
 */
export async function warnIfUnpatchedEmulator(endpoint: string, logger: { warn(object: object, message: string): void }, stderr: { write(text: string): unknown } = process.stderr): Promise<EmulatorKind> {
  const kind = await probeEmulator(endpoint);
  const warning = unpatchedEmulatorWarning(kind, endpoint);
  if (warning !== undefined) {
    stderr.write(`conveyor: warning: ${warning}\n`);
    logger.warn({ endpoint, emulator: kind }, warning);
  }
  return kind;
}
