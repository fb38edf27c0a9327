import { AgencyKeyEntity } from './agency-key.entity';
import { AgencyEntity } from './agency.entity';
import { JurisdictionGroupEntity } from './jurisdiction-group.entity';
import { OfficerKeyEntity } from './officer-key.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { SubmissionEntity } from './submission.entity';

export {
  AgencyEntity,
  AgencyKeyEntity,
  JurisdictionGroupEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
  SubmissionEntity,
};

export const ENTITIES = [
  AgencyEntity,
  AgencyKeyEntity,
  JurisdictionGroupEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
  SubmissionEntity,
];
