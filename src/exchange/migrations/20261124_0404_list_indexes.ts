import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the paged lists of a system's bulk jobs and webhook deliveries: filtered by status
 * newest first, and deliveries by when the event occurred. Without them a page of, say, a
 * system's failed deliveries reads all its deliveries (which grow with every event it follows).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index job_system_status on exchange.job (system_id, status, created_at);
    create index delivery_system_status on exchange.delivery (system_id, status, created_at);
    create index delivery_system_occurred on exchange.delivery (system_id, occurred_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index exchange.job_system_status;
    drop index exchange.delivery_system_status;
    drop index exchange.delivery_system_occurred;
  `.execute(db);
}
