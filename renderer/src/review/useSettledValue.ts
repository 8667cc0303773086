import { useEffect, useState } from 'react';

/**
 * `value` once it has stayed the same for `ms` (compared with `key`): a view that follows a fast-
 * changing selection only when it pauses, so work for intermediate values is never started.
 */
export function useSettledValue<T>(value: T, key: (v: T) => unknown, ms: number): T {
  const [settled, setSettled] = useState(value);
  const k = key(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [k, ms]); // only the key decides when the value counts as changed
  return settled;
}
