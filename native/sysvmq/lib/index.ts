// Public API of the System V message queue binding.
export { MessageQueue } from './queue.js';
export type { CreateOptions, Message, QueueChanges, ReceiveOptions, StreamOptions, WaitOptions } from './options.js';
export type { MessageType } from './binding.js';
export { QueueError } from './errors.js';
export { formatKey, ftok, toKeyT } from './key.js';
export { queueLimits, type QueueLimits } from './limits.js';
export type { QueueStatus } from './status.js';
export { native } from './binding.js';
