import { readFileSync } from 'node:fs';
import { EMULATOR_CREDENTIALS } from '../../src/emulation/emulatorCredentials.js';
import { synthesizeTemplate } from '../../src/emulation/startLocalAws.js';
import { setEmulatorClock, startMotoServer, type EmulatorClockState } from '../../src/emulation/motoServer.js';
import { EMULATORS_ENV, post, TEMPLATE_ENV } from '../globalSetup.js';

/** An AWS emulator the tests talk to. */
export interface Emulator {
  readonly endpoint: string;
  /** Whether `setClock` moves the emulator's time (our moto launcher); other emulators keep real time. */
  readonly clockControl: boolean;
  /** Forgets every resource (moto's reset endpoint); a no-op for emulators without one. */
  reset(): Promise<void>;
  setClock(clock: EmulatorClockState): Promise<void>;
  /** Releases this suite's use of the emulator. */
  stop(): Promise<void>;
}

/** Fake credentials: the emulator accepts any, and nothing may ever reach real AWS. */
export const EMULATOR_ENV = EMULATOR_CREDENTIALS;


function ourEmulatorEndpoint(): string | undefined {
  const endpoints = (process.env[EMULATORS_ENV] ?? '').split(',').filter((endpoint) => endpoint !== '');
  const worker = Number(process.env['JEST_WORKER_ID'] ?? '1');
  return endpoints[(worker - 1) % Math.max(endpoints.length, 1)];
}

function motoEmulator(endpoint: string, release: () => Promise<void>): Emulator {
  return {
    endpoint,
    clockControl: true,
    reset: async () => {
      const response = await post(`${endpoint}/moto-api/reset`);
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    setClock: (clock) => setEmulatorClock(endpoint, clock),
    stop: release,
  };
}

/**
 * The emulator for one test suite, reset to empty with its clock at real time.
 * - `AWS_ENDPOINT_URL` set: that emulator (LocalStack or another), as is: no
 *   reset and no clock control, so suites must use fresh names.
 * - Otherwise this jest worker's moto, started by globalSetup; or, when a suite
 *   runs outside that setup, a moto of its own that `stop` kills.
 *
 * @example
 * const emulator = await startEmulator();
 * const clients = createAwsClients({ endpoint: emulator.endpoint });
 * afterAll(() => emulator.stop());
 */
export async function startEmulator(): Promise<Emulator> {
  for (const [name, value] of Object.entries(EMULATOR_ENV)) process.env[name] ??= value;
  const external = process.env['AWS_ENDPOINT_URL'];
  if (external !== undefined && external !== '') {
    return { endpoint: external, clockControl: false, reset: async () => undefined, setClock: async () => undefined, stop: async () => undefined };
  }
  const shared = ourEmulatorEndpoint();
  const emulator = shared === undefined ? await startMotoServer().then((moto) => motoEmulator(moto.endpoint, () => moto.stop())) : motoEmulator(shared, async () => undefined);
  await emulator.reset();
  await emulator.setClock({ offsetMs: 0, frozenAtMs: null });
  return emulator;
}

/**
 * ConveyorStack's template (default props) for deploying into the emulator: the
 * one globalSetup synthesized for this run, or synthesized here when a suite runs
 * outside that setup.
 */
export async function conveyorTemplate(): Promise<Record<string, unknown>> {
  const file = process.env[TEMPLATE_ENV];
  return file === undefined ? synthesizeTemplate('conveyor') : (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
}
