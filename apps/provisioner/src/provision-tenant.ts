import type { TenantEvent } from '@tenantry/tenant-events';
import { TenantSchemaError, provisionTenantSchema } from '@tenantry/tenant-schema';
import { isDatabaseUnreachable, onTenantDatabase } from '@tenantry/worker-kit';
import type { ProvisionerContext } from './context.ts';
import { publishReport } from './publish-report.ts';

/**
 * Creates or completes the tenant's schema and reports the outcome on tenant.provisioning.
 * Failure policy (see README): a TenantSchemaError is retried in-process; on the last try, or
 * at once when it is not retriable, TenantSchemaProvisioningFailed is published and the message
 * counts as handled. An unreachable database is rethrown and never reported as a tenant failure
 * (the worker waits it out: waitOutDatabaseOutages).
 */
export async function provisionTenant(
  event: TenantEvent<'TenantCreated' | 'TenantProvisionRequested'>,
  context: ProvisionerContext,
): Promise<void> {
  const { tenant } = event.data;
  const { log, attempt } = context;
  if (tenant.name === null) {
    // Contract v2: the tenant was purged (its key destroyed) since this event was written, e.g. a
    // replay. Building its schema again would bring a purged tenant back.
    log.info('tenant purged since this event was written; nothing to build');
    return;
  }
  let result;
  try {
    // On the tenant's current database (roles are per server: its role is created there too). The
    // role of a tenant that is already inactive is born without LOGIN.
    result = await onTenantDatabase(context.databases, event, async (orm, database) => ({
      database,
      ...(await provisionTenantSchema(orm, tenant, {
        roleLogin: tenant.is_active,
        migrations: context.migrations,
        claimSpare: context.spares?.has(database) ?? false,
        roleLimits: context.roleLimits,
      })),
    }));
    if (result.fromSpare) context.spares?.wake(result.database); // build its replacement, off the request path
  } catch (error) {
    if (!(error instanceof TenantSchemaError) || isDatabaseUnreachable(error)) throw error;
    if (error.retriable && !context.lastAttempt) {
      log.warn({ attempt, err: error }, 'tenant schema provisioning failed, will retry');
      throw error;
    }
    await publishReport(context, event, 'TenantSchemaProvisioningFailed', { error: error.message, attempt });
    log.error({ attempt, code: error.code, err: error }, 'tenant schema provisioning failed for good; reported TenantSchemaProvisioningFailed');
    return;
  }
  if (result.created) context.metrics?.observe(result.fromSpare ? 'claim' : 'build', result.durationMs / 1000);
  await publishReport(context, event, 'TenantSchemaProvisioned', {
    schema_name: result.schemaName,
    schema_version: result.schemaVersion,
    duration_ms: result.durationMs,
    database: result.database,
  });
  log.info(
    {
      database: result.database,
      schema: result.schemaName,
      schema_version: result.schemaVersion,
      created: result.created,
      from_spare: result.fromSpare,
      applied: result.appliedMigrations,
      duration_ms: result.durationMs,
    },
    result.created ? 'tenant schema provisioned' : 'tenant schema already provisioned, reported again',
  );
}
