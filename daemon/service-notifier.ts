// systemd's notification protocol through sd-notify: READY=1, STATUS=,
// WATCHDOG=1, STOPPING=1. Outside systemd (no NOTIFY_SOCKET) every call is a
// no-op and sd-notify is never loaded.
import { createRequire } from 'node:module';

interface SdNotify {
  ready(): void;
  stopping(pid: number): void;
  watchdog(): void;
  watchdogInterval(): number;
  sendStatus(text: string): void;
}

export interface ServiceNotifier {
  readonly active: boolean;
  /** Half of WATCHDOG_USEC in ms, or 0 when systemd expects no pings. */
  readonly watchdogPingMs: number;
  ready(): void;
  status(text: string): void;
  watchdog(): void;
  stopping(): void;
}

const inactive: ServiceNotifier = {
  active: false,
  watchdogPingMs: 0,
  ready: () => {},
  status: () => {},
  watchdog: () => {},
  stopping: () => {},
};

export function createServiceNotifier(env: NodeJS.ProcessEnv): ServiceNotifier {
  if (!env.NOTIFY_SOCKET) return inactive;
  const require = createRequire(import.meta.url);
  let library: SdNotify;
  try {
    library = require('sd-notify') as SdNotify;
  } catch (error) {
    throw new Error(
      `ledd runs under systemd (NOTIFY_SOCKET is set) but sd-notify is not built: install libsystemd-dev and run npm ci again (${(error as Error).message})`,
    );
  }
  const watchdogMs = library.watchdogInterval();
  return {
    active: true,
    watchdogPingMs: watchdogMs > 0 ? Math.max(1, Math.floor(watchdogMs / 2)) : 0,
    ready: () => library.ready(),
    status: (text) => library.sendStatus(text),
    watchdog: () => library.watchdog(),
    stopping: () => library.stopping(process.pid),
  };
}
