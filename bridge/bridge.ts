// The bridge: commands from the set topic go to ledd as requests; what ledd
// reports through its watch goes to the state and availability topics. The
// published state is ledd's word (a reply or a watch event), never a guess.
import type { IPublishPacket } from 'mqtt';

import { ClientError, ClientExit } from '../client/errors.js';
import { exchange } from '../client/exchange.js';
import { type WatchEvent, watchLed } from '../client/watch.js';
import type { PatternName } from '../protocol/pattern.js';
import { type LedCommand, parseCommand } from './commands.js';
import type { BridgeConfig } from './config.js';
import { BrokerConnection } from './connection.js';
import { RecentIds } from './duplicates.js';
import { effectFor } from './effects.js';
import { BridgeExit } from './exit-codes.js';
import type { Logger } from './log.js';
import {
  AVAILABLE,
  type DeviceInfo,
  NOT_AVAILABLE,
  type Topics,
  discoveryPayload,
  statePayload,
  topicsFor,
} from './topics.js';

/** How long a command waits for ledd's acknowledgement. */
const COMMAND_TIMEOUT_MS = 5000;
/** The name the watch goes by in `ledctl status`. */
export const WATCH_NAME = 'ledd-mqtt';

interface LedView {
  state: 'ON' | 'OFF';
  pattern: PatternName | undefined;
  /** The pattern's label, as ledd reports it (an effect's name when the bridge started it). */
  label?: string | undefined;
}

/** A command as logged: enough to tell one from another, never a flood. */
function shown(payload: Buffer): string {
  return payload.toString('utf8').slice(0, 200);
}

function describeCommand(command: LedCommand): string {
  return command.effect ? `ON with effect "${command.effect}"` : command.verb;
}

export class Bridge {
  readonly #config: BridgeConfig;
  readonly #device: DeviceInfo;
  readonly #log: Logger;
  readonly #topics: Topics;
  readonly #recent = new RecentIds();
  #connection: BrokerConnection | undefined;
  #led: LedView | undefined;
  #present = false;
  /** The effect the bridge last asked for, to name the pattern ledd reports. */
  #lastEffect: string | undefined;
  /** Counts watch events, so that a reply older than the latest event is not published over it. */
  #events = 0;
  #published = new Map<string, string>();

  constructor(config: BridgeConfig, device: DeviceInfo, log: Logger) {
    this.#config = config;
    this.#device = device;
    this.#log = log;
    this.#topics = topicsFor(config);
  }

