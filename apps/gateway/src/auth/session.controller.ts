/**
 * POST /v1/console/session: exchange a fresh officer token for a console session;
 * POST /v1/console/session/justification: attach the officer's signed
 * justification (an audit.read statement) that the session's audit reads rest on.
 */
import { Body, Controller, Delete, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@liaison/errors';
import { AuditJustifications } from '../statements/audit-justification';
import type { AuthenticatedRequest } from './auth-context';
import { ConsoleSessions, SESSION_PREFIX } from './console-session';
import { Roles } from './roles.decorator';

const sessionTokenOf = (req: AuthenticatedRequest): string =>
  (req.headers.authorization ?? '').slice('Bearer '.length);

@ApiTags('console')
@ApiBearerAuth()
@Controller('v1/console/session')
export class SessionController {
  constructor(
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(AuditJustifications) private readonly justifications: AuditJustifications,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('liaison', 'oversight', 'policy-author', 'policy-approver', 'admin')
  @ApiOperation({ summary: 'Open a 30-minute console session with an officer token' })
  async open(@Req() req: AuthenticatedRequest): Promise<Record<string, unknown>> {
    const session = await this.sessions.open(req.auth);
    return {
      ...session,
      agencyId: req.auth.agencyId,
      officerId: req.auth.officerId,
      roles: [...req.auth.roles],
    };
  }

  @Post('justification')
  @HttpCode(201)
  @Roles('liaison', 'oversight')
  @ApiOperation({
    summary: "Attach the officer's signed justification (audit.read statement) to this session",
  })
  async justify(
    @Req() req: AuthenticatedRequest,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const token = sessionTokenOf(req);
    if (!token.startsWith(SESSION_PREFIX)) {
      throw new DomainError(
        'session.required',
        'a justification is attached to a console session: call this with the session token',
        'invalid-input',
      );
    }
    const statement =
      typeof body === 'object' && body !== null
        ? (body as { statement?: unknown }).statement
        : undefined;
    const justification = await this.justifications.forSession(req.auth, statement, (tx, j) =>
      this.sessions.attachJustification(tx, token, j),
    );
    return {
      justification: justification.text,
      statement: { seq: justification.seq, hash: justification.hash },
    };
  }

  @Delete()
  @HttpCode(204)
  @Roles('liaison', 'oversight', 'policy-author', 'policy-approver', 'admin')
  @ApiOperation({ summary: 'Log out: end this console session' })
  async close(@Req() req: AuthenticatedRequest): Promise<void> {
    const token = sessionTokenOf(req);
    if (token.startsWith(SESSION_PREFIX)) await this.sessions.close(token);
  }
}
