/**
 * `liaison workspace [--port N]`: serves the agency's workspace (inbox, publish
 * with a live preview, sent messages' outcomes, cases, links) on this machine,
 * at 127.0.0.1 only, until Ctrl-C. It prints the link to open: the link carries
 * the access key that this run generated.
 */
import { CommanderError } from 'commander';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import { Workspace } from '../workspace/workspace-server';

export function portOf(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw new CommanderError(2, 'liaison.usage', '--port: a port number (0 for any free port)');
  return Number(text);
}

export async function workspaceCommand(
  client: HubClient,
  identity: AgencyIdentity,
  options: { port: string },
): Promise<number> {
  const running = await new Workspace({ client, identity, port: portOf(options.port) }).start();
  process.stdout.write(
    `workspace of ${identity.agencyId} (hub ${client.baseUrl}) at ${running.url}\nopen ${running.openUrl}\n(Ctrl-C to stop)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}
