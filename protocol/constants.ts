// The wire format shared by ledd, ledctl and any other client (see the README's
// "Protocol" section, which has a C example).
//
// A request is a message of type 1 (a command) or 2 (exit) whose text is
// ASCII, at most 255 bytes, NUL-terminated or not: the chapter's
// `struct { long type; char text[256]; }` sends exactly that. A reply goes
// back on the same queue with type REPLY_TYPE_BASE + the client's PID: far
// above every request type, so the daemon (which takes types up to
// REQUEST_TYPE_MAX) never takes a reply, and a client with a small PID in its
// own PID namespace never collides with types 1 and 2. Every value fits a
// 32-bit `long`.

/** The chapter's MSG_QUEUE_KEY. */
export const DEFAULT_KEY = 1234;

export const TYPE_COMMAND = 1;
export const TYPE_EXIT = 2;

export const REPLY_TYPE_BASE = 0x4000_0000;
/** Linux's PID_MAX_LIMIT: no PID is larger. */
export const PID_MAX = 0x40_0000;
export const REPLY_TYPE_MAX = REPLY_TYPE_BASE + PID_MAX;
/** The daemon receives with msgtyp = -REQUEST_TYPE_MAX: the lowest type first, replies never. */
export const REQUEST_TYPE_MAX = REPLY_TYPE_BASE - 1;

/** The chapter's MAX_MSG_SIZE: text including its NUL. */
export const MAX_TEXT_BYTES = 256;
/** Receive buffer: larger messages arrive truncated to this and are refused as too long. */
export const RECEIVE_BYTES = 512;
/**
 * The longest reply, its text without a NUL: a status of many LEDs outgrows a
 * request's 255 bytes. Clients receive replies into a buffer this large.
 */
export const MAX_REPLY_BYTES = 4095;

export function replyTypeFor(pid: number): number {
  return REPLY_TYPE_BASE + pid;
}

export function isReplyType(type: number | bigint): boolean {
  return typeof type === 'number' && type > REPLY_TYPE_BASE && type <= REPLY_TYPE_MAX;
}
