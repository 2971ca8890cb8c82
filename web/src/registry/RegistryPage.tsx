import { NotFoundPage } from '../app/NotFoundPage.tsx';
import { matchPath } from '../app/router.tsx';
import '../styles/registry.css';
import { BirthPage } from './BirthPage.tsx';
import { HouseholdCreatePage } from './HouseholdCreatePage.tsx';
import { HouseholdPage } from './HouseholdPage.tsx';
import { PersonPage } from './PersonPage.tsx';
import { ReviewPage } from './ReviewPage.tsx';
import { SearchPage } from './SearchPage.tsx';

/** The population registry console (loaded on first visit): its routes under /registry. */
export default function RegistryPage({ path }: { path: string }) {
  if (path === '/registry') return <SearchPage />;
  if (path === '/registry/births/new') return <BirthPage />;
  if (path === '/registry/review') return <ReviewPage />;
  if (path === '/registry/households/new') return <HouseholdCreatePage />;
  const person = matchPath('/registry/people/:idNumber', path);
  if (person) return <PersonPage key={person.idNumber} idNumber={person.idNumber!} />;
  const household = matchPath('/registry/households/:householdNo', path);
  if (household) return <HouseholdPage key={household.householdNo} householdNo={household.householdNo!} />;
  return <NotFoundPage path={path} />;
}
