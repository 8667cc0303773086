/** The two IPC channels of the Electron shell: every request goes through one, every event through the other. */
export const API_CHANNEL = 'marrowscope:api';
export const EVENT_CHANNEL = 'marrowscope:event';
