import countries from 'i18n-iso-countries';
import type { TenantFields, TenantPatch } from '@tenantry/control-db';
import { FieldErrorCollector } from '../errors.ts';
import { normalizeRut } from '@tenantry/tenant-events';
import { SLUG_PATTERN, slugify } from './slug.ts';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const slugRegex = new RegExp(SLUG_PATTERN);

export const TENANT_DEFAULTS = {
  business_type: 'other',
  country_code: 'CL',
  billing_day: 1,
  plan_id: 'free',
  settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
} as const;

/** The writable tenant fields as they arrive (already shape-checked by the route schema). */
export type TenantBody = Partial<Omit<TenantFields, 'settings'>> & {
  settings?: Partial<TenantFields['settings']>;
};

function trimOrNull(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * Checks what JSON Schema cannot (RUT check digit, ISO lists, duplicate ACTECO codes, trimmed
 * length) and normalizes. Returns only the fields present in the body.
 */
function normalizeFields(body: TenantBody, problems: FieldErrorCollector): TenantPatch {
  const out: TenantPatch = {};
  if (body.name !== undefined) {
    const name = body.name.trim();
    if (name.length < 5 || name.length > 200) problems.add('name', 'must be 5 to 200 characters after trimming');
    out.name = name;
  }
  if (body.slug !== undefined) {
    if (!slugRegex.test(body.slug)) problems.add('slug', 'must be 3 to 63 characters of a-z, 0-9 and -, not starting or ending with -');
    out.slug = body.slug;
  }
  for (const key of ['description', 'address', 'commune', 'city', 'post_code', 'giro'] as const) {
    if (body[key] !== undefined) out[key] = trimOrNull(body[key]);
  }
  if (body.business_type !== undefined) out.business_type = body.business_type;
  if (body.rut !== undefined) {
    if (body.rut === null || body.rut.trim() === '') out.rut = null;
    else {
      const rut = normalizeRut(body.rut);
      if (!rut) problems.add('rut', 'is not a valid RUT (check digit modulo 11 does not match)');
      out.rut = rut;
    }
  }
  if (body.country_code !== undefined) {
    const code = body.country_code.toUpperCase();
    if (!countries.isValid(code) || !/^[A-Z]{2}$/.test(code)) problems.add('country_code', 'is not an ISO 3166-1 alpha-2 code');
    out.country_code = code;
  }
  if (body.billing_day !== undefined) out.billing_day = body.billing_day;
  if (body.economic_activities !== undefined) {
    const seen = new Set<string>();
    body.economic_activities.forEach((activity, index) => {
      if (seen.has(activity.code)) problems.add(`economic_activities.${index}.code`, `duplicates code ${activity.code}`);
      seen.add(activity.code);
    });
    out.economic_activities = body.economic_activities.map((a) => ({ ...a, name: a.name.trim() }));
  }
  if (body.plan_id !== undefined) out.plan_id = body.plan_id;
  if (body.user_limit !== undefined) out.user_limit = body.user_limit;
  if (body.group_id !== undefined) out.group_id = body.group_id;
  if (body.settings !== undefined) {
    const { default_currency, timezone } = body.settings;
    if (default_currency !== undefined && !CURRENCIES.has(default_currency)) {
      problems.add('settings.default_currency', 'is not an ISO 4217 currency code');
    }
    if (timezone !== undefined && !TIME_ZONES.has(timezone)) problems.add('settings.timezone', 'is not an IANA time zone');
    out.settings = body.settings as TenantFields['settings'];
  }
  return out;
}

export function normalizeNewTenant(body: TenantBody & { name: string }): { fields: TenantFields; slugDerived: boolean } {
  const problems = new FieldErrorCollector();
  const patch = normalizeFields(body, problems);
  let slugDerived = false;
  if (patch.slug === undefined && patch.name !== undefined) {
    patch.slug = slugify(patch.name);
    slugDerived = true;
    if (!slugRegex.test(patch.slug)) problems.add('slug', 'cannot be derived from the name; give a slug explicitly');
  }
  problems.throwIfAny();
  const fields: TenantFields = {
    name: patch.name!,
    slug: patch.slug!,
    description: patch.description ?? null,
    business_type: patch.business_type ?? TENANT_DEFAULTS.business_type,
    rut: patch.rut ?? null,
    address: patch.address ?? null,
    commune: patch.commune ?? null,
    city: patch.city ?? null,
    post_code: patch.post_code ?? null,
    country_code: patch.country_code ?? TENANT_DEFAULTS.country_code,
    giro: patch.giro ?? null,
    billing_day: patch.billing_day ?? TENANT_DEFAULTS.billing_day,
    economic_activities: patch.economic_activities ?? [],
    plan_id: patch.plan_id ?? TENANT_DEFAULTS.plan_id,
    user_limit: patch.user_limit ?? null,
    group_id: patch.group_id ?? null,
    settings: { ...TENANT_DEFAULTS.settings, ...(patch.settings ?? {}) },
  };
  return { fields, slugDerived };
}

/** For PATCH: only the given fields; `settings` is merged key by key by the update itself. */
export function normalizeTenantPatch(body: TenantBody): TenantPatch {
  const problems = new FieldErrorCollector();
  const patch = normalizeFields(body, problems);
  if (body.name === null) problems.add('name', 'cannot be null');
  problems.throwIfAny();
  return patch;
}
