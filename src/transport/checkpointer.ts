// This producer's signed checkpoints: when one is due, what it states (head, gaps, the one before), and what is kept of them across restarts.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BulkChunk, BulkChunkEncoder } from './bulk-line.js';
import { checkpointDigest, checkpointDocument, checkpointId, FIRST_PREVIOUS, signCheckpoint, type CheckpointGap, type CheckpointKind, type SignedCheckpoint } from '../integrity/checkpoint.js';
import type { SigningKey } from '../integrity/keys.js';

/** How checkpoints are made (resolved transport options). */
export interface CheckpointSettings {
  key: SigningKey;
  /** A checkpoint after this many events. */
  every: number;
  /** A checkpoint at least this often while events come, in ms. */
  intervalMs: number;
  /** An append-only file outside the cluster that also receives every checkpoint, synced. */
  anchorFile?: string;
  /** Also called with every checkpoint (an anchor of your own); must not throw. */
  onCheckpoint?: (checkpoint: SignedCheckpoint) => void;
}

/** What the checkpointer needs of its transport. */
export interface CheckpointHost {
  /** The last sequence given and the chain link after it. */
  head(): { sequence: number; link: string };
  /** Queues a signed checkpoint's bulk chunk (for the checkpoint data stream) for delivery. */
  write(chunk: BulkChunk): void;
  problem(message: string, error?: Error): void;
}

/** What is kept in the spool directory between runs. */
interface KeptState {
  producer: string;
  number: number;
  previous: string;
  gaps: CheckpointGap[];
}

const STATE_FILE = 'checkpoints.json';

export class Checkpointer {
  private number = 0;
  private previous = FIRST_PREVIOUS;
  private gaps: CheckpointGap[] = [];
  private sinceLast = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly stateFile: string | undefined;

  constructor(
    private readonly settings: CheckpointSettings, private readonly producer: string, spoolDir: string | undefined,
    private readonly encode: BulkChunkEncoder, private readonly host: CheckpointHost,
  ) {
    this.stateFile = spoolDir === undefined ? undefined : join(spoolDir, STATE_FILE);
    const kept = this.readState();
    if (kept) {
      this.number = kept.number;
      this.previous = kept.previous;
      this.gaps = kept.gaps;
    }
    this.timer = setInterval(() => {
      if (this.sinceLast > 0 || this.gaps.length > 0) this.make('interval');
    }, settings.intervalMs);
    this.timer.unref();
  }

  private readState(): KeptState | undefined {
    if (!this.stateFile || !existsSync(this.stateFile)) return undefined;
    try {
      const kept = JSON.parse(readFileSync(this.stateFile, 'utf8')) as KeptState;
      return kept.producer === this.producer && Number.isSafeInteger(kept.number) && Array.isArray(kept.gaps) ? kept : undefined;
    } catch (error) {
      this.host.problem(`could not read ${this.stateFile} (${(error as Error).message}): checkpoints start again from number 1, which verification reports`);
      return undefined;
    }
  }

  private keepState(): void {
    if (!this.stateFile) return;
    const state: KeptState = { producer: this.producer, number: this.number, previous: this.previous, gaps: this.gaps };
    try {
      writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(state));
      renameSync(`${this.stateFile}.tmp`, this.stateFile);
    } catch (error) {
      this.host.problem(`could not keep the checkpoint state in ${this.stateFile}: ${(error as Error).message}`, error as Error);
    }
  }

  /** An event was taken into the chain. */
  counted(): void {
    if (++this.sinceLast >= this.settings.every) this.make('count');
  }

  /** A sequence number whose event will not be stored, known to this producer: stated in the next checkpoint. */
  gap(sequence: number, reason: string, link: string | undefined): void {
    const last = this.gaps.at(-1);
    if (last && last.reason === reason && last.to === sequence - 1) {
      last.to = sequence;
      if (link) last.link = link;
    } else {
      this.gaps.push({ from: sequence, to: sequence, reason, ...(link ? { link } : {}) });
    }
    this.keepState();
  }

  /** Makes, signs, anchors and queues a checkpoint of the current head. */
  make(kind: CheckpointKind): SignedCheckpoint {
    const head = this.host.head();
    const checkpoint = signCheckpoint({
      producer: this.producer, number: this.number + 1, sequence: head.sequence, link: head.link, previous: this.previous,
      gaps: this.gaps, time: new Date().toISOString(), key_id: this.settings.key.keyId, kind,
    }, this.settings.key);
    this.number = checkpoint.number;
    this.previous = checkpointDigest(checkpoint);
    this.gaps = [];
    this.sinceLast = 0;
    this.keepState();
    this.anchor(checkpoint);
    this.host.write(this.encode.fromJson(checkpointId(checkpoint), JSON.stringify(checkpointDocument(checkpoint))));
    return checkpoint;
  }

  private anchor(checkpoint: SignedCheckpoint): void {
    if (this.settings.anchorFile) {
      try {
        const fd = openSync(this.settings.anchorFile, 'a');
        try {
          writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        this.host.problem(`could not append checkpoint ${checkpoint.number} to the anchor file ${this.settings.anchorFile}: ${(error as Error).message}`, error as Error);
      }
    }
    try {
      this.settings.onCheckpoint?.(checkpoint);
    } catch (error) {
      this.host.problem(`onCheckpoint threw: ${(error as Error).message}`, error as Error);
    }
  }

  /** On close: a last checkpoint when anything happened since the one before, and no more. */
  close(): void {
    clearInterval(this.timer);
    if (this.sinceLast > 0 || this.gaps.length > 0) this.make('close');
  }
}
