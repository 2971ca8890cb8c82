import { useEffect, useRef } from 'react';
import { translator, useI18n } from '../i18n/i18n.tsx';

/**
 * For each page: sets `document.title` and, when the page appears after a navigation or a
 * sign-in, moves focus to its heading (attach the ref to an `<h1 tabIndex={-1}>`), so screen
 * reader and keyboard users start at the new content.
 */
export function usePageTitle(title: string, opts: { focusOnMount?: boolean } = {}) {
  const { lang } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  const focusOnMount = opts.focusOnMount ?? true;

  useEffect(() => {
    document.title = translator(lang)('app.pageTitle', { page: title });
  }, [title, lang]);

  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
    // Only when the page mounts, not when its title changes language.
  }, []);

  return ref;
}
