import { AgencyKeyEntity } from './agency-key.entity';
import { AgencyEntity } from './agency.entity';
import { CaseEventEntity } from './case-event.entity';
import { DeliveryContentEntity, MessageContentEntity } from './content.entity';
import { FeedEntryEntity } from './feed-entry.entity';
import { JurisdictionGroupEntity } from './jurisdiction-group.entity';
import { LeLogEntity } from './le-log.entity';
import { LedgerCheckpointEntity } from './ledger-checkpoint.entity';
import { OfficerKeyEntity } from './officer-key.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { SeenTokenEntity } from './seen-token.entity';
import { SubmissionEntity } from './submission.entity';

export {
  AgencyEntity,
  AgencyKeyEntity,
  CaseEventEntity,
  DeliveryContentEntity,
  FeedEntryEntity,
  JurisdictionGroupEntity,
  LeLogEntity,
  LedgerCheckpointEntity,
  MessageContentEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
  SeenTokenEntity,
  SubmissionEntity,
};
export type { LeLogAction } from './le-log.entity';

export const ENTITIES = [
  AgencyEntity,
  AgencyKeyEntity,
  CaseEventEntity,
  DeliveryContentEntity,
  FeedEntryEntity,
  JurisdictionGroupEntity,
  LeLogEntity,
  LedgerCheckpointEntity,
  MessageContentEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
  SeenTokenEntity,
  SubmissionEntity,
];
