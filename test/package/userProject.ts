import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files of a user's own project that installs conveyor from its tarball:
 * a TypeScript CDK app, a Lambda consumer and a script that starts a broker.
 * Kept as text here (not as .ts files of this repository) so that nothing of
 * this repository's tsconfig, module mapping or sources takes part.
 */
export const PROJECT_FILES: Readonly<Record<string, string>> = {
  'package.json': JSON.stringify({ name: 'conveyor-user', version: '1.0.0', private: true, type: 'module' }, null, 2),
  // What a strict NodeNext project checks; skipLibCheck off, so conveyor's declarations are checked too.
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: ['node'], outDir: 'dist', rootDir: 'src' },
      include: ['src'],
    },
    null,
    2,
  ),
  'src/app.ts': `import { App, Duration, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Conveyor, ConveyorStack } from 'conveyor/cdk';

// The cloud assembly goes where the first argument says, as cdk.json's app would put it in cdk.out.
const app = new App({ outdir: process.argv[2] ?? 'cdk.out' });
new ConveyorStack(app, 'ConveyorStack', { resourcePrefix: 'shop' });

// Conveyor inside a stack of the team's own, with a declared topic, subscription and Lambda consumer.
const stack = new Stack(app, 'ShopStack');
const conveyor = new Conveyor(stack, 'Conveyor', { resourcePrefix: 'orders' });
const billing = conveyor.addTopic('orders', { partitions: 4 }).addSubscription('billing', { maxDeliveries: 5, ackDeadlineSeconds: 60 });
const billingFn = new LambdaFunction(stack, 'Billing', { runtime: Runtime.NODEJS_20_X, handler: 'consumer.handler', code: Code.fromAsset('dist'), timeout: Duration.seconds(30) });
billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5 });
app.synth();
`,
  // Imports conveyor/lambda and nothing else.
  'src/consumer.ts': `import { consume } from 'conveyor/lambda';

export const handler = consume(async (message) => {
  console.log(message.id, message.topic, message.deliveryAttempt);
});
`,
  // Imports conveyor/client and nothing else: a publisher and a consumer loop, typed from the API's document.
  'src/publisher.ts': `import { ConveyorClient, ConveyorError, type Delivery, type PublishMessage, type Subscription } from 'conveyor/client';

const client = new ConveyorClient({ url: process.env['CONVEYOR_URL'] ?? 'http://127.0.0.1:8080', retry: { maxAttempts: 3 } });

export async function publishOrder(total: number): Promise<string> {
  const message: PublishMessage = { id: \`order-\${total}\`, key: 'customer-7', body: { total } };
  try {
    const { results } = await client.publish('orders', message);
    return results[0]?.id ?? '';
  } catch (error) {
    if (error instanceof ConveyorError && error.code === 'TopicNotFound') return '';
    throw error;
  }
}

export function billing(): Subscription {
  return client.subscribe('orders', 'billing', async (message: Delivery) => {
    console.log(message.id, message.deliveryAttempt);
  }, { concurrency: 2 });
}
`,
  'server.mjs': `// Prints one JSON line: the status of creating a topic on a broker started in-process and of three of the
// console's files (the page, its entry module, uPlot from the uplot package beside conveyor), or the error.
try {
  const { startConveyor } = await import('conveyor/server');
  const broker = await startConveyor({ logLevel: 'silent' });
  const response = await fetch(\`\${broker.url}/v1/topics/orders\`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"partitions":2}' });
  const files = ['/console', '/console/assets/main.js', '/console/assets/vendor/uPlot.esm.js'];
  const consoleStatuses = await Promise.all(files.map(async (path) => (await fetch(\`\${broker.url}\${path}\`)).status));
  await broker.stop();
  console.log(JSON.stringify({ status: response.status, console: consoleStatuses }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
`,
};

/** Writes PROJECT_FILES into `dir`. */
export function writeProject(dir: string): void {
  for (const [path, text] of Object.entries(PROJECT_FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * Copies the better-sqlite3 this repository compiled (the module, its loader
 * and the native binary) into the project. npm would compile it from source
 * there, which takes about two minutes on this machine; the copy is the same
 * build, so what runs is what an install would give.
 */
export function copyCompiledSqlite(repoNodeModules: string, projectNodeModules: string): void {
  const needed = (path: string): boolean => !/better-sqlite3\/(deps|src|build\/(?!Release(\/better_sqlite3\.node)?$))/.test(path);
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    cpSync(join(repoNodeModules, name), join(projectNodeModules, name), { recursive: true, dereference: true, filter: needed });
  }
}
