// QoS 1 is "at least once": a broker that got no PUBACK (the connection broke
// between the command and its acknowledgement) delivers the message again,
// flagged dup, with the same packet id. The ids of the last commands taken
// tell such a redelivery from a new command, which may reuse an id only once
// the broker has had the PUBACK.
export class RecentIds {
  readonly #ids = new Set<number>();
  readonly #limit: number;

  constructor(limit = 256) {
    this.#limit = limit;
  }

  /** Whether this delivery repeats one already taken; records it otherwise. */
  isRepeat(messageId: number | undefined, dup: boolean): boolean {
    if (messageId === undefined) return false;
    if (dup && this.#ids.has(messageId)) return true;
    this.#ids.delete(messageId);
    this.#ids.add(messageId);
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value!);
    return false;
  }
}
