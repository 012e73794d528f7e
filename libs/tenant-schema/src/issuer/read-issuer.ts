import { tableExists } from '../schema/index.ts';
import { EconomicActivity, Issuer } from '../entities/index.ts';
import { schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import type { TenantEconomicActivityInput } from '../provision/index.ts';

export interface IssuerInfo {
  rut: string | null;
  razon_social: string;
  giro: string | null;
  address: string | null;
  commune: string | null;
  city: string | null;
  source_version: number;
  updated_at: Date;
  economic_activities: TenantEconomicActivityInput[];
}

/** The issuer row and its economic activities (by code); null when the schema or row is missing. */
export async function readIssuer(orm: TenantSchemaOrm, tenantId: string): Promise<IssuerInfo | null> {
  const schema = schemaNameFor(tenantId);
  const em = orm.em.fork();
  if (!(await tableExists(em, schema, 'issuer'))) {
    return null;
  }
  const issuer = await em.findOne(Issuer, { id: 1 }, { schema, disableIdentityMap: true });
  if (!issuer) {
    return null;
  }
  const activities = await em.find(EconomicActivity, {}, { schema, orderBy: { code: 'asc' }, disableIdentityMap: true });
  return {
    rut: issuer.rut ?? null,
    razon_social: issuer.razon_social,
    giro: issuer.giro ?? null,
    address: issuer.address ?? null,
    commune: issuer.commune ?? null,
    city: issuer.city ?? null,
    source_version: issuer.source_version,
    updated_at: issuer.updated_at,
    economic_activities: activities.map(({ code, name, category, taxable }) => ({ code, name, category, taxable })),
  };
}