  /** Runs until `signal` aborts (exit 0) or something that a restart cannot mend happens. */
  async run(signal: AbortSignal): Promise<number> {
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    let exitCode: number = BridgeExit.ok;
    const end = (code: number): void => {
      exitCode = code;
      stop.abort();
    };
    const connection = new BrokerConnection(this.#config, this.#topics, this.#log, {
      connected: () => {
        this.#published.clear();
        connection.subscribe([this.#topics.set, this.#topics.haStatus]);
        this.#publishAll();
      },
      message: (packet) => this.#onMessage(packet),
      refused: (reason) => {
        this.#log.fatal(
          { broker: this.#config.brokerUrl, username: this.#config.username },
          `the broker refused the login (${reason}): check --username and the password file; not retrying`,
        );
        end(BridgeExit.brokerAuth);
      },
    });
    this.#connection = connection;
    try {
      for await (const event of watchLed({ key: this.#config.key, name: WATCH_NAME, signal: both })) {
        this.#onWatch(event);
      }
    } catch (error) {
      // What waiting will not mend: permission denied on ledd's queue, ledd refusing the watch.
      if (!(error instanceof ClientError)) throw error;
      const permission = error.exitCode === ClientExit.permission;
      this.#log.fatal(`cannot watch ledd: ${error.message}`);
      exitCode = permission ? BridgeExit.queuePermission : BridgeExit.failure;
    }
    const farewell =
      exitCode === BridgeExit.brokerAuth ? [] : [{ topic: this.#topics.availability, payload: NOT_AVAILABLE }];
    await connection.close(farewell);
    return exitCode;
  }

  #onWatch(event: WatchEvent): void {
    this.#events++;
    if (event.kind === 'gone') {
      this.#log.warn({ reason: event.reason }, `ledd is gone: ${event.reason}`);
      this.#present = false;
      this.#publishAvailability();
      return;
    }
    if (event.kind === 'subscribed') this.#log.info({ leddPid: event.pid, state: event.state }, 'watching ledd');
    else this.#log.info({ cause: event.cause, state: event.state, pattern: event.pattern?.name }, 'ledd changed');
    if (!event.pattern) this.#lastEffect = undefined;
    this.#led = { state: event.state, pattern: event.pattern?.name, label: event.pattern?.label };
    this.#present = true;
    this.#publishState();
    this.#publishAvailability();
  }

  async #onMessage(packet: IPublishPacket): Promise<void> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.topic === this.#topics.haStatus) {
      if (payload.toString('utf8') === 'online') {
        this.#log.info('Home Assistant is online: republishing discovery, availability and state');
        this.#publishAll();
      }
      return;
    }
    if (packet.topic !== this.#topics.set) return;
    if (this.#recent.isRepeat(packet.messageId, packet.dup)) {
      this.#log.info({ messageId: packet.messageId }, 'a repeated delivery of a command already applied: ignored');
      return;
    }
    await this.#command(payload, packet.messageId);
  }

  async #command(payload: Buffer, messageId: number | undefined): Promise<void> {
    const parsed = parseCommand(payload);
    if (!parsed.ok) {
      this.#log.warn({ messageId }, `command refused: ${parsed.problem}`);
      this.#publishState(true);
      return;
    }
    const { command } = parsed;
    const eventsBefore = this.#events;
    // Named before the request: ledd's notice of the pattern may come before its reply.
    const effectBefore = this.#lastEffect;
    if (command.effect) this.#lastEffect = command.effect;
    try {
      const { reply } = await exchange(
        command.verb,
        this.#config.key,
        COMMAND_TIMEOUT_MS,
        command.pattern && { pattern: command.pattern },
      );
      if (!reply.ok) {
        this.#lastEffect = effectBefore;
        this.#log.warn(
          { messageId, code: reply.code },
          `ledd refused ${describeCommand(command)}: ${reply.code} ${reply.message}`,
        );
        this.#publishState(true);
        return;
      }
      this.#log.info(
        { messageId, command: command.effect ?? command.verb, state: reply.state, payload: shown(payload) },
        `command applied: ${describeCommand(command)}, LED ${reply.state}`,
      );
      // A watch event that came in meanwhile is newer than this reply, or the same.
      if (this.#events === eventsBefore)
        this.#led = { state: reply.state, pattern: command.pattern?.name, label: command.pattern?.label };
      this.#publishState();
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      this.#lastEffect = effectBefore;
      this.#log.warn({ messageId }, `command ${describeCommand(command)} not applied: ${error.message}`);
      this.#publishState(true);
    }
  }

  #publish(topic: string, payload: string, force: boolean): void {
    if (!force && this.#published.get(topic) === payload) return;
    if (!this.#connection?.connected) return;
    this.#published.set(topic, payload);
    this.#connection.publish(topic, payload, true);
  }

  #publishState(force = false): void {
    if (!this.#led) return;
    const effect = effectFor(this.#led.pattern, this.#lastEffect, this.#led.label);
    // A playing pattern is the light on with an effect, as Home Assistant sees a light, whatever
    // level the line had at the instant ledd reported it.
    const state = this.#led.pattern ? 'ON' : this.#led.state;
    this.#publish(this.#topics.state, statePayload({ state, effect }), force);
  }

  #publishAvailability(force = false): void {
    this.#publish(this.#topics.availability, this.#present ? AVAILABLE : NOT_AVAILABLE, force);
  }

  /** Discovery first, then the state, then availability: Home Assistant shows the light with its state. */
  #publishAll(): void {
    this.#publish(this.#topics.discovery, discoveryPayload(this.#config.nodeId, this.#topics, this.#device), true);
    this.#publishState(true);
    this.#publishAvailability(true);
  }
}
