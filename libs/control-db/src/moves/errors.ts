import { ControlError } from '../errors.ts';

/** A move that cannot start or go on as asked (409 in the API, exit code 2 in the CLI). */
export class TenantMoveRefusedError extends ControlError {
  constructor(message: string) {
    super('TNT_ERR_MOVE_REFUSED', message);
  }
}

/** The move row is gone or already finished: another runner ended it. */
export class TenantMoveNotOpenError extends ControlError {
  constructor(moveId: string) {
    super('TNT_ERR_MOVE_NOT_OPEN', `Move ${moveId} is not open any more (finished or undone elsewhere).`);
  }
}
