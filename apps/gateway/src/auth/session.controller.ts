/** POST /v1/console/session: exchange a fresh officer token for a console session. */
import { Controller, Delete, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from './auth-context';
import { ConsoleSessions, SESSION_PREFIX } from './console-session';
import { Roles } from './roles.decorator';

@ApiTags('console')
@ApiBearerAuth()
@Controller('v1/console/session')
export class SessionController {
  constructor(@Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

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

  @Delete()
  @HttpCode(204)
  @Roles('liaison', 'oversight', 'policy-author', 'policy-approver', 'admin')
  @ApiOperation({ summary: 'Log out: end this console session' })
  async close(@Req() req: AuthenticatedRequest): Promise<void> {
    const token = (req.headers.authorization ?? '').slice('Bearer '.length);
    if (token.startsWith(SESSION_PREFIX)) await this.sessions.close(token);
  }
}
