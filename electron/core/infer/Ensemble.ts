import * as ort from 'onnxruntime-node';
import type { CellClass } from '../../shared/domain/CellClass.js';
import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';
import { AppError } from '../../shared/errors/AppError.js';
import { aggregateBatch } from './aggregate.js';
import type { CellCrop } from './CellCrop.js';
import { createSession, DEFAULT_PROVIDERS, type ProviderAttempt, type SessionOptions } from './createSession.js';
import { loadManifest } from './loadManifest.js';
import type { ModelManifest } from './ModelManifest.js';
import { preprocessCrops } from './preprocess.js';

/** How to load and run an ensemble. */
export interface EnsembleOptions extends SessionOptions {
  /** Largest batch handed to one session.run(); bigger requests are split. Default 64. */
  readonly maxBatch?: number;
}

/** What a loaded ensemble is and where it runs: plain data, safe to send between threads. */
export interface EnsembleInfo {
  readonly manifestPath: string;
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly classes: readonly CellClass[];
  readonly members: number;
  readonly temperature: number;
  readonly input: { readonly size: number; readonly micronsPerPixel: number };
  /** Execution provider that runs the members ('cpu', 'cuda', ...; joined with '+' if members differ). */
  readonly provider: string;
  /** Providers that failed before the chosen one, per member. */
  readonly fallbacks: readonly ProviderAttempt[];
}

/** A loaded snapshot ensemble: one onnxruntime session per member, verified against its manifest. */
export class Ensemble {
  readonly info: EnsembleInfo;
  readonly manifest: ModelManifest;
  private readonly sessions: readonly ort.InferenceSession[];
  private readonly maxBatch: number;
  private readonly codes: readonly string[];

  private constructor(manifest: ModelManifest, sessions: readonly ort.InferenceSession[], info: EnsembleInfo, maxBatch: number) {
    this.manifest = manifest;
    this.sessions = sessions;
    this.info = info;
    this.maxBatch = maxBatch;
    this.codes = manifest.classes.map((c) => c.code);
  }

  /**
   * Loads a manifest, checks every member's sha256, creates a session per member on the best
   * available provider and checks each member's input name and output width against the manifest
   * (MODEL_MANIFEST_INVALID when they disagree, so a wrong class order cannot pass silently).
   */
  static async load(manifestPath: string, options: EnsembleOptions = {}): Promise<Ensemble> {
    const maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new AppError('VALIDATION_FAILED', `Expected integer ≥ 1 for maxBatch but received ${maxBatch}`);
    const loaded = await loadManifest(manifestPath);
    const m = loaded.manifest;
    const sessions: ort.InferenceSession[] = [];
    const providers: string[] = [];
    const fallbacks: ProviderAttempt[] = [];
    try {
      let preference = options.providers ?? DEFAULT_PROVIDERS;
      for (const [i, bytes] of loaded.memberBytes.entries()) {
        const created = await createSession(bytes, { ...options, providers: preference });
        // Later members start from the provider that worked, so a missing GPU is tried once, not per member.
        preference = preference.slice(Math.max(0, preference.indexOf(created.provider)));
        sessions.push(created.session);
        providers.push(created.provider);
        fallbacks.push(...created.fallbacks);
        await checkMember(created.session, m, i);
      }
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
    const info: EnsembleInfo = {
      manifestPath: loaded.path,
      name: m.name,
      version: m.version,
      architecture: m.architecture,
      classes: m.classes,
      members: m.members.length,
      temperature: m.calibration.temperature,
      input: { size: m.input.size, micronsPerPixel: m.input.micronsPerPixel },
      provider: [...new Set(providers)].join('+'),
      fallbacks,
    };
    return new Ensemble(m, sessions, info, maxBatch);
  }

  /** Runs every member on an NCHW batch of `count` inputs; returns each member's flat [count, classes] logits. */
  async runMembers(input: Float32Array, count: number): Promise<Float32Array[]> {
    const size = this.manifest.input.size;
    const per = 3 * size * size;
    if (input.length !== count * per) throw new AppError('VALIDATION_FAILED', `Expected ${count * per} input values for ${count} crops but received ${input.length}`);
    const k = this.codes.length;
    const outputs = this.sessions.map(() => new Float32Array(count * k));
    for (let start = 0; start < count; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, count - start);
      const tensor = new ort.Tensor('float32', input.subarray(start * per, (start + n) * per), [n, 3, size, size]);
      // Members run one after another: session.run() is synchronous in onnxruntime-node, and each
      // session already spreads its work over the intra-op threads.
      for (const [m, session] of this.sessions.entries()) {
        const result = await session.run({ [this.manifest.input.name]: tensor });
        const logits = result[this.manifest.output.name];
        if (!logits) throw new AppError('INFERENCE_FAILED', `Member ${this.manifest.members[m]!.file} returned no "${this.manifest.output.name}" output`);
        outputs[m]!.set(logits.data as Float32Array, start * k);
        logits.dispose();
      }
    }
    return outputs;
  }

  /** Classifies a batch of crops (any size, any µm/px): preprocess, run every member, aggregate. */
  async classify(crops: readonly CellCrop[]): Promise<EnsemblePrediction[]> {
    if (crops.length === 0) return [];
    const input = preprocessCrops(crops, this.manifest.input);
    return this.classifyTensor(input, crops.length);
  }

  /** Classifies an already preprocessed NCHW batch. */
  async classifyTensor(input: Float32Array, count: number): Promise<EnsemblePrediction[]> {
    const outputs = await this.runMembers(input, count);
    return aggregateBatch(outputs, count, this.manifest.calibration.temperature, this.codes);
  }

  /** Frees the sessions; the ensemble cannot be used afterwards. */
  async release(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}

// The manifest must describe the graph it ships with: input name, output name, output width.
async function checkMember(session: ort.InferenceSession, m: ModelManifest, index: number): Promise<void> {
  const file = m.members[index]!.file;
  if (!session.inputNames.includes(m.input.name)) {
    throw new AppError('MODEL_MANIFEST_INVALID', `manifest.input.name is "${m.input.name}" but ${file} has inputs [${session.inputNames.join(', ')}]`);
  }
  if (!session.outputNames.includes(m.output.name)) {
    throw new AppError('MODEL_MANIFEST_INVALID', `manifest.output.name is "${m.output.name}" but ${file} has outputs [${session.outputNames.join(', ')}]`);
  }
  // Run one blank input: the only check that also covers symbolic output shapes.
  const size = m.input.size;
  const probe = new ort.Tensor('float32', new Float32Array(3 * size * size), [1, 3, size, size]);
  let result: ort.InferenceSession.OnnxValueMapType;
  try {
    result = await session.run({ [m.input.name]: probe });
  } catch (err) {
    throw new AppError('MODEL_MANIFEST_INVALID', `${file} does not accept a [1, 3, ${size}, ${size}] float32 input (manifest.input.size): ${(err as Error).message}`);
  }
  const out = result[m.output.name]!;
  const dims = out.dims;
  if (out.type !== 'float32' || dims.length !== 2 || dims[0] !== 1 || dims[1] !== m.classes.length) {
    throw new AppError(
      'MODEL_MANIFEST_INVALID',
      `${file} outputs ${out.type} [${dims.join(', ')}] for one input but manifest.classes lists ${m.classes.length} classes (expected float32 [1, ${m.classes.length}])`,
    );
  }
  out.dispose();
}
