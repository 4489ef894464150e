// The bridge: one Home Assistant light per LED of ledd. Commands from an
// LED's set topic go to ledd as requests for that LED; what ledd reports
// through its watch goes to each LED's state topic and to the node's
// availability topic. The published state is ledd's word (a reply or a watch
// event), never a guess. The LEDs and their lines are ledd's too (its
// status), learnt anew whenever ledd (re)starts; the retained topics of LEDs
// that left its configuration are cleared.
import { setTimeout as sleep } from 'node:timers/promises';

import type { IPublishPacket } from 'mqtt';

import { ClientError, ClientExit } from '../client/errors.js';
import { exchange } from '../client/exchange.js';
import { type WatchEvent, watchLed } from '../client/watch.js';
import { type LedReport, type LedSelector, ledReportsOf } from '../protocol/leds.js';
import type { Reply } from '../protocol/reply.js';
import { type LedCommand, type LedStep, parseCommand } from './commands.js';
import type { BridgeConfig } from './config.js';
import { BrokerConnection } from './connection.js';
import { boardModel, deviceInfo } from './device.js';
import { discoveryPayload } from './discovery.js';
import { effectFor } from './effects.js';
import { BridgeExit } from './exit-codes.js';
import { shownReport } from './flash.js';
import { ghostTopics, topicMatches } from './ghosts.js';
import type { Logger } from './log.js';
import {
  AVAILABLE,
  type LightTopics,
  NOT_AVAILABLE,
  type NodeTopics,
  lightTopics,
  nodeTopics,
  statePayload,
} from './topics.js';

/** How long a command waits for ledd's acknowledgement. */
const COMMAND_TIMEOUT_MS = 5000;
/**
 * How long after the bridge starts a command waits for ledd's LEDs to be
 * known. A persistent session's backlog arrives as soon as the broker takes
 * the connection, which can be before ledd has answered the watch; such a
 * command is held, unacknowledged, rather than refused as for no LED.
 */
const LEDS_KNOWN_WAIT_MS = 10_000;
/** The name the watch goes by in `ledctl status`. */
export const WATCH_NAME = 'ledd-mqtt';
const EVERY_LED: LedSelector = { kind: 'all' };

interface Light {
  topics: LightTopics;
  /** What ledd last reported of the LED. */
  report: LedReport;
  /** The effect the bridge last asked for, to name the pattern ledd reports. */
  lastEffect: string | undefined;
}

/** A command as logged: enough to tell one from another, never a flood. */
function shown(payload: Buffer): string {
  return payload.toString('utf8').slice(0, 200);
}

function describeStep(step: LedStep): string {
  if (step.forMs !== undefined) return `a ${step.forMs / 1000} s flash`;
  return step.effect ? `ON with effect "${step.effect}"` : step.verb;
}

function describeCommand(command: LedCommand): string {
  return command.steps.map(describeStep).join(', then ');
}

/** Each LED's line from ledd's status (line.NAME=, or line= for its one unnamed LED). */
function linesOf(reply: Extract<Reply, { ok: true }>, leds: readonly LedReport[]): Map<string, string> {
  const line = (name: string): string => (reply.fields[`line.${name}`] ?? reply.fields.line ?? '').replace(/_/g, ' ');
  return new Map(leds.map((led) => [led.name, line(led.name)]));
}

export class Bridge {
  readonly #config: BridgeConfig;
  readonly #log: Logger;
  readonly #node: NodeTopics;
  readonly #board = boardModel();
  readonly #startedAt = Date.now();
  #lastCommand: Promise<void> = Promise.resolve();
  #ledsKnown!: () => void;
  readonly #ledsLearnt = new Promise<void>((resolve) => (this.#ledsKnown = resolve));
  #connection: BrokerConnection | undefined;
  /** ledd's LEDs, in its order; empty until ledd has been reached once. */
  #lights = new Map<string, Light>();
  #lines = new Map<string, string>();
  #present = false;
  /** Counts watch events, so that a reply older than the latest event is not published over it. */
  #events = 0;
  #published = new Map<string, string>();
  /** This node's state and discovery topics that hold a retained payload at the broker. */
  #retained = new Set<string>();

