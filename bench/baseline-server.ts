/**
 * The bare baseline of bench/exchange-verify.bench.ts: the same HTTP framework (Fastify 5 with a
 * TypeBox-validated JSON body) answering one JSON POST with one prepared primary-key lookup — no
 * authentication, no grant, no audit. Run as its own process, like the platform.
 *   DATABASE_URL=… PORT=8092 node --import tsx bench/baseline-server.ts
 */
import Fastify from 'fastify';
import pg from 'pg';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 40) });
const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
const Body = Type.Object({ idNumber: Type.String({ pattern: '^\\d{12}$' }), purpose: Type.String(), fullName: Type.Optional(Type.String()), birthDate: Type.Optional(Type.String()) });

app.post('/verify', { schema: { body: Body } }, async (req) => {
  const r = await pool.query({ name: 'pk', text: 'select full_name, birth_year, birth_month, birth_day, sex, status from registry.person where id_number = $1', values: [req.body.idNumber] });
  const p = r.rows[0];
  return { outcome: p ? (p.full_name === req.body.fullName ? 'match' : 'mismatch') : 'not_found', idNumber: req.body.idNumber };
});

await app.listen({ port: Number(process.env.PORT ?? 8092), host: '127.0.0.1' });
process.stdout.write('baseline ready\n');
process.once('SIGTERM', () => { void app.close().then(() => pool.end()).then(() => process.exit(0)); });
