import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult } from 'esbuild';
import { copyCompiledSqlite, writeProject } from './userProject.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const versionOf = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** Every step below is bounded; together they take a few minutes on two busy cores. */
const STEP_TIMEOUT_MS = 600_000;

interface Run {
  readonly status: number | null;
  readonly output: string;
  readonly ms: number;
}

/**
 * The environment of a user's shell: none of the npm_* variables `npm test`
 * sets, and no PATH entry inside this repository, so nothing resolves through it.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^INIT_CWD$|^NODE_OPTIONS$|^NODE_PATH$/i.test(key)));
  env['PATH'] = (process.env['PATH'] ?? '').split(delimiter).filter((entry) => !entry.startsWith(ROOT)).join(delimiter);
  env['npm_config_update_notifier'] = 'false';
  return env;
}

const timings: Array<[string, number]> = [];

/** Bundles `entry` of the user's `project` as a Lambda or a small program would be: esbuild, Node 20, ESM, minified, in memory, with its inputs listed. */
function bundleInProject(project: string, entry: string): Promise<BuildResult<{ metafile: true; write: false }>> {
  return build({ absWorkingDir: project, entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'esm', minify: true, metafile: true, write: false, outdir: 'out', logLevel: 'silent' });
}

function run(step: string, command: string, args: readonly string[], cwd: string): Run {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const ms = Date.now() - started;
  timings.push([step, ms]);
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error === undefined ? '' : String(result.error)}`, ms };
}

/** Every file below `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/**
 * The package as a user gets it: `npm pack` of this repository (prepack builds),
 * installed into an empty project outside it with that project's own npm,
 * from the local npm cache where possible. The optional better-sqlite3 is left
 * out at first, as a CDK-only or Lambda-only project may; the server specs add
 * it afterwards.
 */
