import { TenantryError } from '@tenantry/errors';

/**
 * An event that does not satisfy the contract: bad JSON, missing or wrong attributes, a payload
 * that violates its schema. Retrying cannot fix it (`retriable = false`), so a consumer runner
 * sends it straight to the dead-letter topic.
 */
export class EventValidationError extends TenantryError {
  /** One line per problem, e.g. `/data/tenant/slug is required`. */
  readonly problems: string[];
  /** Event type and id, when they could be read. */
  readonly eventType?: string;
  readonly eventId?: string;

  constructor(summary: string, problems: string[], context: { eventType?: string; eventId?: string } = {}) {
    super('TNT_ERR_EVENT_INVALID', problems.length ? `${summary}: ${problems.join('; ')}` : summary);
    this.problems = problems;
    this.eventType = context.eventType;
    this.eventId = context.eventId;
  }
}
