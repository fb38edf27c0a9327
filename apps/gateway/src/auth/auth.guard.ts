/**
 * Global guard: authenticate every request, then allow only declared roles; on
 * an audit read (@AuditRead), check the request (@AuditReadChecked) and only
 * then verify and record the signed justification.
 */
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@liaison/errors';
import type { AuthenticatedRequest, Role } from './auth-context';
import { AuditJustifications } from '../statements/audit-justification';
import {
  AUDIT_READ,
  AUDIT_READ_CHECK,
  PUBLIC_ROUTE,
  ROUTE_ROLES,
  type AuditReadCheck,
} from './roles.decorator';
import { TokenAuthenticator } from './token-authenticator';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TokenAuthenticator,
    private readonly justifications: AuditJustifications,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = await this.authenticator.authenticate(request.headers.authorization);
    request.auth = auth;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROUTE_ROLES, targets);
    if (!allowed || allowed.length === 0) {
      throw new DomainError('auth.route-not-allowed', 'no role may use this route', 'forbidden');
    }
    if (!allowed.some((role) => auth.roles.has(role))) {
      throw new DomainError(
        'auth.role-required',
        `this route needs one of the roles: ${allowed.join(', ')}`,
        'forbidden',
        { required: allowed },
      );
    }
    if (this.reflector.getAllAndOverride<boolean>(AUDIT_READ, targets)) {
      const check = this.reflector.get<AuditReadCheck | undefined>(
        AUDIT_READ_CHECK,
        context.getHandler(),
      );
      if (!check) {
        throw new DomainError(
          'auth.route-not-allowed',
          'this audit read declares no request check',
          'forbidden',
        );
      }
      check({ query: request.query, params: request.params, body: request.body, auth });
      request.justification = await this.justifications.ofRead(
        auth,
        request.method,
        request.originalUrl,
        request.headers['x-justification'],
      );
    }
    return true;
  }
}
