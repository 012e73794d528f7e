import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ControlError, InvalidCursorError } from '@tenantry/control-db';
import { TenantryError } from '@tenantry/errors';
import { ApiError, API_ERRORS, FieldErrorCollector, isApiErrorCode, type ApiErrorCode, type FieldErrors } from '../errors.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldPath(issue: AjvIssue): string {
  const base = issue.instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (issue.keyword === 'required') base.push(String(issue.params.missingProperty));
  if (issue.keyword === 'additionalProperties') base.push(String(issue.params.additionalProperty));
  return base.join('.') || '(body)';
}

function fieldMessage(issue: AjvIssue): string {
  if (issue.keyword === 'additionalProperties') return 'is not a known field';
  if (issue.keyword === 'required') return 'is required';
  if (issue.keyword === 'enum') return `must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}`;
  return issue.message ?? 'is invalid';
}

export function ajvToFieldErrors(issues: AjvIssue[]): FieldErrors {
  const errors = new FieldErrorCollector();
  for (const issue of issues) errors.add(fieldPath(issue), fieldMessage(issue));
  return errors.errors;
}

/**
 * RFC 6750 §3: every 401 names the Bearer scheme; when a token was sent and refused the challenge
 * says `invalid_token`, so a gateway knows to get a new one rather than to log in.
 */
export function bearerChallenge(request: FastifyRequest, code: ApiErrorCode): string {
  const tokenRefused = code === 'TNT_ERR_UNAUTHENTICATED' && /^bearer\s/i.test(request.headers.authorization ?? '');
  return tokenRefused ? 'Bearer realm="tenantry", error="invalid_token"' : 'Bearer realm="tenantry"';
}

function send(reply: FastifyReply, request: FastifyRequest, code: ApiErrorCode, detail: string, errors?: FieldErrors, status?: number) {
  const statusCode = status ?? API_ERRORS[code].status;
  if (statusCode === 401) reply.header('www-authenticate', bearerChallenge(request, code));
  return reply
    .status(statusCode)
    .type('application/problem+json')
    .send({
      type: `urn:tenantry:error:${code}`,
      title: API_ERRORS[code].title,
      status: statusCode,
      detail,
      code,
      instance: request.url,
      ...(errors ? { errors } : {}),
    });
}

const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'TNT_ERR_MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'TNT_ERR_MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'TNT_ERR_MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'TNT_ERR_MALFORMED_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'TNT_ERR_BODY_TOO_LARGE',
};

/**
 * For Fastify's `frameworkErrors` (a URL that does not decode, a path parameter over the length
 * limit): these are answered before any hook runs, so the request id is set here too.
 */
export function frameworkErrorProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return send(reply, request, 'TNT_ERR_MALFORMED_REQUEST', error.message, undefined, status);
}

/** What Node's HTTP parser refuses before there is a request: its code → our code and detail. */
function clientErrorOf(error: Error & { code?: string }): { code: ApiErrorCode; detail: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') return { code: 'TNT_ERR_HEADERS_TOO_LARGE', detail: 'The request headers are larger than the server accepts.' };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'TNT_ERR_REQUEST_TIMEOUT', detail: 'The request was not received in time.' };
  return { code: 'TNT_ERR_MALFORMED_REQUEST', detail: 'The request is not valid HTTP.' };
}

/**
 * For Fastify's `clientErrorHandler`: requests Node refuses while parsing (headers too large, not
 * HTTP, too slow) get problem+json and a request id too, written on the socket (there is no reply).
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, detail } = clientErrorOf(error);
  const { status, title } = API_ERRORS[code];
  const body = JSON.stringify({ type: `urn:tenantry:error:${code}`, title, status, detail, code });
  if (socket.writable) {
    socket.write(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'content-type: application/problem+json',
        `content-length: ${Buffer.byteLength(body)}`,
        `x-request-id: ${crypto.randomUUID()}`,
        'connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroy(error);
}

function internalError(reply: FastifyReply, request: FastifyRequest, error: Error) {
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, request, 'TNT_ERR_INTERNAL', 'An unexpected error occurred; it has been logged.');
}

/** One place turns every error into RFC 9457 problem+json; nothing escapes as a bare 500. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError & { validation?: AjvIssue[]; validationContext?: string }, request, reply) => {
      if (error instanceof ApiError) return send(reply, request, error.code, error.message, error.errors);
      if (error.validation) {
        const errors = ajvToFieldErrors(error.validation);
        if (error.validationContext === 'body') {
          return send(reply, request, 'TNT_ERR_UNPROCESSABLE', 'One or more fields are invalid; see `errors`.', errors);
        }
        return send(reply, request, 'TNT_ERR_MALFORMED_REQUEST', `Invalid ${error.validationContext ?? 'request'}.`, errors);
      }
      if (error instanceof InvalidCursorError) return send(reply, request, 'TNT_ERR_INVALID_CURSOR', error.message);
      if (error instanceof ControlError && isApiErrorCode(error.code)) return send(reply, request, error.code, error.message);
      // Any other error of ours is not the client's to fix: its list status is not an HTTP answer here.
      if (error instanceof TenantryError) return internalError(reply, request, error);
      const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
      if (mapped) return send(reply, request, mapped, error.message);
      if (error.statusCode === 429) {
        return send(reply, request, 'TNT_ERR_RATE_LIMITED', 'Rate limit reached; retry after the time in Retry-After.');
      }
      if (error.code?.startsWith('FST_JWT_')) {
        return send(reply, request, 'TNT_ERR_UNAUTHENTICATED', 'A valid bearer token is required.');
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        // Other framework-level client errors (e.g. a malformed URL): keep their status.
        return send(reply, request, 'TNT_ERR_MALFORMED_REQUEST', error.message, undefined, error.statusCode);
      }
      return internalError(reply, request, error);
    });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0];
      const allowed = app.allowedMethods(path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return send(reply, request, 'TNT_ERR_METHOD_NOT_ALLOWED', `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`);
      }
      return send(reply, request, 'TNT_ERR_NOT_FOUND', `No route ${request.method} ${path}.`);
    });
  },
  { name: 'tenantry-problem-details', dependencies: ['tenantry-method-not-allowed'] },
);
