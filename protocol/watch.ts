// Watching the LED: WATCH subscribes a client's reply type to every change of
// the LED's commanded state; the daemon sends each change there as a reply.
//
// On the wire (type 1, like every command):
//   WATCH [name=NAME] reply=N id=X    subscribe, or renew; acknowledged with
//                                     "X OK <ON|OFF> watch=<ttl ms> pid=..."
//   UNWATCH reply=N id=X              end the subscription of reply type N
// A change arrives as "X OK <ON|OFF> event=<cause> seq=<n> pid=<ledd's pid>"
// (plus pattern=, cycles=, then= while a pattern plays), X being the id of
// the WATCH. A subscription lapses unless renewed within WATCH_TTL_MS, and
// ledd drops it at once when the subscriber's process is gone, so a dead
// watcher never fills the queue.

/** How long a subscription lasts without a renewal. */
export const WATCH_TTL_MS = 30_000;
/** How often a watcher renews: well within the TTL, so one late renewal loses nothing. */
export const WATCH_RENEW_MS = 10_000;
/** Subscriptions ledd keeps at once; a WATCH beyond them is refused (BUSY). */
export const MAX_WATCHERS = 16;

export const WATCH_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,24}$/;

/**
 * What changed: a steady level, a pattern started or ended by itself, a timed
 * state ended (the LED shows what it gave way to), ledd exiting.
 */
export type ChangeCause = 'on' | 'off' | 'pattern' | 'pattern-end' | 'timed-end' | 'exit';
export const CHANGE_CAUSES: readonly ChangeCause[] = ['on', 'off', 'pattern', 'pattern-end', 'timed-end', 'exit'];
