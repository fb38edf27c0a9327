/**
 * @liaison/links: selectors canonicalised from messages, keyed pseudonyms, link
 * matching and the reveal question (pure, no I/O). Model and privacy argument:
 * docs/threat-model.md (Links) and docs/adr/0010-link-pseudonyms-hmac-vs-oprf.md.
 */
export * from './selector';
export { isoCountry, regionOfJurisdiction, vehicleCountry } from './country';
export { canonicalPhone } from './phone';
export { canonicalDocument } from './identity-document';
export { canonicalPlate, canonicalVin, vinCheckDigit } from './vehicle';
export { canonicalIban } from './iban';
export { canonicalEmail } from './email';
export { canonicalHandle, platformOf, PHONE_PLATFORMS } from './online-handle';
export { canonicalWallet, chainOf, type WalletChain } from './wallet';
export { canonicalPersonKey, foldedName } from './person-key';
export { extractSelectors, type ExtractedSelectors } from './extract-selectors';
export { linkFactsOf } from './link-facts';
export { pseudonymOf, pseudonymsOf, type LinkKey, type Pseudonym } from './pseudonym';
export {
  LINK_KEY_BYTES,
  LINK_KEY_FILE_FORMAT,
  LinkKeyErrorCode,
  linkKeyRing,
  newLinkKeyFile,
  parseLinkKeyFile,
  rotateLinkKeyFile,
  serialiseLinkKeyFile,
  validateLinkKeyFile,
  type LinkKeyEntry,
  type LinkKeyFile,
  type LinkKeyRing,
} from './link-key-file';
export {
  matchLinks,
  pseudonymKey,
  type LinkedMessage,
  type LinkIndexRow,
  type LinkPair,
  type MessageLinkFacts,
} from './link-match';
export {
  addresses,
  LINK_BUILTIN,
  revealLink,
  type HeldMessageMarks,
  type LinkBuiltinRuleId,
  type LinkParty,
  type LinkRecipientSelector,
  type LinksRule,
  type RevealDecision,
  type RevealQuestion,
} from './link-reveal';
export { marksOfRow, revealIn, type LinkWorld, type StoredLinkRow } from './link-world';
export {
  MAX_QUERY_VALUE,
  canonicalQuerySelector,
  parseSelectorQuery,
  type ParsedSelectorQuery,
  type SelectorQuery,
  type SelectorQueryProblem,
} from './selector-query';
export {
  QUOTA_WINDOW_KEPT_MS,
  admitQuery,
  quotaWindowsOf,
  type QueryQuotaLimits,
  type QuotaAdmission,
  type QuotaLimit,
  type QuotaScope,
  type QuotaUse,
  type QuotaWindow,
} from './query-quota';
export { answerHitQuery, type HitAnswer, type HitHolder, type WithheldHolding } from './hit-query';
export {
  ONWARD_WITHOUT_CONSENT,
  allowedOnward,
  onwardHolds,
  restrictsOnward,
  type OnwardHold,
} from './onward-sharing';
export {
  MAX_CONSENT_REASON,
  checkRelease,
  decideConsent,
  parseConsentAnswer,
  type ConsentAnswer,
  type ConsentAnswerKind,
  type ConsentDecision,
  type ConsentRefusalCode,
  type ConsentRequestState,
  type ConsentRequestView,
  type ConsentStatus,
  type ReleaseCheck,
  type ReleaseConsent,
  type ReleaseState,
} from './onward-consent';
export {
  agencyLinkGraph,
  linkOverview,
  type AgencyPairLinks,
  type GraphEdge,
  type GraphNode,
  type GraphNodeKind,
  type LinkGraph,
  type LinkHitSide,
  type LinkNoticeView,
  type LinkOverview,
} from './link-graph';
