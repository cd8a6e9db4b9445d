/**
 * `<repo>/<model>/config.yaml`: what a model needs beyond its file, in Triton's words where
 * Triton has them.
 *
 *   family: yolov8                 # override auto-detection
 *   labels: [cat, dog]             # class names by class id
 *   score_threshold: 0.3           # request defaults
 *   iou_threshold: 0.5
 *   max_detections: 100
 *   input_size: [640, 640]         # [height, width] for dynamic-size inputs
 *   max_batch_size: 8
 *   dynamic_batching: { max_queue_delay_microseconds: 2000, max_queue_size: 64 }
 *   version_policy: latest         # latest | all | { latest: { num_versions: 2 } } | { specific: { versions: [1, 3] } }
 */
import { parse } from 'yaml';

export type VersionPolicy =
  | { kind: 'latest'; count: number }
  | { kind: 'all' }
  | { kind: 'specific'; versions: string[] };

export interface ModelConfig {
  family?: string;
  labels?: string[];
  scoreThreshold?: number;
  iouThreshold?: number;
  maxDetections?: number;
  inputSize?: [number, number];
  maxBatch?: number;
  maxQueueDelayUs?: number;
  maxQueue?: number;
  versionPolicy: VersionPolicy;
}

const num = (value: unknown, field: string): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`field "${field}" must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
};

function policy(value: unknown): VersionPolicy {
  if (value === undefined || value === null || value === 'latest') return { kind: 'latest', count: 1 };
  if (value === 'all') return { kind: 'all' };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('all' in v) return { kind: 'all' };
    if ('latest' in v) {
      const count = num(
        (v.latest as { num_versions?: unknown } | null)?.num_versions,
        'version_policy.latest.num_versions',
      );
      return { kind: 'latest', count: Math.max(1, count ?? 1) };
    }
    if ('specific' in v) {
      const versions = (v.specific as { versions?: unknown } | null)?.versions;
      if (!Array.isArray(versions)) throw new Error('field "version_policy.specific.versions" must be a list');
      return { kind: 'specific', versions: versions.map(String) };
    }
  }
  throw new Error(`field "version_policy" must be latest, all or { specific: { versions: [...] } }`);
}

/** Parses config.yaml text; throws a plain Error naming the field that is wrong. */
export function parseModelConfig(text: string): ModelConfig {
  const raw = (parse(text) ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('must be a mapping of fields');
  if (raw.labels !== undefined && (!Array.isArray(raw.labels) || raw.labels.some((l) => typeof l !== 'string'))) {
    throw new Error('field "labels" must be a list of strings');
  }
  if (raw.family !== undefined && typeof raw.family !== 'string') throw new Error('field "family" must be a string');
  let inputSize: [number, number] | undefined;
  if (raw.input_size !== undefined) {
    const s = raw.input_size;
    if (!Array.isArray(s) || s.length !== 2 || s.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new Error('field "input_size" must be [height, width]');
    }
    inputSize = [s[0], s[1]];
  }
  const batching = (raw.dynamic_batching ?? {}) as Record<string, unknown>;
  return {
    family: raw.family as string | undefined,
    labels: raw.labels as string[] | undefined,
    scoreThreshold: num(raw.score_threshold, 'score_threshold'),
    iouThreshold: num(raw.iou_threshold, 'iou_threshold'),
    maxDetections: num(raw.max_detections, 'max_detections'),
    inputSize,
    maxBatch: num(raw.max_batch_size, 'max_batch_size'),
    maxQueueDelayUs: num(batching.max_queue_delay_microseconds, 'dynamic_batching.max_queue_delay_microseconds'),
    maxQueue: num(batching.max_queue_size, 'dynamic_batching.max_queue_size'),
    versionPolicy: policy(raw.version_policy),
  };
}

/** The versions a policy serves out of those on disk (numeric names, Triton's convention). */
export function selectVersions(available: string[], p: VersionPolicy): string[] {
  const sorted = [...available].sort((a, b) => Number(a) - Number(b));
  if (p.kind === 'all') return sorted;
  if (p.kind === 'specific') return sorted.filter((v) => p.versions.includes(v));
  return sorted.slice(-p.count);
}
