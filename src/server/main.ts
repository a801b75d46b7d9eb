import { parseArgs } from 'node:util';
import { failToStart, runServer } from './runServer.js';

const USAGE = 'usage: npm start [-- --backend sqlite|aws]';

/** `npm start`: the broker on its embedded default (or `--backend aws` on an emulator), behind the local HTTP server. */
async function main(): Promise<void> {
  const parent = process.ppid;
  let values;
  try {
    // `npm start` adds --stop-with-parent; run by hand (under nohup, say), the server outlives its shell as asked.
    ({ values } = parseArgs({ options: { backend: { type: 'string', default: 'sqlite' }, 'stop-with-parent': { type: 'boolean', default: false } } }));
  } catch (error) {
    failToStart(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  await runServer({ backend: values.backend ?? 'sqlite', stopWithParent: values['stop-with-parent'] ?? false, parent, usage: USAGE });
}

void main();
