// Ghosts: the retained discovery configs and states an LED left at the
// broker after it went out of ledd's configuration. Home Assistant would
// keep showing such a light (unavailable) for ever. The bridge learns which
// of this node's topics hold a retained payload from the broker itself (a
// subscription at every connection), so it needs no file of its own.
import type { LightTopics } from './topics.js';

/** Whether `topic` matches the MQTT topic filter `filter` (with + and #). */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split('/');
  const levels = topic.split('/');
  for (const [index, level] of wanted.entries()) {
    if (level === '#') return true;
    if (index >= levels.length) return false;
    if (level !== '+' && level !== levels[index]) return false;
  }
  return wanted.length === levels.length;
}

/** The topics of `retained` that no LED of `lights` publishes on: theirs to clear. */
export function ghostTopics(retained: Iterable<string>, lights: Iterable<LightTopics>): string[] {
  const owned = new Set<string>();
  for (const light of lights) owned.add(light.state).add(light.discovery);
  return [...retained].filter((topic) => !owned.has(topic));
}
