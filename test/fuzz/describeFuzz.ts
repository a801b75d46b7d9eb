import type { BackendFactory, ContractTarget } from '../contract/harness/backends.js';
import { checkProperty, propertySeed } from './checkProperty.js';
import type { Generated } from './FuzzRequest.js';
import { FuzzSession } from './FuzzSession.js';
import { FuzzTally } from './FuzzTally.js';
import type { FuzzSetup, Plan } from './fuzzPlans.js';

const PROPERTY_TIMEOUT_MS = 180_000;

/**
 * Declares the fuzzer's specs for one backend: per operation, the plan's
 * properties; then undocumented methods, paths outside the document and
 * malformed HTTP; then that the server is still up. Prints the counts and the
 * seed at the end and writes them as JSON (see FuzzSettings.report).
 *
 * Properties, for every request: (a) no 5xx; (b) the status is documented for the
 * operation, the body matches the document, errors are {"error":{"code","message"}}
 * with a known code, a path matching no operation gets 400, 404 or 405, a 405
 * names the allowed methods; (c) a rejected request changes nothing observable;
 * (d) the server stays up; (e) a request the document says is invalid is rejected.
 *
 * @example
 * const setup = fuzzSetup('sqlite');
 * describeFuzz(backendNamed('sqlite'), embeddedPlan(setup), setup);
 */
export function describeFuzz(backend: BackendFactory, plan: Plan, setup: FuzzSetup): void {
  const { model, settings } = setup;
  const tally = new FuzzTally(settings.seed);

  describe(`Fuzzer: every operation in docs/openapi.yaml [${backend.name}]`, () => {
    let target: ContractTarget | undefined;
    let session: FuzzSession | undefined;
    let startedAt = 0;

    beforeAll(async () => {
      console.log(`Fuzzing ${model.operations.length} operations on ${backend.name} with seed ${settings.seed} (FUZZ_SEED=<n> replays or changes it; FUZZ_RUNS, FUZZ_AWS_RUNS and FUZZ_BATCH scale it)`);
      startedAt = Date.now();
      target = await backend.start();
      session = new FuzzSession({ backend: backend.name, target, model, tally, timeoutMs: plan.timeoutMs });
      await session.start();
    }, PROPERTY_TIMEOUT_MS);

    afterAll(async () => {
      tally.backend(backend.name).elapsedMs = Date.now() - startedAt;
      await target?.stop();
      console.log(`${tally.summary()}\nCounts written to ${settings.report}`);
      tally.write(settings.report);
    }, PROPERTY_TIMEOUT_MS);

    const check = async (title: string, generated: Generated): Promise<void> => {
      if (session === undefined) throw new Error(`the ${backend.name} backend did not start`);
      try {
        await checkProperty({
          title: `[${backend.name}] ${title}`,
          session,
          generated,
          runs: plan.runs,
          batch: plan.batch,
          seed: propertySeed(settings.seed, `${backend.name} ${title}`),
          baseSeed: settings.seed,
          timeLimitMs: PROPERTY_TIMEOUT_MS / 2,
        });
      } catch (error) {
        tally.backend(backend.name).failures.push((error as Error).message.split('\n').slice(0, 6).join(' / '));
        throw error;
      }
    };

    describe.each(model.operations)('Operation: $id ($method $template)', (operation) => {
      it.each(plan.properties(operation))(
        'holds every property for $case',
        async ({ case: title, generated }) => {
          // Prepare: the session holds the fixture. Act and Assess: each request is sent and checked; a failure is shrunk and thrown.
          await check(`${operation.id}: ${title}`, generated);
        },
        PROPERTY_TIMEOUT_MS,
      );
    });

    describe('Requests outside the documented operations', () => {
      it.each([...plan.methods])(
        'answers 405 with an Allow header to $case',
        async ({ case: title, generated }) => {
          await check(title, generated);
        },
        PROPERTY_TIMEOUT_MS,
      );

      it.each([...plan.outside])(
        'holds every property for $case',
        async ({ case: title, generated }) => {
          await check(title, generated);
        },
        PROPERTY_TIMEOUT_MS,
      );
    });

    describe('After the run', () => {
      it('stays up: GET /healthz answers 200', async () => {
        // Act
        const problem = await session?.health();

        // Assess
        expect(problem).toBeUndefined();
      });
    });
  });
}
