// Chooses the backend named in the configuration. `auto` (the default, also
// spelled `libgpiod`) takes the libgpiod binding this machine built: ledd's
// own for libgpiod 2.x when it loads, else node-libgpiod for libgpiod 1.x.
// The simulated LED is used only when asked for, never as a fallback.
import { type BackendChoice, GpioError, type LedLines, type LedLineSpec, type LinesSpec } from './line.js';
import { type LevelListener, openSimulatedLines } from './sim-line.js';

interface Binding {
  backend: 'libgpiod1' | 'libgpiod2';
  /** For ledd --version: "<label> for libgpiod <version>". */
  label: string;
  /** libgpiod's version; a GpioError ('unavailable') when the binding is not built. */
  version(): Promise<string>;
  open(spec: LinesSpec): Promise<LedLines>;
}

// In the order `auto` tries them.
const bindings: readonly Binding[] = [
  {
    backend: 'libgpiod2',
    label: 'native binding',
    version: async () => (await import('./libgpiod2-line.js')).libgpiod2Version(),
    open: async (spec) => (await import('./libgpiod2-line.js')).openLibgpiod2Lines(spec),
  },
  {
    backend: 'libgpiod1',
    label: 'node-libgpiod',
    version: async () => (await import('./libgpiod-line.js')).libgpiod1Version(),
    open: async (spec) => (await import('./libgpiod-line.js')).openLibgpiodLines(spec),
  },
];

async function builtBinding(): Promise<Binding> {
  const problems: unknown[] = [];
  for (const binding of bindings) {
    try {
      await binding.version();
      return binding;
    } catch (error) {
      problems.push(error);
    }
  }
  throw new GpioError(
    'unavailable',
    "no libgpiod binding is built (neither node-libgpiod for libgpiod 1.x nor ledd's own for libgpiod 2.x): " +
      'install libgpiod-dev and pkg-config, then run `npm ci` again, which builds the one that fits; ' +
      'or start ledd with --backend sim to simulate the LED',
    { cause: new AggregateError(problems) },
  );
}

/** Two LEDs of one name: a 'conflict', before any chip is opened. */
function refuseSharedNames(leds: readonly LedLineSpec[]): void {
  leds.forEach((led, index) => {
    const first = leds.findIndex((other) => other.name !== undefined && other.name === led.name);
    if (first === -1 || first === index) return;
    const line = (spec: LedLineSpec): string => `${spec.chip === undefined ? '' : `${spec.chip}:`}${String(spec.line)}`;
    throw new GpioError(
      'conflict',
      `LED ${led.name}: the name is given to two LEDs (${line(leds[first]!)} and ${line(led)}); give each LED a name of its own`,
    );
  });
}

/** Requests every LED's line through `backend`, one request per chip. */
export async function openLedLines(
  backend: BackendChoice,
  spec: LinesSpec,
  onSimulatedChange: LevelListener,
): Promise<LedLines> {
  refuseSharedNames(spec.leds);
  if (backend === 'sim') return openSimulatedLines(spec, onSimulatedChange);
  const binding =
    backend === 'auto' || backend === 'libgpiod'
      ? await builtBinding()
      : bindings.find((candidate) => candidate.backend === backend)!;
  return binding.open(spec);
}

/** For ledd --version: "node-libgpiod for libgpiod 1.6.3", "native binding for libgpiod 2.2.1", or that none is built. */
export async function describeGpioBackends(): Promise<string> {
  const available: string[] = [];
  for (const binding of bindings) {
    try {
      available.push(`${binding.label} for libgpiod ${await binding.version()}`);
    } catch {
      // not built here
    }
  }
  return available.length > 0 ? available.join('; ') : 'no libgpiod binding is built, only --backend sim works';
}
