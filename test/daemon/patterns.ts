// Reading the steps a pattern played from ledd's debug log ("pattern step"
// records: the step's number, level, when it was due and when it was set).
import type { LogRecord, RunningLedd } from './harness.js';

export interface Step {
  step: number;
  on: boolean;
  dueMs: number;
  atMs: number;
  lateMs: number;
}

export function stepsOf(ledd: RunningLedd, since = 0): Step[] {
  return ledd
    .records()
    .filter((record: LogRecord) => record.msg === 'pattern step' && (record.atMs as number) >= since)
    .map((record) => ({
      step: record.step as number,
      on: record.on as boolean,
      dueMs: record.dueMs as number,
      atMs: record.atMs as number,
      lateMs: record.lateMs as number,
    }));
}

/** The problems of a run of steps of one pattern: numbers not consecutive, levels not alternating, late ones. */
export function scheduleProblems(steps: Step[], periodMs: number, maxLateMs: number): string[] {
  const problems: string[] = [];
  for (let index = 1; index < steps.length; index++) {
    const [before, step] = [steps[index - 1]!, steps[index]!];
    if (step.step !== before.step + 1) problems.push(`step ${step.step} follows step ${before.step}`);
    if (step.on === before.on) problems.push(`step ${step.step} sets the level of step ${before.step} again`);
    const spacing = step.dueMs - before.dueMs;
    if (Math.abs(spacing - periodMs) > 0.01) problems.push(`step ${step.step} is due ${spacing} ms after the last`);
  }
  for (const step of steps) {
    if (step.lateMs < 0 || step.lateMs > maxLateMs)
      problems.push(`step ${step.step} set ${step.lateMs.toFixed(2)} ms ${step.lateMs < 0 ? 'early' : 'late'}`);
  }
  return problems;
}
