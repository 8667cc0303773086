/** A number for the differential tables: fixed digits, or an en dash when there is none. */
export const formatNumber = (n: number | null | undefined, digits = 1): string => (n == null ? '–' : n.toFixed(digits));
