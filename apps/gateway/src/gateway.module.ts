/** The gateway's Nest module: controllers plus the values built at boot (see main.ts). */
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { HealthCheck, HubMetrics } from '@liaison/observability';
import { HEALTH_CHECKS, METRICS } from '@liaison/runtime';
import { AuditQueryModule, type AuditQueryDeps } from './audit/audit-query.module';
import { AuthGuard } from './auth/auth.guard';
import { ConsoleSessions } from './auth/console-session';
import { SessionController } from './auth/session.controller';
import { CaseViewController } from './cases/case-view.controller';
import { CaseViewService } from './cases/case-view.service';
import { TokenAuthenticator } from './auth/token-authenticator';
import { DirectoryAdmin } from './directory/directory-admin.service';
import { DirectoryController } from './directory/directory.controller';
import { OfficerController } from './directory/officer.controller';
import { OfficerEnrolment } from './directory/officer-enrolment.service';
import { FeedController } from './feed/feed.controller';
import { GatewayHealthController } from './http/gateway-health.controller';
import { LinkQueryService } from './links/link-query.service';
import { LinksController } from './links/links.controller';
import { OnwardConsentController } from './links/onward-consent.controller';
import { OnwardConsentService } from './links/onward-consent.service';
import { LinkViewsService } from './links/link-views.service';
import { PolicyAdmin } from './policy/policy-admin.service';
import { PolicyController } from './policy/policy.controller';
import { AuditJustifications } from './statements/audit-justification';
import { StatementLog } from './statements/statement-log.service';
import { StatementsController } from './statements/statements.controller';
import { SubmissionsController } from './submissions/submissions.controller';
import { TaxiiController } from './taxii/taxii.controller';
import { TaxiiService } from './taxii/taxii.service';

export interface GatewayValues {
  readonly providers: Provider[];
  readonly authenticator: TokenAuthenticator;
  readonly sessions: ConsoleSessions;
  readonly policyAdmin: PolicyAdmin;
  readonly checks: readonly HealthCheck[];
  readonly metrics: HubMetrics;
  readonly audit: AuditQueryDeps;
}

@Module({})
export class GatewayModule {
  static with(values: GatewayValues): DynamicModule {
    const shared: Provider[] = [...values.providers];
    return {
      module: GatewayModule,
      global: true,
      imports: [AuditQueryModule.register(values.audit)],
      controllers: [
        SessionController,
        GatewayHealthController,
        SubmissionsController,
        FeedController,
        DirectoryController,
        OfficerController,
        PolicyController,
        StatementsController,
        CaseViewController,
        LinksController,
        OnwardConsentController,
        TaxiiController,
      ],
      providers: [
        ...shared,
        { provide: TokenAuthenticator, useValue: values.authenticator },
        { provide: ConsoleSessions, useValue: values.sessions },
        { provide: PolicyAdmin, useValue: values.policyAdmin },
        { provide: HEALTH_CHECKS, useValue: values.checks },
        { provide: METRICS, useValue: values.metrics },
        DirectoryAdmin,
        OfficerEnrolment,
        AuditJustifications,
        StatementLog,
        CaseViewService,
        LinkQueryService,
        OnwardConsentService,
        LinkViewsService,
        TaxiiService,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: shared,
    };
  }
}
