import type { CliCommand } from './CliContext.js';

/**
 * The command registry: name → lazy loader, so `marrowscope info` does not load onnxruntime.
 * Each command lives in electron/cli/commands/<name>.ts and default-exports a CliCommand.
 */
export const COMMANDS: Record<string, () => Promise<{ default: CliCommand }>> = {
  version: () => import('./commands/version.js'),
  detect: () => import('./commands/detect.js'),
  serve: () => import('./commands/serve.js'),
  classify: () => import('./commands/classify.js'),
  evaluate: () => import('./commands/evaluate.js'),
  info: () => import('./commands/info.js'),
  region: () => import('./commands/region.js'),
  analyze: () => import('./commands/analyze.js'),
  export: () => import('./commands/export.js'),
  report: () => import('./commands/report.js'),
  sign: () => import('./commands/sign.js'),
  audit: () => import('./commands/audit.js'),
  bundle: () => import('./commands/bundle.js'),
  reviewer: () => import('./commands/reviewer.js'),
};
