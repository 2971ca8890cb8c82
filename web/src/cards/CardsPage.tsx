import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { matchPath } from '../app/router.tsx';
import '../styles/registry.css';
import '../styles/cards.css';
import { FindPage } from './FindPage.tsx';
import { PersonCardsPage } from './PersonCardsPage.tsx';

/** The ID card console (loaded on first visit): its routes under /cards. */
export default function CardsPage({ path }: { path: string }) {
  if (path === '/cards') return <FindPage />;
  const person = matchPath('/cards/people/:idNumber', path);
  if (person) return <PersonCardsPage key={person.idNumber} idNumber={person.idNumber!} />;
  return <NotFoundPage path={path} />;
}
