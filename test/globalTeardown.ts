/** Stops the emulators globalSetup started (loaded outside jest's module mapper, so self-contained). */
export default async function globalTeardown(): Promise<void> {
  await Promise.all(
    (globalThis.conveyorMotoProcesses ?? []).map(
      (moto) =>
        new Promise<void>((resolve) => {
          if (moto.child.exitCode !== null || moto.child.signalCode !== null) return resolve();
          moto.child.once('exit', () => resolve());
          moto.child.kill('SIGTERM');
          setTimeout(() => moto.child.kill('SIGKILL'), 3000).unref();
        }),
    ),
  );
}
