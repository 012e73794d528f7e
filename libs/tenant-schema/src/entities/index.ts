export { Issuer, type IssuerRow } from './issuer.ts';
export { EconomicActivity, type EconomicActivityRow } from './economic-activity.ts';
export { Location, type LocationRow } from './location.ts';
export { DteConfig, type DteConfigRow } from './dte-config.ts';

import { Issuer } from './issuer.ts';
import { EconomicActivity } from './economic-activity.ts';
import { Location } from './location.ts';
import { DteConfig } from './dte-config.ts';

/** Every entity of a tenant schema known to the ORM. */
export const tenantSchemaEntities = [Issuer, EconomicActivity, Location, DteConfig];
