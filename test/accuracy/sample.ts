import type { Finding } from "../../src/lint/findings.js";
import type { History } from "./corpus.js";

export interface Sampled {
  history: History;
  finding: Finding;
}

/** mulberry32: a small seeded generator, so that a sample is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Up to `perRule` findings of each rule, spread over the files: each file's findings of the rule are
 * shuffled (seeded), then taken round-robin over the files (in name order), one from each in turn.
 */
export function sampleFindings(histories: readonly History[], perRule: number, seed: number): Map<string, Sampled[]> {
  const next = random(seed);
  const rules = [...new Set(histories.flatMap((h) => h.findings.map((f) => f.rule)))].sort();
  const samples = new Map<string, Sampled[]>();
  for (const rule of rules) {
    const queues = histories.map((history) =>
      shuffled(
        history.findings.filter((f) => f.rule === rule),
        next,
      ).map((finding) => ({ history, finding })),
    );
    const picked: Sampled[] = [];
    while (picked.length < perRule && queues.some((q) => q.length > 0)) {
      for (const q of queues) if (q.length > 0 && picked.length < perRule) picked.push(q.shift()!);
    }
    samples.set(rule, picked);
  }
  return samples;
}
