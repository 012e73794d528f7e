import { ConflictError, ControlError } from '../errors.ts';

export class UnknownTenantDatabaseError extends ControlError {
  readonly database: string;
  constructor(name: string) {
    super('TNT_ERR_DATABASE_UNKNOWN', `There is no tenant database named "${name}".`);
    this.database = name;
  }
}

export class TenantDatabaseNameTakenError extends ConflictError {
  readonly database: string;
  constructor(name: string) {
    super('TNT_ERR_DATABASE_NAME_TAKEN', 'name', `A tenant database named "${name}" is already registered.`);
    this.database = name;
  }
}

export class InvalidTenantDatabaseNameError extends ControlError {
  constructor(name: string) {
    super(
      'TNT_ERR_DATABASE_NAME_INVALID',
      `"${name}" is not a valid tenant database name: a lower-case letter, then up to 30 lower-case letters, digits or underscores.`,
    );
  }
}

/** A tenant may not be placed there: the database is draining. */
export class TenantDatabaseDrainingError extends ControlError {
  readonly database: string;
  constructor(name: string) {
    super('TNT_ERR_DATABASE_DRAINING', `The tenant database "${name}" is draining: no new tenants are placed there.`);
    this.database = name;
  }
}

/** Every tenant database is draining: a new tenant has nowhere to go until an operator opens one. */
export class NoOpenTenantDatabaseError extends ControlError {
  constructor() {
    super('TNT_ERR_NO_OPEN_DATABASE', 'No tenant database is open for new tenants; an operator must open one (`databases open <name>`).');
  }
}
