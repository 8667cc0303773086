import { REQUEST_NAMES, type RequestName } from '../shared/api/contract.js';
import { fail, type Result } from '../shared/errors/Result.js';
import type { ApiHandlers } from '../core/api/createApiHandlers.js';
import { API_CHANNEL } from './ipcChannels.js';

/** The part of Electron's ipcMain this needs (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<unknown>): void;
}

/**
 * Serves every contract entry over one IPC channel: the sender must be our own page (trusted
 * origin), the name must be a contract entry, and the handler validates the payload. Results are
 * values with codes, never thrown errors (Electron would pass only `message` to the renderer).
 */
export function registerApi(ipc: IpcMainLike, handlers: ApiHandlers, isTrustedUrl: (url: string) => boolean): void {
  const names = new Set<string>(REQUEST_NAMES);
  ipc.handle(API_CHANNEL, async (event, name, payload): Promise<Result<unknown>> => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(url)) return fail({ code: 'VALIDATION_FAILED', message: `Request from an untrusted page refused (${url || 'no frame'})` });
    if (typeof name !== 'string' || !names.has(name)) return fail({ code: 'VALIDATION_FAILED', message: `Unknown request ${JSON.stringify(name)}` });
    const handler = handlers[name as RequestName] as (p: unknown) => Promise<Result<unknown>>;
    return handler(payload ?? {});
  });
}
