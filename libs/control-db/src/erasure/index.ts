export { eraseUser, listUserTenantPlacements, UserNotFoundError } from './erase-user.ts';
