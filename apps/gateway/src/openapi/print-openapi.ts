/**
 * Prints the gateway's OpenAPI 3.1 document (JSON) without a running hub:
 *   node -r ./deploy/runtime/register.js dist/apps/gateway/src/openapi/print-openapi.js > liaison.openapi.json
 * The same document a hub serves at /docs/openapi.json.
 */
import 'reflect-metadata';
import { documentOnlyGateway } from './document-only-gateway';

async function main(): Promise<void> {
  const gateway = await documentOnlyGateway();
  try {
    process.stdout.write(`${JSON.stringify(gateway.document, null, 2)}\n`);
  } finally {
    await gateway.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
