// What a process's memory costs a device. RSS counts every page the process
// maps, node's own code included, once per process; what a Pi pays for a
// process is its private pages (USS) plus its share of the pages it shares
// (PSS), and for a set of processes the physical pages they hold, each once.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface Memory {
  rssMb: number;
  /** Proportional set size: each shared page divided among the processes that map it. */
  pssMb: number;
  /** Unique set size: the pages no other process maps (what ending this process frees). */
  ussMb: number;
}

const KB_PER_MB = 1024;

export function memoryOf(pid: number): Memory {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? 0);
  return {
    rssMb: kb('Rss') / KB_PER_MB,
    pssMb: kb('Pss') / KB_PER_MB,
    ussMb: (kb('Private_Clean') + kb('Private_Dirty')) / KB_PER_MB,
  };
}

const PAGE_PRESENT = 1n << 63n;
const PFN_MASK = (1n << 55n) - 1n;
const ENTRY_BYTES = 8;
const CHUNK_PAGES = 64 * 1024;

/** The physical frames `pid` has present, from /proc/PID/pagemap; undefined when the kernel hides them (not root). */
function framesOf(pid: number, pageSize: number): Set<bigint> | undefined {
  const frames = new Set<bigint>();
  let presentWithoutFrame = 0;
  const pagemap = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (!range || line.endsWith('[vsyscall]')) continue;
      const first = Number.parseInt(range[1]!, 16) / pageSize;
      const end = Number.parseInt(range[2]!, 16) / pageSize;
      for (let page = first; page < end; page += CHUNK_PAGES) {
        const count = Math.min(CHUNK_PAGES, end - page);
        const buffer = Buffer.alloc(count * ENTRY_BYTES);
        const read = readSync(pagemap, buffer, 0, buffer.length, page * ENTRY_BYTES);
        for (let offset = 0; offset + ENTRY_BYTES <= read; offset += ENTRY_BYTES) {
          const entry = buffer.readBigUInt64LE(offset);
          if (!(entry & PAGE_PRESENT)) continue;
          const frame = entry & PFN_MASK;
          if (frame === 0n) presentWithoutFrame++;
          else frames.add(frame);
        }
      }
    }
  } finally {
    closeSync(pagemap);
  }
  return frames.size === 0 && presentWithoutFrame > 0 ? undefined : frames;
}

/**
 * The memory `pids` hold together, in MB: their private pages and the pages
 * they share, each page once (pages shared with other processes too, such as
 * libc's, are counted whole). This is the PSS the set would have if it ran
 * alone; undefined without the rights to read page frames (root).
 */
export function footprintMb(pids: number[], pageSize = pageSizeOf(pids[0]!)): number | undefined {
  const all = new Set<bigint>();
  for (const pid of pids) {
    const frames = framesOf(pid, pageSize);
    if (!frames) return undefined;
    for (const frame of frames) all.add(frame);
  }
  return (all.size * pageSize) / (KB_PER_MB * 1024);
}

/** The page size a process runs with (4 KiB here, 16 KiB on a Raspberry Pi 5's kernel), from its smaps. */
function pageSizeOf(pid: number): number {
  const match = /^KernelPageSize:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  return Number(match?.[1] ?? 4) * 1024;
}
