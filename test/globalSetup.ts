import { execFileSync } from 'node:child_process';

/**
 * Child-process tests (crash, auth, start-up) run the compiled server exactly as
 * `npm start` does. CONVEYOR_SKIP_BUILD=1 skips the build for runs of single
 * in-process suites during development.
 */
export default function globalSetup(): void {
  if (process.env['CONVEYOR_SKIP_BUILD'] === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
