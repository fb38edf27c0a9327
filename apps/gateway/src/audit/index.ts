export { AuditQueryModule, type AuditQueryDeps } from './audit-query.module';
export { AuditController } from './audit.controller';
export { AuditQueryService, AUDIT_HUB_KEY } from './audit-query.service';
