import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Moves the focus after the next render, in the same task as the change on screen: an error
 * message is in the page when its field takes the focus (and is read with it), and nobody — a
 * screen reader or a test — sees the new content before the focus has moved.
 */
export function useFocusAfterRender(): (target: string | (() => HTMLElement | null | undefined)) => void {
  const next = useRef<string | (() => HTMLElement | null | undefined) | null>(null);
  useLayoutEffect(() => {
    const t = next.current;
    if (!t) return;
    next.current = null;
    const el = typeof t === 'string' ? document.getElementById(t) : t();
    el?.focus();
  });
  return useCallback((target) => {
    next.current = target;
  }, []);
}
