import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';

/** softmax(logits / temperature) in float64, shifted by the max so large logits do not overflow. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[i]! / temperature - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i]! /= sum;
  return out;
}

/** Shannon entropy in nats; 0·ln 0 counts as 0. */
export function entropy(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/** Index of the largest value; the first one wins a tie. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Combines one cell's member logits (one array per member, class order) into the ensemble's
 * prediction: temperature-scaled softmax per member, mean of those calibrated probabilities,
 * argmax, entropy of the mean, mutual information = entropy(mean) − mean(entropy(member)),
 * vote agreement and the top-two margin.
 */
export function aggregateMembers(memberLogits: readonly ArrayLike<number>[], temperature: number, codes: readonly string[]): EnsemblePrediction {
  const k = codes.length;
  const members = memberLogits.length;
  if (members === 0) throw new RangeError('aggregateMembers needs at least one member');
  const mean = new Float64Array(k);
  let meanMemberEntropy = 0;
  const memberVotes: number[] = [];
  for (const logits of memberLogits) {
    if (logits.length !== k) throw new RangeError(`Expected ${k} logits per member but received ${logits.length}`);
    const p = softmax(logits, temperature);
    for (let c = 0; c < k; c++) mean[c]! += p[c]! / members;
    meanMemberEntropy += entropy(p) / members;
    memberVotes.push(argmax(p));
  }
  const classIndex = argmax(mean);
  let runnerUp = 0;
  for (let c = 0; c < k; c++) if (c !== classIndex) runnerUp = Math.max(runnerUp, mean[c]!);
  const h = entropy(mean);
  return {
    classIndex,
    code: codes[classIndex]!,
    probability: mean[classIndex]!,
    probabilities: Array.from(mean),
    entropy: h,
    // Jensen's inequality makes this ≥ 0; clamp the rounding noise of unanimous members.
    mutualInformation: Math.max(0, h - meanMemberEntropy),
    agreement: memberVotes.filter((v) => v === classIndex).length / members,
    margin: mean[classIndex]! - runnerUp,
    memberVotes,
  };
}

/** aggregateMembers for a batch: `outputs[m]` is member m's flat [count, classes] logits. */
export function aggregateBatch(outputs: readonly Float32Array[], count: number, temperature: number, codes: readonly string[]): EnsemblePrediction[] {
  const k = codes.length;
  const result: EnsemblePrediction[] = [];
  for (let i = 0; i < count; i++) {
    result.push(aggregateMembers(outputs.map((o) => o.subarray(i * k, (i + 1) * k)), temperature, codes));
  }
  return result;
}
