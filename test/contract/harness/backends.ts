import { pino } from 'pino';
import { handler } from '../../../functions/api.js';
import type { Broker } from '../../../src/broker/Broker.js';
import { createEmbeddedServices } from '../../../src/runtime/createEmbeddedServices.js';
import { Gatekeeper } from '../../../src/access/Gatekeeper.js';
import { TokenRegistry } from '../../../src/access/TokenRegistry.js';
import { LocalServer } from '../../../src/server/LocalServer.js';
import { startLocalAws } from '../../../src/emulation/startLocalAws.js';
import { makeDataDir, removeDataDir } from '../../helpers/dataDir.js';
import { conveyorTemplate, startEmulator } from '../../helpers/emulator.js';
import { TestClock } from '../../helpers/TestClock.js';
import { ApiClient } from './ApiClient.js';
import { Difference } from './differences.js';
import { Conveyor } from './Conveyor.js';

/** A running broker the contract suite talks to over HTTP. */
export interface ContractTarget {
  readonly backend: string;
  readonly api: Conveyor;
  readonly clock: TestClock;
  /** Jumps the broker's clock ahead, then runs one maintenance pass (releases, expiries, schedules). */
  advance(ms: number): Promise<void>;
  /** Runs one maintenance pass now. */
  maintain(): Promise<void>;
  stop(): Promise<void>;
}

/** Settings a spec file may start its brokers with; every other setting is the default. */
export interface TargetSettings {
  /** The response byte budget (CONVEYOR_RESPONSE_BYTES). @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** Long-polls one caller holds at once (CONVEYOR_MAX_LONG_POLLS); one more is 429 with Retry-After. @default 64 */
  readonly maxLongPollsPerCaller?: number;
}

/** The local server's door: open, with the long-poll limit of `settings`. */
function gatekeeperOf(settings: TargetSettings): Gatekeeper {
  return new Gatekeeper({ tokens: TokenRegistry.empty, ...(settings.maxLongPollsPerCaller === undefined ? {} : { maxLongPollsPerCaller: settings.maxLongPollsPerCaller }) });
}

export interface BackendFactory {
  readonly name: string;
  /** Promises of the embedded broker this backend does not keep (see differences.ts). */
  readonly differences: ReadonlySet<Difference>;
  start(settings?: TargetSettings): Promise<ContractTarget>;
}

/** The part of jest's `it` a contract spec declares with: one spec, or one per case. */
export interface SpecDeclaration {
  (name: string, fn: () => Promise<void>, timeout?: number): void;
  each<T extends object>(cases: readonly T[]): (name: string, fn: (row: T) => Promise<void>, timeout?: number) => void;
}

/**
 * Declares specs of a promise `backendName` knowingly does not keep: each runs
 * and passes only when it fails there (an expectation, or a fixture's check
 * such as "expected exactly one delivery"), under a name that says so.
 */
function specOfDifference(backendName: string, difference: Difference): SpecDeclaration {
  const named = (name: string): string => `${name} [does not hold on ${backendName}: ${difference}]`;
  const declare = (name: string, fn: () => Promise<void>, timeout?: number): void => {
    it(named(name), () => expect(fn()).rejects.toThrow(), timeout);
  };
  declare.each =
    <T extends object>(cases: readonly T[]) =>
    (name: string, fn: (row: T) => Promise<void>, timeout?: number): void => {
      it.each<T>(cases)(named(name), (row) => expect(fn(row)).rejects.toThrow(), timeout);
    };
  return declare;
}

/** What a spec can ask of the backend it runs on while it is being declared. */
export interface ContractBackend {
  readonly name: string;
  /**
   * `it` for a spec of a promise the backend keeps. Where it knowingly differs,
   * the spec still runs, and must fail: that is the difference the README
   * promises users, and a backend that starts keeping the promise is reported.
   */
  itUnless(difference: Difference): SpecDeclaration;
  /** Whether the backend knowingly differs here, for one assertion within a spec that otherwise holds everywhere. */
  differs(difference: Difference): boolean;
}

async function startEmbedded(settings: TargetSettings = {}): Promise<ContractTarget> {
  const dataDir = makeDataDir('contract');
  const clock = new TestClock();
  const logger = pino({ level: 'silent' });
  const { maxLongPollsPerCaller: _door, ...serviceSettings } = settings;
  const services = createEmbeddedServices({ dataDir, clock, logger, maintenance: { maxSleepMs: 50 }, ...serviceSettings });
  const server = new LocalServer({ handler, services, logger, drainTimeoutMs: 1000, gatekeeper: gatekeeperOf(settings) });
  const url = await server.listen(0, '127.0.0.1');
  const broker: Broker = services.broker;
  return {
    backend: 'sqlite',
    api: new Conveyor(new ApiClient(url)),
    clock,
    advance: async (ms) => {
      clock.advance(ms);
      await broker.maintenance.runOnce();
    },
    maintain: async () => {
      await broker.maintenance.runOnce();
    },
    stop: async () => {
      await server.stop();
      await services.close();
      removeDataDir(dataDir);
    },
  };
}

