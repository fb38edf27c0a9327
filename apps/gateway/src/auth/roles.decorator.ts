/**
 * Route access is declared, never assumed: @Public() for the few open routes
 * (public keys, health), @Roles(...) for everything else. A route with neither
 * is refused by the guard (default deny).
 */
import { SetMetadata } from '@nestjs/common';
import type { AuthContext, Role } from './auth-context';

export { PUBLIC_ROUTE, Public } from '@liaison/runtime';
export const ROUTE_ROLES = 'liaison:roles';
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ROLES, roles);

/** An audit read: the guard verifies and records the officer's signed justification. */
export const AUDIT_READ = 'liaison:audit-read';
export const AuditRead = (): MethodDecorator & ClassDecorator => SetMetadata(AUDIT_READ, true);

/**
 * What an audit read's request check sees: the query string, the path
 * parameters, and for a read that carries its question in the body (a link
 * query) the parsed, untrusted body and the caller.
 */
export interface AuditReadRequest {
  readonly query: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: unknown;
  readonly auth?: AuthContext;
}

/**
 * The check of an audit read's request, run by the guard BEFORE the signed
 * justification is verified and recorded: a malformed query is refused with
 * its reason and no statement is spent on it. Throws a DomainError. Every
 * audit read route declares one; one without is refused (default deny).
 */
export type AuditReadCheck = (request: AuditReadRequest) => unknown;
export const AUDIT_READ_CHECK = 'liaison:audit-read-check';
export const AuditReadChecked = (check: AuditReadCheck): MethodDecorator =>
  SetMetadata(AUDIT_READ_CHECK, check);
