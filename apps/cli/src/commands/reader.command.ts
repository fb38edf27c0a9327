/**
 * The commands of an agency reading and following up its traffic: `show` (one
 * delivery of its feed, readable), `status` (who got one of its messages, and
 * what) and `workspace` (the same in a browser, served on this machine).
 */
import type { Command } from 'commander';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import type { OutputOptions } from '../output';
import { showCommand } from './show.command';
import { statusCommand } from './status.command';
import { workspaceCommand } from './workspace.command';

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

  program
    .command('workspace')
    .description(
      "serve your agency's workspace (inbox, publish with a live preview, outcomes, cases, links) on this machine; your keys stay here",
    )
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '4180')
    .action(async (o: { port: string }) => {
      const identity = context.identity();
      if (!identity) return;
      setExitCode(await workspaceCommand(context.client(), identity, o));
    });
}
