/**
 * Longest wait for a new connection to a tenant database. pg waits forever by default; a server
 * that drops packets would hang the whole run instead of failing only its own schemas.
 */
export const CONNECT_TIMEOUT_MS = 10_000;