describe('Package: conveyor installed from its tarball into an empty project', () => {
  const work = mkdtempSync(join(tmpdir(), 'conveyor-pack-'));
  const packDir = join(work, 'pack');
  const project = join(work, 'project');
  const assembly = join(work, 'cdk.out');
  let tarballFiles: string[];
  let install: Run;
  let compiled: Run;

  beforeAll(() => {
    mkdirSync(packDir);
    const packed = run('npm pack (prepack: incremental build and bundles)', 'npm', ['pack', '--pack-destination', packDir, '--silent'], ROOT);
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
    const tarball = join(packDir, readdirSync(packDir).find((file) => file.endsWith('.tgz'))!);
    process.stdout.write(`tarball: ${(statSync(tarball).size / 1024 / 1024).toFixed(2)} MiB\n`);
    tarballFiles = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n');
    writeProject(project);
    install = run(
      'npm install <tarball> aws-cdk-lib constructs typescript @types/node (--omit=optional)',
      'npm',
      ['install', tarball, `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`, `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`, '--prefer-offline', '--no-audit', '--no-fund', '--omit=optional'],
      project,
    );
    compiled = run('tsc of the CDK app, the consumer and the publisher (strict, NodeNext, skipLibCheck off)', 'node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], project);
  }, STEP_TIMEOUT_MS * 3);

  afterAll(() => {
    process.stdout.write(`${timings.map(([step, ms]) => `${(ms / 1000).toFixed(1).padStart(6)} s  ${step}`).join('\n')}\n`);
    rmSync(work, { recursive: true, force: true });
  });

  describe('Tarball', () => {
    it('holds the compiled code with declarations, the function bundles, the OpenAPI document, the emulator launcher and the web console, and nothing else', () => {
      // Act
      const outside = tarballFiles.filter(
        (file) =>
          !/^package\/(package\.json|README\.md|docs\/openapi\.yaml|emulator\/moto_clock_server\.py|dist\/(src|functions|infra)\/.+\.(js|d\.ts)|dist\/bundles\/\w+\/index\.mjs(\.map)?|console\/index\.html|console\/assets\/.+\.(js|css|svg))$/.test(
            file,
          ),
      );

      // Assess
      process.stdout.write(`tarball: ${tarballFiles.length} files\n`);
      expect(outside).toEqual([]);
      expect(tarballFiles).toEqual(
        expect.arrayContaining([
          'package/dist/src/cli/main.js',
          'package/dist/infra/index.d.ts',
          'package/dist/src/server/index.d.ts',
          'package/dist/src/lambda/index.d.ts',
          'package/dist/bundles/api/index.mjs',
          'package/console/index.html',
          'package/console/assets/main.js',
        ]),
      );
      expect(tarballFiles.filter((file) => /dist\/infra\/app\.|^package\/(test|bench|scripts)\//.test(file))).toEqual([]);
    });

    it('installs with npm without better-sqlite3', () => {
      // Assess
      expect(install.output).not.toMatch(/ERR!/);
      expect(install.status).toBe(0);
      expect(existsSync(join(project, 'node_modules', 'conveyor', 'package.json'))).toBe(true);
      expect(existsSync(join(project, 'node_modules', 'better-sqlite3'))).toBe(false);
    });
  });

  describe('Subpath: conveyor/cdk', () => {
    let synthesized: Run;

    beforeAll(() => {
      synthesized = run('node dist/app.js (synthesis)', 'node', ['dist/app.js', assembly], project);
    }, STEP_TIMEOUT_MS);

    it("compiles a CDK app that imports conveyor/cdk with the project's own tsc", () => {
      // Assess
      expect(compiled.output).toBe('');
      expect(compiled.status).toBe(0);
    });

    it('synthesizes it with plain node, every function deployed from a bundle inside the package', () => {
      // Prepare
      const template = JSON.parse(readFileSync(join(assembly, 'ConveyorStack.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }> };
      const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Code?.S3Key !== undefined);

      // Act
      const assetFiles = functions.map((fn) => join(assembly, `asset.${fn.Properties.Code!.S3Key!.replace(/\.zip$/, '')}`, 'index.mjs'));

      // Assess
      expect(synthesized.output).not.toMatch(/Error/);
      expect(synthesized.status).toBe(0);
      expect(functions.length).toBeGreaterThanOrEqual(4);
      expect(assetFiles.filter((file) => !existsSync(file))).toEqual([]);
    });

    it('synthesizes a stack of its own with a declared topic, subscription and Lambda consumer', () => {
      // Prepare
      const template = JSON.parse(readFileSync(join(assembly, 'ShopStack.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
      const ofType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

      // Assess
      expect(ofType('Custom::ConveyorTopic')).toHaveLength(1);
      expect(ofType('Custom::ConveyorSubscription')).toHaveLength(1);
      expect(ofType('AWS::Lambda::EventSourceMapping').map((mapping) => mapping.Properties)).toContainEqual(
        expect.objectContaining({ BatchSize: 10, MaximumBatchingWindowInSeconds: 1, ScalingConfig: { MaximumConcurrency: 5 }, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
      );
    });

    it('leaves no path into this repository in the cloud assembly', () => {
      // Act
      const pointingHere = filesUnder(assembly).filter((file) => readFileSync(join(assembly, file), 'utf8').includes(ROOT));

      // Assess
      expect(pointingHere).toEqual([]);
    });
  });

  describe('Subpath: conveyor/lambda', () => {
    it("type-checks a consumer that imports only conveyor/lambda with the project's own tsc", () => {
      // Assess
      expect(compiled.output).toBe('');
      expect(compiled.status).toBe(0);
      expect(existsSync(join(project, 'dist', 'consumer.js'))).toBe(true);
    });

    it('bundles a one-line consumer with esbuild without better-sqlite3, aws-cdk-lib, constructs or the server', async () => {
      // Act
      const started = Date.now();
      const bundled = await bundleInProject(project, 'src/consumer.ts');
      timings.push(['esbuild of the one-line consumer', Date.now() - started]);
      const inputs = Object.keys(bundled.metafile.inputs);

      // Assess
      process.stdout.write(`one-line consumer bundle: ${(bundled.outputFiles[0]!.contents.length / 1024).toFixed(0)} KiB minified, ${inputs.length} files\n`);
      expect(inputs.filter((input) => /node_modules\/(better-sqlite3|aws-cdk-lib|constructs|pino|prom-client)\/|conveyor\/dist\/(src\/(server|adapters\/sqlite|http)|infra)\//.test(input))).toEqual([]);
    });
  });

  describe('Subpath: conveyor/client', () => {
    it("type-checks a publisher and a consumer loop that import only conveyor/client with the project's own tsc", () => {
      // Assess
      expect(compiled.output).toBe('');
      expect(compiled.status).toBe(0);
      expect(existsSync(join(project, 'dist', 'publisher.js'))).toBe(true);
    });

    it('bundles the publisher with esbuild without the signing packages, the AWS SDK, better-sqlite3, aws-cdk-lib or the server', async () => {
      // Act
      const bundled = await bundleInProject(project, 'src/publisher.ts');
      const inputs = Object.keys(bundled.metafile.inputs);

      // Assess
      process.stdout.write(`publisher bundle (conveyor/client): ${(bundled.outputFiles[0]!.contents.length / 1024).toFixed(0)} KiB minified, ${inputs.length} files\n`);
      expect(inputs.filter((input) => /node_modules\/(@smithy|@aws-sdk|better-sqlite3|aws-cdk-lib|constructs|pino|prom-client|zod)\/|conveyor\/dist\/(src\/(server|adapters|broker|http)|infra)\//.test(input))).toEqual([]);
      expect(inputs.some((input) => input.includes('conveyor/dist/src/client/'))).toBe(true);
    });
  });

  describe('Subpath: conveyor/server', () => {
    let withoutSqlite: Run;
    let withSqlite: Run;

    beforeAll(() => {
      withoutSqlite = run("import('conveyor/server') without better-sqlite3", 'node', ['server.mjs'], project);
      copyCompiledSqlite(join(ROOT, 'node_modules'), join(project, 'node_modules'));
      withSqlite = run("import('conveyor/server'), startConveyor, a topic, the console, stop", 'node', ['server.mjs'], project);
    }, STEP_TIMEOUT_MS);

    it('says plainly that better-sqlite3 is missing when the optional dependency is not installed', () => {
      // Assess
      expect(JSON.parse(withoutSqlite.output)).toEqual({
        error: 'ConfigurationError',
        message: expect.stringContaining('the embedded backend needs better-sqlite3, an optional dependency of conveyor that is not installed here') as unknown,
      });
    });

    it('starts a broker in-process once better-sqlite3 is installed, serving the web console from the installed package and uplot', () => {
      // Assess
      expect(JSON.parse(withSqlite.output)).toEqual({ status: 201, console: [200, 200, 200] });
    });
  });

  describe('Bin: conveyor', () => {
    it('runs from node_modules/.bin and prints the version', () => {
      // Act
      const version = run('conveyor --version', join(project, 'node_modules', '.bin', 'conveyor'), ['--version'], project);

      // Assess
      expect(version.output.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    });
  });
});
