// What an earlier ledd leaves on a machine, planted on the host on purpose
// before the VM stage: the guest boots the host's own root (read-only, under
// an overlay), so it would see them, and its fresh install must not be
// changed by them (test/system/guest/init.sh removes them from the overlay).
// Anything already at a planted path is moved aside and put back afterwards.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Each file's planted contents: every one of them would change what the guest's ledd.service does. */
export const LEFTOVERS: Record<string, string> = {
  // A demo run as root once wrote here: the service would restore ON.
  '/var/lib/ledd/state.json': '{"led":"on"}\n',
  // A wrong key, and a variable ledd does not know: ledctl (key 1234) would find no queue.
  '/etc/default/ledd': 'LEDD_KEY=0x7e57\nLEDD_START_STATE=on\nLEDD_NO_SUCH_SETTING=1\n',
  // An old install's drop-in: the service would start with the LED on.
  '/etc/systemd/system/ledd.service.d/90-host-leftover.conf': '[Service]\nEnvironment=LEDD_START_STATE=on\n',
};

const ASIDE = '.ledd-vm-test-aside';

/** Plants LEFTOVERS; returns what puts the host back as it was. */
export function plantLeftovers(): () => void {
  const undo: (() => void)[] = [];
  for (const [file, text] of Object.entries(LEFTOVERS)) {
    const directory = path.dirname(file);
    if (!existsSync(directory)) {
      let top = directory;
      while (!existsSync(path.dirname(top))) top = path.dirname(top);
      mkdirSync(directory, { recursive: true });
      undo.push(() => rmSync(top, { recursive: true, force: true }));
    }
    if (existsSync(file)) {
      renameSync(file, file + ASIDE);
      undo.push(() => renameSync(file + ASIDE, file));
    }
    writeFileSync(file, text);
    undo.push(() => rmSync(file, { force: true }));
  }
  return () => {
    for (const step of undo.reverse()) step();
  };
}
