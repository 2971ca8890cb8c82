import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, defineErrors } from './errors.ts';
import { communes2025, currentUnitOfOldCommune, ethnicGroups, findUnits2025, getOldCommune, getProvince2025, provinces2025 } from '../../vn/index.ts';

defineErrors({
  UNIT_NOT_FOUND: { status: 404, vi: 'Không có đơn vị hành chính mã {code}.', en: 'No administrative unit with code {code}.' },
});

/** Official reference data (public): administrative units 2025, the old→new conversion, ethnic groups. */
export async function referenceRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const pub = { auth: { public: true } } as const;
  const cache = (reply: { header(k: string, v: string): unknown }) => reply.header('cache-control', 'public, max-age=86400');
  r.get('/api/v1/units/provinces', { config: pub, schema: { tags: ['reference'], summary: 'The 34 provinces and cities in force since 1 July 2025' } }, async (_req, reply) => {
    cache(reply);
    return { items: provinces2025() };
  });
  r.get('/api/v1/units/provinces/:provinceCode/communes', { config: pub, schema: { tags: ['reference'], summary: 'Communes, wards and special zones of a province (2025)', params: Type.Object({ provinceCode: Type.String({ pattern: '^\\d{2}$' }) }) } }, async (req, reply) => {
    if (!getProvince2025(req.params.provinceCode)) throw new AppError('UNIT_NOT_FOUND', { code: req.params.provinceCode });
    cache(reply);
    return { items: communes2025(req.params.provinceCode) };
  });
  r.get('/api/v1/units/search', { config: pub, schema: { tags: ['reference'], summary: 'Find 2025 units by name, with or without diacritics', querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }), provinceCode: Type.Optional(Type.String({ pattern: '^\\d{2}$' })), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }) } }, async (req) => ({ items: findUnits2025(req.query.q, { provinceCode: req.query.provinceCode, limit: req.query.limit }) }));
  r.get('/api/v1/units/old-communes/:code/current', { config: pub, schema: { tags: ['reference'], summary: 'Which 2025 unit(s) a pre-2025 commune is now part of (official conversion)', params: Type.Object({ code: Type.String({ pattern: '^\\d{5}$' }) }) } }, async (req) => {
    const old = getOldCommune(req.params.code);
    const current = currentUnitOfOldCommune(req.params.code);
    if (!old && !current.length) throw new AppError('UNIT_NOT_FOUND', { code: req.params.code });
    return { old: old ?? null, current };
  });
  r.get('/api/v1/ethnic-groups', { config: pub, schema: { tags: ['reference'], summary: 'The 54 ethnic groups (and 55 = foreigner)' } }, async (_req, reply) => {
    cache(reply);
    return { items: ethnicGroups() };
  });
}
