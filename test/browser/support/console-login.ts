/**
 * Logging in to the console as an officer of the demo world: a fresh officer
 * token and a signed justification, both from the CLI (`liaison ... token`,
 * `liaison ... justify`), pasted into the login and justification forms.
 */
import type { Page } from 'playwright-core';
import { runCli } from '../../support/hub-processes';

async function cli(args: string[], what: string): Promise<string> {
  const out = await runCli(args);
  if (out.code !== 0) throw new Error(`liaison ${what} failed (${out.code}): ${out.stderr}`);
  return out.stdout.trim();
}

export interface ConsoleOfficer {
  readonly agency: string;
  readonly officer: string;
  readonly roles: string;
}

/** Opens the console at `hubUrl`, logs `who` in and attaches `justification`. */
export async function logInToConsole(
  page: Page,
  hubUrl: string,
  who: ConsoleOfficer,
  justification: string,
): Promise<void> {
  const officer = ['--agency', who.agency, '--officer', who.officer];
  await page.goto(`${hubUrl}/console/`);
  await page
    .getByTestId('login-token')
    .fill(await cli([...officer, '--roles', who.roles, 'token'], 'token'));
  await page.getByTestId('login-submit').click();
  await page
    .getByTestId('justification-input')
    .fill(await cli([...officer, 'justify', justification], 'justify'));
  await page.getByTestId('justification-submit').click();
  await page.getByTestId('filters').waitFor();
}
