import { execFile } from 'node:child_process';

/** What Conveyor's emulator launcher (emulator/moto_clock_server.py) runs on, and how to get it. */
export const MOTO_REQUIREMENT = "Python 3 with moto[server] 5.x (pip install 'moto[server]>=5,<6')";

/** The interpreter the launcher runs with: CONVEYOR_PYTHON, else python3. */
export function motoPython(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['CONVEYOR_PYTHON'];
  return configured === undefined || configured === '' ? 'python3' : configured;
}

/** The moto found for an interpreter, or why the launcher cannot run there. */
export type MotoInstallation = { readonly version: string } | { readonly problem: string };

/**
 * Prints one JSON line: moto's version (null when absent) and whether the
 * modules the launcher imports besides moto (its server extra: flask,
 * werkzeug; EventBridge's jsonpath_ng) load. Asks the package metadata first,
 * so a missing moto costs no import.
 */
const PROBE = `
import importlib.metadata, importlib.util, json
try:
    version = importlib.metadata.version("moto")
except importlib.metadata.PackageNotFoundError:
    version = None
missing = [name for name in ("flask", "werkzeug", "jsonpath_ng") if importlib.util.find_spec(name) is None]
print(json.dumps({"moto": version, "missing": missing}))
`;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Whether `python` can run Conveyor's emulator launcher: Python 3 with moto
 * 5.x and its server extra. Answers moto's version, or a sentence that says
 * what is missing and how to install it. Never throws.
 *
 * @example
 * const found = await inspectMoto('python3');
 * if ('problem' in found) console.error(found.problem);
 */
export async function inspectMoto(python: string, timeoutMs = 30_000): Promise<MotoInstallation> {
  let output: string;
  try {
    output = await new Promise<string>((resolve, reject) => {
      execFile(python, ['-c', PROBE], { timeout: timeoutMs }, (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(Object.assign(error, { stderr }))));
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { problem: `${python} was not found: Conveyor's emulator needs ${MOTO_REQUIREMENT}; install Python 3, or set CONVEYOR_PYTHON to its interpreter` };
    }
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    return { problem: `${python} could not be asked for moto (${stderr === '' ? reasonOf(error) : stderr.split('\n').at(-1)}): Conveyor's emulator needs ${MOTO_REQUIREMENT}` };
  }
  let found: { moto: string | null; missing: string[] };
  try {
    found = JSON.parse(output) as typeof found;
  } catch {
    return { problem: `${python} answered ${JSON.stringify(output.slice(0, 200))} when asked for moto; is it Python 3? Conveyor's emulator needs ${MOTO_REQUIREMENT}` };
  }
  if (found.moto === null) return { problem: `moto is not installed for ${python}: Conveyor's emulator needs ${MOTO_REQUIREMENT}` };
  if (!found.moto.startsWith('5.')) return { problem: `moto ${found.moto} is installed for ${python}, but Conveyor's emulator needs 5.x: pip install 'moto[server]>=5,<6'` };
  if (found.missing.length > 0) {
    return { problem: `moto ${found.moto} is installed for ${python} without its server extra (${found.missing.join(', ')} missing): pip install 'moto[server]>=5,<6'` };
  }
  return { version: found.moto };
}