/**
 * The AWS backend on the emulator, with the functions' event sources played in
 * this process. Fan-out, delays and schedules are asynchronous there (stream →
 * relay → EventBridge → SQS), so before every request the harness moves the
 * emulator's clock to the test clock and lets the runner settle: the spec then
 * observes the converged system, as a client would a moment later in AWS.
 */
async function startAws(settings: TargetSettings = {}): Promise<ContractTarget> {
  const emulator = await startEmulator();
  const clock = new TestClock();
  const logger = pino({ level: 'silent' });
  const { maxLongPollsPerCaller: _door, ...serviceSettings } = settings;
  const local = await startLocalAws({ endpoint: emulator.endpoint, clock, logger, template: await conveyorTemplate(), idleMs: 200, ...serviceSettings });
  // Also in the background, so a waiting long-poll sees what is published meanwhile.
  local.runner.start();
  const server = new LocalServer({ handler, services: local.services, logger, drainTimeoutMs: 1000, gatekeeper: gatekeeperOf(settings) });
  const url = await server.listen(0, '127.0.0.1');
  let pushed = '';
  const settle = async (): Promise<void> => {
    const state = JSON.stringify(clock.state());
    const moved = state !== pushed;
    if (moved) {
      await emulator.setClock(clock.state());
      pushed = state;
    }
    await local.runner.settle(moved);
  };
  return {
    backend: 'aws',
    api: new Conveyor(new ApiClient(url, undefined, settle)),
    clock,
    advance: async (ms) => {
      clock.advance(ms);
      await settle();
    },
    maintain: settle,
    stop: async () => {
      await server.stop();
      await local.close();
      await emulator.stop();
    },
  };
}

const ALL_BACKENDS: readonly BackendFactory[] = [
  { name: 'sqlite', differences: new Set(), start: startEmbedded },
  { name: 'aws', differences: new Set(Object.values(Difference)), start: startAws },
];

/**
 * Every backend the contract suite runs against; CONVEYOR_CONTRACT_BACKENDS
 * (comma separated, e.g. `sqlite`) narrows it for a development run.
 */
const wanted = (process.env['CONVEYOR_CONTRACT_BACKENDS'] ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
export const BACKENDS: readonly BackendFactory[] = wanted.length === 0 ? ALL_BACKENDS : ALL_BACKENDS.filter((backend) => wanted.includes(backend.name));

/**
 * One backend by name, whatever CONVEYOR_CONTRACT_BACKENDS says: for suites kept in
 * one file per backend (the fuzzer), so each runs in its own jest worker.
 *
 * @example
 * const target = await backendNamed('sqlite').start();
 */
export function backendNamed(name: string): BackendFactory {
  const backend = ALL_BACKENDS.find((candidate) => candidate.name === name);
  if (backend === undefined) throw new Error(`no backend named ${name}; there are ${ALL_BACKENDS.map((candidate) => candidate.name).join(', ')}`);
  return backend;
}

/**
 * Declares a contract spec once for every backend: each gets a fresh broker,
 * started with `settings`. A clock a test froze flows again after it, whether
 * the test passed or not.
 *
 * @example
 * describeContract('Topics', (target) => { it('creates a topic', async () => { ... target().api ... }); });
 */
export function describeContract(
  title: string,
  spec: (target: () => ContractTarget, backend: ContractBackend) => void,
  settings: TargetSettings = {},
): void {
  describe.each(BACKENDS.map((backend) => ({ backend })))(`${title} [$backend.name]`, ({ backend }) => {
    let current: ContractTarget | undefined;
    beforeAll(async () => {
      current = await backend.start(settings);
    });
    afterEach(() => {
      current?.clock.resume();
    });
    afterAll(async () => {
      await current?.stop();
    });
    const where: ContractBackend = {
      name: backend.name,
      itUnless: (difference) => (backend.differences.has(difference) ? specOfDifference(backend.name, difference) : it),
      differs: (difference) => backend.differences.has(difference),
    };
    spec(() => {
      if (current === undefined) throw new Error('the contract target did not start');
      return current;
    }, where);
  });
}
