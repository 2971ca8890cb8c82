import type { Migration } from 'kysely';
import type { ModulePlugin } from './app.ts';
import { registryModule } from './registry/index.ts';
import { cardsModule } from './cards/index.ts';
import { exchangeManagesClient, exchangeModule } from './exchange/index.ts';
import { partnerConsoleModule, sharedExchangeServices } from './exchange/staff/index.ts';
import { identityAccountsModule } from './identity/accounts/index.ts';
import { identityOidcModule } from './identity/index.ts';
import { portalModule } from './portal/portal.routes.ts';
import * as platform0001 from './platform/migrations/20261124_0001_create_platform.ts';
import * as platform0002 from './platform/migrations/20261124_0002_create_outbox.ts';
import * as platform0003 from './platform/migrations/20261124_0003_create_audit_append.ts';
import * as platform0004 from './platform/migrations/20261124_0004_create_jose_keys.ts';
import * as platform0005 from './platform/migrations/20261124_0005_officer_list_indexes.ts';
import * as platform0006 from './platform/migrations/20261124_0006_create_process_heartbeat.ts';
import * as platform0007 from './platform/migrations/20261124_0007_create_audit_checkpoint.ts';
import * as platform0008 from './platform/migrations/20261124_0008_audit_append_bodies.ts';
import * as platform0009 from './platform/migrations/20261124_0009_create_audit_receipt_push.ts';
import * as platform0010 from './platform/migrations/20261125_0010_audit_receipt_push_unique.ts';
import * as registry0101 from './registry/migrations/20261124_0101_create_registry.ts';
import * as registry0102 from './registry/migrations/20261124_0102_create_registry_indexes.ts';
import * as registry0103 from './registry/migrations/20261124_0103_search_keys_in_c_collation.ts';
import * as registry0104 from './registry/migrations/20261124_0104_expect_rows.ts';
import * as registry0105 from './registry/migrations/20261124_0105_review_queue_indexes.ts';
import * as cards0201 from './cards/migrations/20261124_0201_create_cards.ts';
import * as identity0301 from './identity/migrations/20261124_0301_create_identity_accounts.ts';
import * as identity0302 from './identity/migrations/20261124_0302_create_oidc.ts';
import * as identity0303 from './identity/migrations/20261124_0303_oidc_client_list_index.ts';
import * as identity0341 from './identity/migrations/20261124_0341_create_notice.ts';
import * as identity0342 from './identity/migrations/20261124_0342_create_oidc_session_device.ts';
import * as identity0343 from './identity/migrations/20261124_0343_housekeeping_indexes.ts';
import * as exchange0401 from './exchange/migrations/20261124_0401_create_exchange.ts';
import * as exchange0402 from './exchange/migrations/20261124_0402_job_person_batches.ts';
import * as exchange0403 from './exchange/migrations/20261124_0403_create_member_staff.ts';
import * as exchange0404 from './exchange/migrations/20261124_0404_list_indexes.ts';
import * as exchange0405 from './exchange/migrations/20261124_0405_quota_reservations.ts';
import * as exchange0406 from './exchange/migrations/20261124_0406_system_key_history.ts';

/** Every module's migrations, in the order they run (names sort by time). */
export const migrations: Record<string, Migration> = {
  '20261124_0001_create_platform': platform0001,
  '20261124_0002_create_outbox': platform0002,
  '20261124_0003_create_audit_append': platform0003,
  '20261124_0004_create_jose_keys': platform0004,
  '20261124_0005_officer_list_indexes': platform0005,
  '20261124_0006_create_process_heartbeat': platform0006,
  '20261124_0007_create_audit_checkpoint': platform0007,
  '20261124_0008_audit_append_bodies': platform0008,
  '20261124_0009_create_audit_receipt_push': platform0009,
  '20261124_0101_create_registry': registry0101,
  '20261124_0102_create_registry_indexes': registry0102,
  '20261124_0103_search_keys_in_c_collation': registry0103,
  '20261124_0104_expect_rows': registry0104,
  '20261124_0105_review_queue_indexes': registry0105,
  '20261124_0201_create_cards': cards0201,
  '20261124_0301_create_identity_accounts': identity0301,
  '20261124_0302_create_oidc': identity0302,
  '20261124_0303_oidc_client_list_index': identity0303,
  '20261124_0341_create_notice': identity0341,
  '20261124_0342_create_oidc_session_device': identity0342,
  '20261124_0343_housekeeping_indexes': identity0343,
  '20261124_0401_create_exchange': exchange0401,
  '20261124_0402_job_person_batches': exchange0402,
  '20261124_0403_create_member_staff': exchange0403,
  '20261124_0404_list_indexes': exchange0404,
  '20261124_0405_quota_reservations': exchange0405,
  '20261124_0406_system_key_history': exchange0406,
  '20261125_0010_audit_receipt_push_unique': platform0010,
};

/** The domain modules mounted into the HTTP app. */
export const modules: ModulePlugin[] = [
  registryModule,
  (p) => cardsModule(p, { keyEncryptionKey: p.config.CARDS_KEY_ENCRYPTION_KEY ? Buffer.from(p.config.CARDS_KEY_ENCRYPTION_KEY, 'base64') : null }),
  (p) => identityAccountsModule(p),
  (p) => identityOidcModule(p, { managedElsewhere: (clientId) => exchangeManagesClient(p.db, clientId) }),
  (p) => exchangeModule(p, {}, sharedExchangeServices(p)),
  (p) => partnerConsoleModule(p, sharedExchangeServices(p)),
  portalModule,
];
