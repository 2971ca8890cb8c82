export { exchangeModule, exchangeServices, type ExchangeModuleOptions, type ExchangeServices } from './exchange.routes.ts';
export { CATALOGUE, SERVICES, PURPOSES, EVENT_TOPICS, RECORD_FIELDS, VERIFY_FIELDS, type ServiceCode } from './catalogue.ts';
export { compareIdentity, compareName, type Comparison, type FieldVerdict, type NameMatching } from './compare.ts';
export { BulkRunner, type BulkRunnerOptions } from './bulk/bulk.runner.ts';
export { RowReader, readHeader, splitQuoted } from './bulk/bulk.parse.ts';
export { validatePublicJwks } from './admin.service.ts';
export { FANOUT_CONSUMER } from './events.service.ts';
export { exchangeManagesClient } from './client-ownership.ts';
