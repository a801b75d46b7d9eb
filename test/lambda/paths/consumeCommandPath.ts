import { createAwsClients } from '../../../src/adapters/aws/clients.js';
import { ApiClient } from '../../contract/harness/ApiClient.js';
import { Conveyor } from '../../contract/harness/Conveyor.js';
import { makeDataDir, removeDataDir } from '../../helpers/dataDir.js';
import { EMULATOR_ENV, startEmulator, type Emulator } from '../../helpers/emulator.js';
import { loopbackUrl, startServerProcess, stopServer, type ServerProcess } from '../../helpers/serverProcess.js';
import { killCli, runCli, type CliProcess } from '../cliProcess.js';
import { createIdempotencyTable } from '../mappingFixtures.js';
import { BILLING_HANDLER, IDEMPOTENCY_TABLE, type ConsumerExit, type ConsumerPath, type ConsumerPathFactory } from './ConsumerPath.js';

/**
 * `conveyor consume` (the built CLI, its own process) against the embedded
 * broker (the built server, its own process). The handler's idempotency table
 * is on the emulator, which the handler reaches through AWS_ENDPOINT_URL_DYNAMODB.
 */
export const consumeCommandPath: ConsumerPathFactory = {
  name: 'conveyor consume on the embedded broker',
  start: async (): Promise<ConsumerPath> => {
    const emulator: Emulator = await startEmulator();
    const clients = createAwsClients({ endpoint: emulator.endpoint });
    await createIdempotencyTable(clients.dynamoTables, IDEMPOTENCY_TABLE);
    clients.destroy();
    const dataDir = makeDataDir('consume-command');
    const server: ServerProcess = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const url = loopbackUrl(server.url);
    let consumer: CliProcess | undefined;
    return {
      name: consumeCommandPath.name,
      api: new Conveyor(new ApiClient(url)),
      // A nack on the last attempt dead-letters the message at once, with the nack's reason.
      deadLetterOf: (maxDeliveries, thrown) => ({ deliveryAttempt: maxDeliveries, lastError: thrown }),
      consume: async (topic, subscription, ledger) => {
        consumer = runCli(['consume', topic, subscription, '--handler', BILLING_HANDLER, '--url', url, '--batch-size', '5', '--wait-seconds', '1'], {
          ...EMULATOR_ENV,
          BILLING_LEDGER: ledger,
          IDEMPOTENCY_TABLE,
          AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
        });
      },
      stopConsuming: async (): Promise<ConsumerExit> => {
        if (consumer === undefined) throw new Error('not consuming');
        consumer.child.kill('SIGINT');
        return { exitCode: await consumer.exited, stderr: consumer.stderr() };
      },
      stop: async () => {
        await killCli(consumer);
        await stopServer(server);
        removeDataDir(dataDir);
        await emulator.stop();
      },
    };
  },
};
