/**
 * Case figures rolled up by the lead agency's jurisdiction, built only from the
 * per-agency figures as the viewer may see them (`caseMetrics`): a
 * jurisdiction's count is the sum of its lead agencies' counts when every one of
 * them is shown, else suppressed. So the two views together reveal nothing that
 * either hides: a jurisdiction's sum minus a shown agency's figure never uncovers
 * a suppressed one. A jurisdiction is the viewer's own when the viewer's agency
 * is the only lead agency counted in it.
 */
import { caseRate, type AgencyCaseFigures, type CaseCounts } from './case-metrics';
import type { Cell } from '@liaison/small-counts';

export interface JurisdictionCaseFigures extends CaseCounts<Cell> {
  readonly jurisdiction: string;
  /** Every case counted here was led by the viewer's agency. */
  readonly own: boolean;
  readonly resolutionRate: number | null;
  readonly victimReferralRate: number | null;
}

export function caseFiguresPerJurisdiction(
  perAgency: readonly AgencyCaseFigures[],
): JurisdictionCaseFigures[] {
  const groups = new Map<string, AgencyCaseFigures[]>();
  for (const row of perAgency) {
    groups.set(row.jurisdiction, [...(groups.get(row.jurisdiction) ?? []), row]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([jurisdiction, rows]): JurisdictionCaseFigures => {
      const own = rows.every((r) => r.own);
      const sum = (pick: (r: AgencyCaseFigures) => Cell): Cell =>
        rows.reduce<Cell>((acc, r) => {
          const value = pick(r);
          return acc === 'suppressed' || value === 'suppressed' ? 'suppressed' : acc + value;
        }, 0);
      const opened = sum((r) => r.casesOpened);
      const resolved = sum((r) => r.casesResolved);
      const referred = sum((r) => r.casesWithVictimReferral);
      return {
        jurisdiction,
        own,
        casesOpened: opened,
        casesResolved: resolved,
        casesWithVictimReferral: referred,
        resolutionRate: caseRate(resolved, opened, own),
        victimReferralRate: caseRate(referred, opened, own),
      };
    });
}
