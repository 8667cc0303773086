/** The typed API shared by the hosts and the renderer. */
export * from './contract.js';
export * from './views.js';
export * from './signoffViews.js';
export * from './ids.js';
export * from './urls.js';
export * from './hotkeys.js';
export type { CellFilters, RegionInput } from './requests.js';
