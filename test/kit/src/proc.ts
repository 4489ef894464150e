// What a process's threads are doing, from /proc (Linux): to know that a call
// really is blocked in the kernel before poking at it.
import { readFileSync, readdirSync } from 'node:fs';

export interface ThreadState {
  tid: number;
  /** Thread name (comm). */
  name: string;
  /** Kernel function the thread sleeps in ("0" when running), e.g. do_msgrcv. */
  wchan: string;
}

/** The threads of process `pid`; threads that end while being read are left out. */
export function threads(pid: number): ThreadState[] {
  const out: ThreadState[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const base = `/proc/${pid}/task/${tid}`;
      out.push({
        tid: Number(tid),
        name: readFileSync(`${base}/comm`, 'utf8').trim(),
        wchan: readFileSync(`${base}/wchan`, 'utf8').trim(),
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** How many threads of `pid` sleep in a kernel function matching `wchan` (e.g. /msgrcv/, /msgsnd/). */
export function threadsSleepingIn(pid: number, wchan: RegExp): number {
  return threads(pid).filter((thread) => wchan.test(thread.wchan)).length;
}
