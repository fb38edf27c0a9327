/**
 * POST /v1/console/session: exchange a fresh officer token for a console session;
 * POST /v1/console/session/justification: attach the officer's signed
 * justification (an audit.read statement) that the session's audit reads rest on.
 */
import { Body, Controller, Delete, HttpCode, Inject, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '@liaison/errors';
import { AuditJustifications } from '../statements/audit-justification';
import type { AuthenticatedRequest } from './auth-context';
import { ConsoleSessions, SESSION_PREFIX } from './console-session';
import { Roles } from './roles.decorator';
import { JustificationAttachedDto, JustificationRequestDto, SessionOpenedDto } from './session.dto';

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
  @ApiCreatedResponse({ type: SessionOpenedDto })
  async open(@Req() req: AuthenticatedRequest): Promise<SessionOpenedDto> {
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
  @ApiBody({ type: JustificationRequestDto })
  @ApiCreatedResponse({ type: JustificationAttachedDto })
  async justify(
    @Req() req: AuthenticatedRequest,
    @Body() body: JustificationRequestDto | undefined,
  ): Promise<JustificationAttachedDto> {
    const token = sessionTokenOf(req);
    if (!token.startsWith(SESSION_PREFIX)) {
      throw new DomainError(
        'session.required',
        'a justification is attached to a console session: call this with the session token',
        'invalid-input',
      );
    }
    // Described, not validated: forSession checks the statement (untrusted JSON).
    const statement: unknown =
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
  @ApiNoContentResponse({ description: 'Ended (or was not a session token)' })
  async close(@Req() req: AuthenticatedRequest): Promise<void> {
    const token = sessionTokenOf(req);
    if (token.startsWith(SESSION_PREFIX)) await this.sessions.close(token);
  }
}
