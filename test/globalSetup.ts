import { execFileSync } from 'node:child_process';

/** Child-process tests (crash, auth, start-up) run the compiled server exactly as `npm start` does. */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
