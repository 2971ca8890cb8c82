export { registryModule } from './registry.routes.ts';
export { RegistryService, type EventContext, type BirthInput } from './registry.service.ts';
export { RegistryQueries } from './registry.queries.ts';
export { TOPIC, EVENT_KINDS, type EventKind } from './person-lifecycle.ts';
