import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  /** Pushes of audit receipts this process gave up on (docs/audit.md has an alert rule). */
  auditReceiptPushFailed: client.Counter;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'open06_' });
  const httpDuration = new client.Histogram({
    name: 'open06_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const auditReceiptPushFailed = new client.Counter({
    name: 'open06_audit_receipt_push_failed_total',
    help: 'Audit receipt pushes to keepers (AUDIT_RECEIPT_PUSH_URLS) marked failed after their last attempt',
    registers: [registry],
  });
  return { registry, httpDuration, auditReceiptPushFailed };
}
