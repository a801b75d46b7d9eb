import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { loopbackUrl, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

export const CLI_TOKEN = 'cli-spec-token-0123456789';

/** A broker in its own process for the CLI specs, with one token; `env` points the CLI at it. */
export interface CliBroker {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly server: ServerProcess;
  stop(): Promise<void>;
}

/**
 * Starts the compiled server (embedded backend, a fresh data folder, a free
 * port) with one admin token, and the environment a CLI run needs to reach it.
 *
 * @example
 * beforeAll(async () => { broker = await startCliBroker('cli-topics'); });
 * afterAll(() => broker.stop());
 */
export async function startCliBroker(name: string, env: Record<string, string> = {}): Promise<CliBroker> {
  const dataDir = makeDataDir(name);
  const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS: CLI_TOKEN, ...env });
  const url = loopbackUrl(server.url);
  return {
    url,
    server,
    env: { CONVEYOR_URL: url, CONVEYOR_TOKEN: CLI_TOKEN },
    async stop() {
      await stopServer(server);
      removeDataDir(dataDir);
    },
  };
}
