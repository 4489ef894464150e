// What an earlier ledd leaves on a machine, planted on the host on purpose
// before the VM stage: the guest boots the host's own root (read-only, under
// an overlay), so it would see them, and its fresh install must not be
// changed by them (test/system/guest/init.sh removes them from the overlay).
// Anything already at a planted path is moved aside and put back afterwards.
// Each undo step is written to a journal before its change is made, so a run
// that is killed (the machine restarted, the job cancelled) is undone by the
// next run instead of its plants being taken for the host's own files.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
/** Outside any clone: the planted paths are the machine's, whichever clone planted them. */
const UNDO_JOURNAL = '/var/tmp/ledd-vm-test-leftovers.json';

type UndoStep =
  | { removeTree: string } // a directory that did not exist (the topmost one created)
  | { putBack: string } // a file of the host's, moved aside
  | { removeFile: string }; // a planted file

function undo(steps: UndoStep[], journalPath: string): void {
  for (const step of [...steps].reverse()) {
    if ('removeTree' in step) rmSync(step.removeTree, { recursive: true, force: true });
    else if ('removeFile' in step) rmSync(step.removeFile, { force: true });
    else if (existsSync(step.putBack + ASIDE)) renameSync(step.putBack + ASIDE, step.putBack);
  }
  rmSync(journalPath, { force: true });
}

/** Undoes what a killed run planted; returns whether there was anything. */
function undoInterruptedRun(journalPath: string): boolean {
  if (!existsSync(journalPath)) return false;
  undo(JSON.parse(readFileSync(journalPath, 'utf8')) as UndoStep[], journalPath);
  return true;
}

/** Plants LEFTOVERS; returns what puts the host back as it was. */
export function plantLeftovers(leftovers = LEFTOVERS, journalPath = UNDO_JOURNAL): () => void {
  if (undoInterruptedRun(journalPath))
    console.log(`# undid the leftovers an interrupted run had planted (${journalPath})`);
  const steps: UndoStep[] = [];
  const journal = (step: UndoStep): void => {
    steps.push(step);
    writeFileSync(journalPath, JSON.stringify(steps));
  };
  for (const [file, text] of Object.entries(leftovers)) {
    const directory = path.dirname(file);
    if (!existsSync(directory)) {
      let top = directory;
      while (!existsSync(path.dirname(top))) top = path.dirname(top);
      journal({ removeTree: top });
      mkdirSync(directory, { recursive: true });
    }
    if (existsSync(file)) {
      journal({ putBack: file });
      renameSync(file, file + ASIDE);
    }
    journal({ removeFile: file });
    writeFileSync(file, text);
  }
  return () => undo(steps, journalPath);
}
