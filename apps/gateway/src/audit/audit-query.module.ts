/**
 * AuditQueryModule: the audit HTTP API, for the gateway to import with
 * `AuditQueryModule.register({ dataSource, hubPublicJwk })`. The routes expect
 * the gateway's auth guard to have set `req.auth`; without it they answer 401.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { PublicJwk } from '@liaison/crypto';
import { DATA_SOURCE } from '../tokens';
import { AuditController } from './audit.controller';
import { AUDIT_HUB_KEY, AuditQueryService } from './audit-query.service';

export interface AuditQueryDeps {
  /** Runs as liaison_app (SELECT on the ledger, INSERT on le_log). */
  readonly dataSource: DataSource;
  /** The hub's checkpoint key, e.g. `new HubKeyFiles(dir).hubSigningKey().publicJwk`. */
  readonly hubPublicJwk: PublicJwk;
}

@Module({})
export class AuditQueryModule {
  static register(deps: AuditQueryDeps): DynamicModule {
    return {
      module: AuditQueryModule,
      controllers: [AuditController],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: AUDIT_HUB_KEY, useValue: deps.hubPublicJwk },
        AuditQueryService,
      ],
      exports: [AuditQueryService],
    };
  }
}
