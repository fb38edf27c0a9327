/**
 * Route access is declared, never assumed: @Public() for the few open routes
 * (public keys, health), @Roles(...) for everything else. A route with neither
 * is refused by the guard (default deny).
 */
import { SetMetadata } from '@nestjs/common';
import type { Role } from './auth-context';

export { PUBLIC_ROUTE, Public } from '@liaison/runtime';
export const ROUTE_ROLES = 'liaison:roles';
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ROLES, roles);

/** An audit read: the guard verifies and records the officer's signed justification. */
export const AUDIT_READ = 'liaison:audit-read';
export const AuditRead = (): MethodDecorator & ClassDecorator => SetMetadata(AUDIT_READ, true);
