import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/errors/AppError.js';

/** Execution-provider names as onnxruntime-node spells them. */
export type ExecutionProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

/** The default preference: GPUs first (CUDA, DirectML, CoreML), the CPU always last. */
export const DEFAULT_PROVIDERS: readonly ExecutionProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];

// Which platforms each provider can exist on in onnxruntime-node's prebuilt binaries.
const PLATFORMS: Record<ExecutionProviderName, readonly NodeJS.Platform[] | 'all'> = {
  cuda: ['linux', 'win32'],
  dml: ['win32'],
  coreml: ['darwin'],
  webgpu: 'all',
  cpu: 'all',
};

/** Session settings that trade speed for resources. */
export interface SessionOptions {
  /** Provider preference, best first; filtered by platform. Default {@link DEFAULT_PROVIDERS}. */
  readonly providers?: readonly string[];
  /** Intra-op threads per session (CPU). Default: onnxruntime's choice (one per core). */
  readonly intraOpThreads?: number;
  /** Graph optimisation level. Default 'all'. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Whether idle intra-op threads spin-wait for work. Default false (onnxruntime's own default is
   * true): spinning gains little on batch-sized convolutions and loses 1.5–1.9× throughput when other
   * work (detection, tile decoding, other processes) shares the cores — test/bench/RESULTS.md.
   */
  readonly allowSpinning?: boolean;
}

/** A provider that was tried and failed to create the session, and why. */
export interface ProviderAttempt {
  readonly provider: string;
  readonly error: string;
}

/** A created session and the provider it runs on. */
export interface CreatedSession {
  readonly session: ort.InferenceSession;
  readonly provider: string;
  /** Providers tried before the chosen one, with their errors (empty when the first worked). */
  readonly fallbacks: readonly ProviderAttempt[];
}

/** The preference list reduced to providers that can exist on `platform`, in order, without duplicates. */
export function providersForPlatform(preference: readonly string[], platform: NodeJS.Platform = process.platform): string[] {
  const out: string[] = [];
  for (const name of preference) {
    if (!(name in PLATFORMS)) {
      throw new AppError('VALIDATION_FAILED', `Unknown execution provider "${name}"; expected one of ${Object.keys(PLATFORMS).join(', ')}`);
    }
    const where = PLATFORMS[name as ExecutionProviderName];
    if ((where === 'all' || where.includes(platform)) && !out.includes(name)) out.push(name);
  }
  if (out.length === 0) {
    throw new AppError('VALIDATION_FAILED', `None of the execution providers [${preference.join(', ')}] exists on ${platform}; add 'cpu'`);
  }
  return out;
}

/**
 * Creates an onnxruntime session on the first provider of the preference list that loads.
 * A provider that throws at creation (e.g. CUDA without its libraries) falls back to the next;
 * when every one fails, MODEL_LOAD_FAILED lists each provider's error.
 */
export async function createSession(model: Uint8Array | string, options: SessionOptions = {}): Promise<CreatedSession> {
  const providers = providersForPlatform(options.providers ?? DEFAULT_PROVIDERS);
  // A provider that cannot load logs an ERROR line to stderr on top of throwing; the throw is
  // what we act on (and report), so keep onnxruntime quiet unless someone chose a level.
  if (ort.env.logLevel === undefined || ort.env.logLevel === 'warning') ort.env.logLevel = 'fatal';
  const fallbacks: ProviderAttempt[] = [];
  for (const provider of providers) {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
      extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
    };
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      return { session, provider, fallbacks };
    } catch (err) {
      fallbacks.push({ provider, error: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new AppError(
    'MODEL_LOAD_FAILED',
    `No execution provider could load the model: ${fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')}`,
  );
}
