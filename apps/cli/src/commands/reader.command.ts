/**
 * The commands of an agency reading and following up its traffic: `show` (one
 * delivery of its feed, readable) and `status` (who got one of its messages,
 * and what).
 */
import type { Command } from 'commander';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import type { OutputOptions } from '../output';
import { showCommand } from './show.command';
import { statusCommand } from './status.command';

export interface ReaderContext {
  readonly client: () => HubClient;
  readonly identity: () => AgencyIdentity | undefined;
  readonly globals: () => OutputOptions;
}

export function registerReaderCommands(
  program: Command,
  context: ReaderContext,
  setExitCode: (code: number) => void,
): void {
  program
    .command('show <entry>')
    .description(
      'one delivery of your feed, readable (entry number from `feed`, or the message id), with what was withheld and the checks',
    )
    .action(async (entry: string) => {
      setExitCode(
        await showCommand(context.client(), context.identity(), entry, context.globals()),
      );
    });

  program
    .command('status <messageId>')
    .description('who got one of your messages, and what: the outcome for each recipient')
    .action(async (messageId: string) => {
      setExitCode(await statusCommand(context.client(), messageId, context.globals()));
    });
}
