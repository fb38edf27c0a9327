/**
 * Builds the TypeORM DataSource. Schema changes only through migrations
 * (synchronize is never on). Application sessions run as the restricted role
 * `liaison_app`, so even a bug cannot UPDATE or DELETE ledger rows.
 */
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { InitialSchema1732340000000 } from './migrations/1732340000000-initial-schema';
import { ConsoleSession1732340100000 } from './migrations/1732340100000-console-session';
import { ContentStorage1732340200000 } from './migrations/1732340200000-content-storage';
import { FeedEntryDeliveryKey1732340300000 } from './migrations/1732340300000-feed-entry-delivery-key';
import { DeliveryContentByReference1732340400000 } from './migrations/1732340400000-delivery-content-by-reference';
import { OfficerEnrolment1732340900000 } from './migrations/1732340900000-officer-enrolment';
import { LeLogRefusals1732341000000 } from './migrations/1732341000000-le-log-refusals';
import { ConsoleSessionJustification1732341100000 } from './migrations/1732341100000-console-session-justification';
import { LinkIndex1732341200000 } from './migrations/1732341200000-link-index';
import { CaseState1732341500000 } from './migrations/1732341500000-case-state';
import { LinkQueryQuota1732341800000 } from './migrations/1732341800000-link-query-quota';
import { CaseClockNotice1732341900000 } from './migrations/1732341900000-case-clock-notice';
import { LinkQueryQuotaPurge1732342100000 } from './migrations/1732342100000-link-query-quota-purge';
import { OnwardConsent1732342200000 } from './migrations/1732342200000-onward-consent';
import { ShareLedgerRelease1732342300000 } from './migrations/1732342300000-share-ledger-release';
import { OnwardConsentNotice1732342400000 } from './migrations/1732342400000-onward-consent-notice';
import { OnwardReleaseState1732342500000 } from './migrations/1732342500000-onward-release-state';
import { ShareLedgerPairIndex1732342600000 } from './migrations/1732342600000-share-ledger-pair-index';

export const MIGRATIONS = [
  InitialSchema1732340000000,
  ConsoleSession1732340100000,
  ContentStorage1732340200000,
  FeedEntryDeliveryKey1732340300000,
  DeliveryContentByReference1732340400000,
  OfficerEnrolment1732340900000,
  LeLogRefusals1732341000000,
  ConsoleSessionJustification1732341100000,
  LinkIndex1732341200000,
  CaseState1732341500000,
  LinkQueryQuota1732341800000,
  CaseClockNotice1732341900000,
  LinkQueryQuotaPurge1732342100000,
  OnwardConsent1732342200000,
  ShareLedgerRelease1732342300000,
  OnwardConsentNotice1732342400000,
  OnwardReleaseState1732342500000,
  ShareLedgerPairIndex1732342600000,
];

export interface DataSourceSettings {
  readonly url: string;
  readonly poolSize?: number;
  /** Migrations run as the connecting (owner) role, not as liaison_app. */
  readonly asOwner?: boolean;
  readonly applicationName?: string;
}

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    logging: false,
    extra: {
      max: settings.poolSize ?? 10,
      application_name: settings.applicationName ?? 'liaison',
      connectionTimeoutMillis: 3000,
      ...(settings.asOwner ? {} : { options: '-c role=liaison_app' }),
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource({
    url,
    asOwner: true,
    poolSize: 1,
    applicationName: 'liaison-migrate',
  });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
