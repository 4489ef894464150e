// Whether a process exists, by kill(pid, 0): no /proc needed (ledd's unit
// hides other users' processes there), and EPERM means it exists as
// another user's.
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
