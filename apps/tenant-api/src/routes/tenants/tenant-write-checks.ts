import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tenantGroupExists } from '@tenantry/control-db';
import { ApiError } from '../../errors.ts';
import type { TenantBody } from '../../domain/tenant-input.ts';

/** plan_id and user_limit decide what the tenant pays for: a superuser's fields, whoever else may write the tenant. */
export function requireSuperuserForBilling(request: FastifyRequest, body: TenantBody | null | undefined): void {
  const billing = (['plan_id', 'user_limit'] as const).filter((field) => body?.[field] !== undefined);
  if (billing.length > 0 && !request.user.superuser) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `Only a superuser may set ${billing.join(' and ')} (billing fields).`);
  }
}

export async function checkGroup(app: FastifyInstance, groupId: string | null | undefined): Promise<void> {
  if (groupId && !(await tenantGroupExists(app.orm, groupId))) {
    throw new ApiError('TNT_ERR_UNPROCESSABLE', 'One or more fields are invalid; see `errors`.', {
      group_id: ['is not an existing tenant group'],
    });
  }
}
