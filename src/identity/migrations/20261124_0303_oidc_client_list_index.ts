import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The administrators' client list pages in registration order.
    create index oidc_clients_created_at on identity.oidc_clients (created_at, client_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index identity.oidc_clients_created_at;`.execute(db);
}
