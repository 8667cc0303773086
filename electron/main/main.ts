/**
 * The Electron main process: one window with a sandboxed, context-isolated renderer loaded from
 * the privileged app protocol, the typed API over one IPC channel, single instance, native menus
 * and file dialog, and the window's size and place remembered. Everything else is the core.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell, type MenuItemConstructorOptions } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApiRuntime } from '../core/api/createApiRuntime.js';
import { openCaseStorePort } from '../core/api/openCaseStorePort.js';
import { proposerPortFrom } from '../core/api/proposerPortFrom.js';
import { defaultManifestPath, projectRoot } from '../core/paths.js';
import { APP_ORIGIN, APP_SCHEME, createAppProtocolHandler } from './appProtocol.js';
import { EVENT_CHANNEL } from './ipcChannels.js';
import { registerApi } from './registerApi.js';
import { utilityProcessChannel } from './utilityProcessChannel.js';
import { loadWindowState, saveWindowState } from './windowState.js';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  const store = openCaseStorePort(join(dataDir, 'worklist.marrowscope'), { manifestPath: defaultManifestPath(), maxCells: 3000, channel: utilityProcessChannel });
  const runtime = createApiRuntime({ host: 'electron', store: store.port, signoff: store.signoff, analysis: store.analysis, proposer: proposerPortFrom(), onClose: () => store.close() });

  protocol.handle(APP_SCHEME, createAppProtocolHandler({ pixels: runtime.pixels, staticDir: join(projectRoot(), 'renderer', 'dist') }));
  registerApi(ipcMain, runtime.handlers, (url) => url.startsWith(`${APP_ORIGIN}/`));
  runtime.events.subscribe((name, payload) => window?.webContents.send(EVENT_CHANNEL, name, payload));

  const stateFile = join(dataDir, 'window-state.json');
  const state = loadWindowState(stateFile);
  window = new BrowserWindow({
    ...state,
    title: 'Marrowscope — research use only',
    show: false,
    webPreferences: {
      preload: join(projectRoot(), 'dist', 'electron', 'preload', 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window?.show());
  window.on('close', () => {
    if (!window) return;
    const b = window.getNormalBounds();
    saveWindowState(stateFile, { ...b, maximized: window.isMaximized() });
  });
  // No navigation away from the app and no new windows; links open in the system browser.
  window.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate((path) => runtime.events.emit('openSlideRequested', { path }))));
  await window.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('window-all-closed', () => {
    void runtime.close().finally(() => app.quit());
  });
}

/** The native menus; File ▸ Open hands the chosen slide to the renderer, which opens it through the API. */
function menuTemplate(openSlide: (path: string) => void): MenuItemConstructorOptions[] {
  return [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Slide…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const r = await dialog.showOpenDialog({ properties: ['openFile'], filters: [{ name: 'Whole-slide images', extensions: ['svs', 'tif', 'tiff', 'ndpi', 'vms', 'vmu', 'scn', 'mrxs', 'svslide', 'bif', 'dcm'] }] });
            if (!r.canceled && r.filePaths[0]) openSlide(r.filePaths[0]);
          },
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'copy' }, { role: 'selectAll' }] },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    {
      label: 'Help',
      submenu: [
        {
          label: 'About Marrowscope',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Marrowscope',
              message: `Marrowscope ${app.getVersion()}`,
              detail: 'Research use only — not for clinical diagnosis. See models/MODEL_CARD.md for what the model can and cannot predict.',
            }),
        },
      ],
    },
  ];
}

start().catch((err: unknown) => {
  dialog.showErrorBox('Marrowscope could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
