/** Fake credentials and region: an emulator accepts any, and nothing may ever reach real AWS. */
export const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } as const;

/** Sets EMULATOR_CREDENTIALS where `env` has none, so that a real profile is never picked up by accident. */
export function useEmulatorCredentials(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(EMULATOR_CREDENTIALS)) env[name] ??= value;
}
