import { Command, InvalidArgumentError, Option } from 'commander';
import { EMULATOR_COMMAND } from '../../emulation/emulatorProbe.js';
import { inspectMoto, motoPython } from '../../emulation/motoRequirement.js';
import { startMotoServer, type MotoServer } from '../../emulation/motoServer.js';

/** Exit code of a refusal to start (a bad flag, Python or moto missing, the port taken), as `conveyor serve` uses. */
const CANNOT_START = 2;

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) throw new InvalidArgumentError(`--port must be an integer between 0 and 65535 (0: a free port), but ${JSON.stringify(value)} was provided`);
  return number;
}

/** What a person needs to use the emulator, once it answers. */
function banner(endpoint: string, version: string): string {
  return [
    `Conveyor's emulator (moto ${version} with Conveyor's patches) is listening on ${endpoint}`,
    `  AWS_ENDPOINT_URL=${endpoint} npx conveyor serve --backend aws`,
    'Ctrl-C stops it.',
    '',
  ].join('\n');
}

/**
 * `conveyor emulator [--port 5000]`: the moto server that Conveyor's AWS path
 * is tested on (emulator/moto_clock_server.py: moto with a movable clock and
 * the patches that keep fan-out fast and the log's stream whole), for an
 * `AWS_ENDPOINT_URL` that outlives one server. Prints its endpoint once it
 * answers; SIGINT and SIGTERM stop it and exit 0. Exits 2 when it cannot
 * start (Python 3 or moto[server] 5.x missing, the port taken), 1 when moto
 * dies on its own.
 *
 * @example
 * program.addCommand(emulatorCommand());
 * // npx conveyor emulator --port 5000
 * // AWS_ENDPOINT_URL=http://127.0.0.1:5000 npx conveyor serve --backend aws
 */
export function emulatorCommand(): Command {
  return new Command('emulator')
    .description("run the AWS emulator Conveyor's AWS path is tested on: moto's server with Conveyor's patches (needs Python 3 with moto[server] 5.x)")
    .addOption(new Option('--port <port>', 'loopback port to listen on (0: a free one)').env('CONVEYOR_EMULATOR_PORT').argParser(port).default(5000))
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : CANNOT_START))
    .action(async (flags: { port: number }) => {
      const python = motoPython();
      const found = await inspectMoto(python);
      if ('problem' in found) fail(found.problem, CANNOT_START);
      let moto: MotoServer;
      try {
        moto = await startMotoServer(flags.port, python);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error), CANNOT_START);
      }
      let stopping = false;
      const stop = async (): Promise<void> => {
        // A second signal joins the stop under way.
        if (stopping) return;
        stopping = true;
        await moto.stop();
        process.stdout.write("Conveyor's emulator stopped\n");
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      void moto.exited.then((code) => {
        if (!stopping) fail(`moto's server exited on its own (${code === null ? 'killed by a signal' : `exit code ${code}`}); start it again with ${EMULATOR_COMMAND}`, 1);
      });
      process.stdout.write(banner(moto.endpoint, found.version));
    });
}

function fail(message: string, exitCode: number): never {
  process.stderr.write(`conveyor emulator: ${message}\n`);
  process.exit(exitCode);
}
