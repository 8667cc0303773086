/**
 * The preload (sandboxed: CommonJS, only `electron` may be required). It exposes one generic
 * bridge, window.marrowscope = { invoke, onEvent, pathForFile }, with no logic: every request
 * name of the contract goes through `invoke` and is validated in the main process.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';

const API_CHANNEL = 'marrowscope:api'; // = electron/main/ipcChannels.ts (a sandboxed preload cannot import it)
const EVENT_CHANNEL = 'marrowscope:event';

/** The bridge the renderer's api.ts uses (its PreloadBridge type). */
export interface Bridge {
  invoke(name: string, payload: unknown): Promise<unknown>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  pathForFile(file: unknown): string;
}

/** Builds the bridge over an ipcRenderer (a fake in tests). */
export function createBridge(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>, pathForFile: (file: unknown) => string): Bridge {
  return {
    invoke: (name, payload) => ipc.invoke(API_CHANNEL, name, payload),
    onEvent: (listener) => {
      const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown): void => listener(name, payload);
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => void ipc.removeListener(EVENT_CHANNEL, wrapped);
    },
    pathForFile,
  };
}

if (process.versions['electron']) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the sandboxed preload is CommonJS
  const { contextBridge, ipcRenderer, webUtils } = require('electron') as typeof import('electron');
  contextBridge.exposeInMainWorld('marrowscope', createBridge(ipcRenderer, (file) => webUtils.getPathForFile(file as File)));
}
