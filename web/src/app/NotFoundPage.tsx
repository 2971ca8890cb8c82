import { useI18n } from '../i18n/i18n.tsx';
import { usePageTitle } from './page.ts';
import { Link } from './router.tsx';

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useI18n();
  const ref = usePageTitle(t('notFound.title'));
  return (
    <>
      <h1 ref={ref} tabIndex={-1}>
        {t('notFound.title')}
      </h1>
      <p>{t('notFound.body', { path })}</p>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </>
  );
}
