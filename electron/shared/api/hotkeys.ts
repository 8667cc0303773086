import type { CellClassCode } from '../domain/taxonomy.js';

/**
 * One key per class for reclassification, the same in every host. Number keys follow the
 * neutrophil series (1 = blast … 6 = segmented), the row q–t the normoblast stages; letters are
 * mnemonic where they can be (l lymphocyte, p plasma cell, m monocyte, d defer). Keys used for
 * actions are left free: c (confirm), z (undo with Ctrl), arrows, Enter, Escape, Tab, '/', '?'.
 */
export const CLASS_HOTKEYS: Readonly<Record<CellClassCode, string>> = Object.freeze({
  M1: '1',
  M2: '2',
  M3: '3',
  M4: '4',
  M5: '5',
  M6: '6',
  E1: '7',
  E4: '8',
  B2: '9',
  B1: '0',
  ER1: 'q',
  ER2: 'w',
  ER3: 'e',
  ER4: 'r',
  ER: 't',
  ER5: 'y',
  ER6: 'u',
  L2: 'l',
  L4: 'p',
  MO2: 'm',
  PL2: 'k',
  PL3: 'j',
  U1: 'a',
  U4: 'x',
  LB: 'b',
  HG: 'h',
  MB: 'n',
  PMO: 'v',
  RL: 'g',
  OT: 'o',
  DEFER: 'd',
});

/** The class code a key assigns, or undefined. */
export function codeForHotkey(key: string): CellClassCode | undefined {
  const k = key.toLowerCase();
  for (const [code, hk] of Object.entries(CLASS_HOTKEYS)) if (hk === k) return code as CellClassCode;
  return undefined;
}