  constructor(config: BridgeConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.#node = nodeTopics(config);
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
    const connection = new BrokerConnection(this.#config, this.#node, this.#log, {
      connected: () => {
        this.#published.clear();
        void connection.subscribe([...this.#node.setFilters, this.#node.haStatus]);
        void this.#collectRetained(connection);
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
      for await (const event of watchLed({ key: this.#config.key, leds: EVERY_LED, name: WATCH_NAME, signal: both })) {
        await this.#onWatch(event);
      }
    } catch (error) {
      // What waiting will not mend: permission denied on ledd's queue, ledd refusing the watch.
      if (!(error instanceof ClientError)) throw error;
      const permission = error.exitCode === ClientExit.permission;
      this.#log.fatal(`cannot watch ledd: ${error.message}`);
      exitCode = permission ? BridgeExit.queuePermission : BridgeExit.failure;
    }
    const farewell =
      exitCode === BridgeExit.brokerAuth ? [] : [{ topic: this.#node.availability, payload: NOT_AVAILABLE }];
    await connection.close(farewell);
    return exitCode;
  }

  /**
   * The retained payloads on this node's state and discovery topics, as the
   * broker holds them now: it sends them right after granting the
   * subscription, and all of them before acknowledging its end (QoS 0: none
   * waits for an acknowledgement of ours). Subscribed only that long, so that
   * the bridge does not receive each of its own states back.
   */
  async #collectRetained(connection: BrokerConnection): Promise<void> {
    if (await connection.subscribe(this.#node.retainedFilters, 0))
      await connection.unsubscribe(this.#node.retainedFilters);
  }

  async #onWatch(event: WatchEvent): Promise<void> {
    this.#events++;
    if (event.kind === 'gone') {
      this.#log.warn({ reason: event.reason }, `ledd is gone: ${event.reason}`);
      this.#present = false;
      this.#publishAvailability();
      return;
    }
    if (event.kind === 'subscribed') {
      const names = event.leds.map((led) => led.name);
      this.#log.info({ leddPid: event.pid, leds: names.join(','), state: event.state }, 'watching ledd');
      await this.#learnLeds(event.leds);
      return;
    }
    this.#log.info(
      { cause: event.cause, leds: event.leds.map((led) => `${led.name} ${led.state}`).join(', ') },
      'ledd changed',
    );
    for (const report of event.leds) this.#update(report);
    this.#present = true;
    this.#publishAvailability();
  }

  /** ledd (re)started: its LEDs and their lines, their lights published, and those of LEDs gone cleared. */
  async #learnLeds(reports: readonly LedReport[]): Promise<void> {
    const eventsBefore = this.#events;
    try {
      const { reply } = await exchange('STATUS', this.#config.key, COMMAND_TIMEOUT_MS, { leds: EVERY_LED });
      if (reply.ok) this.#lines = linesOf(reply, reports);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      // The watch tells when ledd is back; meanwhile the lines named before, if any, stand.
      this.#log.warn(`cannot read ledd's status for its LEDs' lines: ${error.message}`);
    }
    const before = this.#lights;
    this.#lights = new Map(
      reports.map((report) => [
        report.name,
        {
          topics: lightTopics(this.#config, report.name),
          // A change reported while the status was read is newer than the subscription's snapshot.
          report: this.#events === eventsBefore ? report : (before.get(report.name)?.report ?? report),
          lastEffect: before.get(report.name)?.lastEffect,
        },
      ]),
    );
    for (const [name, light] of before) {
      if (this.#lights.has(name)) continue;
      this.#log.info({ led: name }, `LED ${name} is no longer in ledd's configuration: clearing its light`);
      this.#retained.add(light.topics.discovery).add(light.topics.state);
    }
    this.#present = true;
    this.#ledsKnown();
    this.#clearGhosts();
    this.#publishAll();
  }

  #update(report: LedReport): void {
    const light = this.#lights.get(report.name);
    if (!light) return;
    if (!report.pattern) light.lastEffect = undefined;
    light.report = report;
    this.#publishState(light);
  }

  async #onMessage(packet: IPublishPacket): Promise<void> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.retain && this.#node.retainedFilters.some((filter) => topicMatches(filter, packet.topic))) {
      if (payload.length === 0) this.#retained.delete(packet.topic);
      else this.#retained.add(packet.topic);
      if (this.#lights.size > 0) this.#clearGhosts();
      return;
    }
    if (packet.topic === this.#node.haStatus) {
      if (payload.toString('utf8') === 'online') {
        this.#log.info('Home Assistant is online: republishing discovery, availability and state');
        this.#publishAll();
      }
      return;
    }
    if (!this.#node.setFilters.some((filter) => topicMatches(filter, packet.topic))) return;
    const waitMs = this.#startedAt + LEDS_KNOWN_WAIT_MS - Date.now();
    if (this.#lights.size === 0 && waitMs > 0)
      await Promise.race([this.#ledsLearnt, sleep(waitMs, undefined, { ref: false })]);
    const light = [...this.#lights.values()].find((candidate) => candidate.topics.set === packet.topic);
    if (!light) {
      const known = [...this.#lights.keys()].join(', ');
      this.#log.warn(
        { topic: packet.topic },
        known === ''
          ? `command on ${packet.topic} not applied: ledd's LEDs are not known yet (is ledd running?)`
          : `command on ${packet.topic} not applied: no LED of ledd's has this topic (its LEDs: ${known}; ledctl list)`,
      );
      return;
    }
    // Every delivery is applied, one flagged dup too: QoS 1 is at least once, and the
    // packet id, which the broker reuses, cannot tell a repeat from a new command.
    // A repeated ON or OFF changes nothing.
    // One command at a time, in the order delivered: MQTT.js takes one message at
    // a time on a connection, but a command still waiting for ledd when its
    // connection broke would otherwise race those of the next connection.
    const turn = this.#lastCommand.then(() => this.#command(light, payload, packet.messageId, packet.dup));
    this.#lastCommand = turn.catch(() => undefined);
    await turn;
  }

  async #command(light: Light, payload: Buffer, messageId: number | undefined, dup: boolean): Promise<void> {
    const led = light.topics.led;
    const parsed = parseCommand(payload, this.#config);
    if (!parsed.ok) {
      this.#log.warn({ messageId, led }, `command refused: ${parsed.problem}`);
      this.#publishState(light, true);
      return;
    }
    const { command } = parsed;
    for (const step of command.steps) {
      if (!(await this.#step(light, step, messageId))) return;
    }
    this.#log.info(
      { messageId, dup, led, command: describeCommand(command), state: light.report.state, payload: shown(payload) },
      `command applied: LED ${led} ${describeCommand(command)}, LED ${light.report.state}`,
    );
  }

  /** One request to ledd for the LED; false when it was not carried out (said in the log). */
  async #step(light: Light, step: LedStep, messageId: number | undefined): Promise<boolean> {
    const led = light.topics.led;
    const eventsBefore = this.#events;
    // Named before the request: ledd's notice of the pattern may come before its reply.
    const effectBefore = light.lastEffect;
    if (step.effect) light.lastEffect = step.effect;
    const refused = (message: string): false => {
      light.lastEffect = effectBefore;
      this.#log.warn({ messageId, led }, message);
      this.#publishState(light, true);
      return false;
    };
    try {
      const { reply } = await exchange(step.verb, this.#config.key, COMMAND_TIMEOUT_MS, {
        leds: { kind: 'names', names: [led] },
        ...(step.pattern && { pattern: step.pattern }),
        ...(step.forMs !== undefined && { forMs: step.forMs }),
      });
      if (!reply.ok)
        return refused(`ledd refused ${describeStep(step)} for LED ${led}: ${reply.code} ${reply.message}`);
      const report = ledReportsOf(reply).find((candidate) => candidate.name === led);
      // A watch event that came in meanwhile is newer than this reply, or the same.
      if (report && this.#events === eventsBefore) light.report = report;
      this.#publishState(light);
      return true;
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      return refused(`command ${describeStep(step)} not applied: ${error.message} (LED ${led})`);
    }
  }

  #publish(topic: string, payload: string, force: boolean): void {
    if (!force && this.#published.get(topic) === payload) return;
    if (!this.#connection?.connected) return;
    this.#published.set(topic, payload);
    this.#connection.publish(topic, payload, true);
  }

  #publishState(light: Light, force = false): void {
    const report = shownReport(light.report);
    const effect = effectFor(report.pattern?.kind, light.lastEffect, report.pattern?.label);
    // A playing pattern is the light on with an effect, as Home Assistant sees a light, whatever
    // level the line had at the instant ledd reported it.
    const state = report.pattern ? 'ON' : report.state;
    this.#publish(light.topics.state, statePayload({ state, effect }), force);
    this.#retained.add(light.topics.state);
  }

  #publishAvailability(force = false): void {
    this.#publish(this.#node.availability, this.#present ? AVAILABLE : NOT_AVAILABLE, force);
  }

  /** An empty retained payload on each topic of an LED gone: the broker forgets it, Home Assistant drops the light. */
  #clearGhosts(): void {
    if (!this.#connection?.connected) return;
    for (const topic of ghostTopics(
      this.#retained,
      [...this.#lights.values()].map((light) => light.topics),
    )) {
      this.#log.info({ topic }, `clearing ${topic}: its LED is no longer in ledd's configuration`);
      this.#connection.publish(topic, '', true);
      this.#published.delete(topic);
      this.#retained.delete(topic);
    }
  }

  /** Each light's discovery, then its state, then availability: Home Assistant shows each light with its state. */
  #publishAll(): void {
    if (this.#lights.size > 0) {
      const device = deviceInfo(this.#lines, this.#board);
      for (const light of this.#lights.values()) {
        const config = discoveryPayload(this.#config.nodeId, this.#node, light.topics, device, this.#config);
        this.#publish(light.topics.discovery, config, true);
        this.#retained.add(light.topics.discovery);
        this.#publishState(light, true);
      }
    }
    this.#publishAvailability(true);
  }
}
