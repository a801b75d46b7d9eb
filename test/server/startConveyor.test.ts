import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { ConfigurationError, InvalidRequestError } from '../../src/domain/errors.js';
import { startConveyor, type StartConveyorOptions, type StartedConveyor } from '../../src/server/index.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

const createTopic = (broker: StartedConveyor, topic: string): Promise<Response> =>
  fetch(`${broker.url}/v1/topics/${topic}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ partitions: 1 }) });

const topicNames = async (broker: StartedConveyor): Promise<string[]> => {
  const response = await fetch(`${broker.url}/v1/topics`);
  const body = (await response.json()) as { topics: Array<{ name: string }> };
  return body.topics.map((topic) => topic.name);
};

/** Resolves true when something can listen on the port now. */
const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

const portOf = (broker: StartedConveyor): number => Number(new URL(broker.url).port);

describe('Function: startConveyor', () => {
  const started: StartedConveyor[] = [];
  const dirs: string[] = [];

  const start = async (options?: StartConveyorOptions): Promise<StartedConveyor> => {
    const broker = await startConveyor({ synchronous: 'NORMAL', logLevel: 'silent', ...options });
    started.push(broker);
    return broker;
  };

  afterAll(async () => {
    await Promise.all(started.map((broker) => broker.stop()));
    for (const dir of dirs) removeDataDir(dir);
  });

  it('starts two brokers at once on free ports, each with its own data', async () => {
    // Prepare
    const [first, second] = await Promise.all([start(), start()]);

    // Act
    const created = await createTopic(first!, 'orders');

    // Assess
    expect(created.status).toBe(201);
    expect(portOf(first!)).not.toBe(portOf(second!));
    expect(first!.dataDir).not.toBe(second!.dataDir);
    expect(await topicNames(first!)).toEqual(['orders']);
    expect(await topicNames(second!)).toEqual([]);
  });

  it('frees the port and removes its temporary data folder on stop', async () => {
    // Prepare
    const broker = await start();
    await createTopic(broker, 'orders');
    expect(existsSync(broker.dataDir)).toBe(true);

    // Act
    await broker.stop();

    // Assess
    expect(existsSync(broker.dataDir)).toBe(false);
    expect(await portIsFree(portOf(broker))).toBe(true);
    await expect(fetch(`${broker.url}/healthz`)).rejects.toThrow();
  });

  it('keeps a given data folder, so a broker started on it later finds the data', async () => {
    // Prepare
    const dataDir = makeDataDir('start-conveyor');
    dirs.push(dataDir);
    const first = await start({ dataDir });
    await createTopic(first, 'orders');

    // Act
    await first.stop();
    const second = await start({ dataDir });

    // Assess
    expect(existsSync(dataDir)).toBe(true);
    expect(await topicNames(second)).toEqual(['orders']);
  });

  it('waits for the same stop when stop is called twice', async () => {
    // Prepare
    const broker = await start();

    // Act
    const stops = await Promise.all([broker.stop(), broker.stop()]);

    // Assess
    expect(stops).toEqual([undefined, undefined]);
    expect(existsSync(broker.dataDir)).toBe(false);
  });

  it('asks for a bearer token when started with tokens', async () => {
    // Prepare
    const token = 'start-conveyor-token-0001';
    const broker = await start({ tokens: [token] });

    // Act
    const anonymous = await fetch(`${broker.url}/v1/topics`);
    const authenticated = await fetch(`${broker.url}/v1/topics`, { headers: { authorization: `Bearer ${token}` } });

    // Assess
    expect([anonymous.status, authenticated.status]).toEqual([401, 200]);
  });

  it.each<{ case: string; options: StartConveyorOptions; message: RegExp }>([
    { case: 'a port out of range', options: { port: 70000 }, message: /startConveyor options\.port must be between 0 and 65535, but 70000 was provided/ },
    { case: 'an unknown option', options: { prot: 8080 } as StartConveyorOptions, message: /startConveyor options: unknown field "prot"/ },
    { case: 'an unknown sync mode', options: { synchronous: 'SOMETIMES' as 'FULL' }, message: /synchronous must be one of FULL, GROUP, NORMAL/ },
    { case: 'a response budget below 512 KiB', options: { responseBytes: 1024 }, message: /responseBytes must be between 524288 and 67108864, but 1024 was provided/ },
  ])('refuses $case with InvalidRequestError', async ({ options, message }) => {
    // Act
    const starting = startConveyor(options);

    // Assess
    await expect(starting).rejects.toThrow(InvalidRequestError);
    await expect(starting).rejects.toThrow(message);
  });

  it('refuses to listen beyond loopback without tokens', async () => {
    // Act
    const starting = startConveyor({ host: '0.0.0.0', logLevel: 'silent' });

    // Assess
    await expect(starting).rejects.toThrow(ConfigurationError);
    await expect(starting).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication: pass tokens or tokenFile/);
  });

  it('refuses a port in use with ConfigurationError naming it', async () => {
    // Prepare
    const broker = await start();

    // Act
    const starting = startConveyor({ port: portOf(broker), logLevel: 'silent' });

    // Assess
    await expect(starting).rejects.toThrow(ConfigurationError);
    await expect(starting).rejects.toThrow(new RegExp(`port ${portOf(broker)} is already in use`));
  });
});
