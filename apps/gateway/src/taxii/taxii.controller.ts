/**
 * The TAXII 2.1 server (read-only): discovery, one API root per partner agency
 * (its own only, with its agency token), its collections (its feed and one per
 * case it takes part in), objects, manifest, an object and its versions, with
 * `added_after`, `limit`, `next` and `match[...]` filters. Every answer uses the
 * TAXII media type; every refusal is the TAXII error object. Writing is
 * refused (403): the hub's content comes only from signed messages.
 */
import { Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '@liaison/errors';
import {
  parseTaxiiFilter,
  stixVersionOf,
  filterKeyOf,
  type PagedObject,
  type TaxiiEndpoint,
} from '@liaison/stix';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import {
  STIX_MEDIA_TYPE,
  TAXII_MAX_PAGE,
  TAXII_MEDIA_TYPE,
  TAXII_PREFIX,
  queryOf,
  requireTaxiiAccept,
  taxiiLimit,
  taxiiNext,
} from './taxii-http';
import { TaxiiService } from './taxii.service';

/** Readers of the TAXII server: the roles that read the feed. */
const READERS = ['subscriber'] as const;

function taxiiTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function send(res: Response, body: unknown, items?: readonly PagedObject[]): void {
  res.status(200);
  // Set as is: express would add a charset parameter to a string body's type.
  res.setHeader('Content-Type', TAXII_MEDIA_TYPE);
  if (items && items.length > 0) {
    const added = items.map((i) => i.dateAdded);
    res.setHeader('X-TAXII-Date-Added-First', taxiiTimestamp(Math.min(...added)));
    res.setHeader('X-TAXII-Date-Added-Last', taxiiTimestamp(Math.max(...added)));
  }
  res.send(Buffer.from(JSON.stringify(body), 'utf8'));
}

function readOnly(): DomainError {
  return new DomainError(
    'taxii.read-only',
    'this collection is read-only: the hub carries only signed messages, published through /v1/alerts and /v1/case-notices',
    'forbidden',
  );
}

@ApiExcludeController()
@ApiBearerAuth()
@Controller(TAXII_PREFIX)
export class TaxiiController {
  constructor(private readonly taxii: TaxiiService) {}

  @Get()
  @Roles(...READERS)
  discovery(@Req() req: AuthenticatedRequest, @Res() res: Response): void {
    requireTaxiiAccept(req);
    const root = `/${TAXII_PREFIX}/${req.auth.agencyId}/`;
    send(res, {
      title: 'Liaison',
      description: "Your agency's view of the Liaison hub as STIX 2.1: its feed and its cases.",
      default: root,
      api_roots: [root],
    });
  }

  @Get(':root')
  @Roles(...READERS)
  apiRoot(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
  ): void {
    requireTaxiiAccept(req);
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    send(res, {
      title: `Liaison: ${root}`,
      description: `What ${root} receives through Liaison, as ${root} is entitled to see it.`,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: 0,
    });
  }

  @Get(':root/status/:statusId')
  @Roles(...READERS)
  status(@Req() req: AuthenticatedRequest, @Param('root') root: string): never {
    requireTaxiiAccept(req);
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    // Nothing is ever written here, so no status resource exists.
    throw new DomainError('taxii.not-found', 'no such status', 'not-found');
  }

  @Get(':root/collections')
  @Roles(...READERS)
  async collections(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
  ): Promise<void> {
    requireTaxiiAccept(req);
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    const all = await this.taxii.collections(req.auth.agencyId);
    send(res, { collections: all.map((c) => c.collection) });
  }

  @Get(':root/collections/:collectionId')
  @Roles(...READERS)
  async collection(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
    @Param('collectionId') collectionId: string,
  ): Promise<void> {
    requireTaxiiAccept(req);
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    send(res, (await this.taxii.resolve(req.auth.agencyId, collectionId)).collection);
  }

  @Get(':root/collections/:collectionId/objects')
  @Roles(...READERS)
  async objects(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
    @Param('collectionId') collectionId: string,
  ): Promise<void> {
    const { page } = await this.read(req, root, collectionId, 'objects');
    send(
      res,
      {
        more: page.more,
        ...(page.next ? { next: page.next } : {}),
        objects: page.items.map((i) => i.object),
      },
      page.items,
    );
  }

  @Post(':root/collections/:collectionId/objects')
  @Roles(...READERS)
  add(@Req() req: AuthenticatedRequest, @Param('root') root: string): never {
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    throw readOnly();
  }

  @Get(':root/collections/:collectionId/manifest')
  @Roles(...READERS)
  async manifest(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
    @Param('collectionId') collectionId: string,
  ): Promise<void> {
    const { page } = await this.read(req, root, collectionId, 'manifest');
    send(
      res,
      {
        more: page.more,
        ...(page.next ? { next: page.next } : {}),
        objects: page.items.map((i) => ({
          id: i.object.id,
          date_added: taxiiTimestamp(i.dateAdded),
          version: stixVersionOf(i.object),
          media_type: STIX_MEDIA_TYPE,
        })),
      },
      page.items,
    );
  }

  @Get(':root/collections/:collectionId/objects/:objectId')
  @Roles(...READERS)
  async object(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
    @Param('collectionId') collectionId: string,
    @Param('objectId') objectId: string,
  ): Promise<void> {
    const { page } = await this.read(req, root, collectionId, 'object', objectId);
    if (page.items.length === 0 && !page.more) throw notFoundObject(objectId);
    send(
      res,
      {
        more: page.more,
        ...(page.more && page.next ? { next: page.next } : {}),
        objects: page.items.map((i) => i.object),
      },
      page.items,
    );
  }

  @Delete(':root/collections/:collectionId/objects/:objectId')
  @Roles(...READERS)
  remove(@Req() req: AuthenticatedRequest, @Param('root') root: string): never {
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    throw readOnly();
  }

  @Get(':root/collections/:collectionId/objects/:objectId/versions')
  @Roles(...READERS)
  async versions(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('root') root: string,
    @Param('collectionId') collectionId: string,
    @Param('objectId') objectId: string,
  ): Promise<void> {
    const { page } = await this.read(req, root, collectionId, 'versions', objectId);
    if (page.items.length === 0 && !page.more) throw notFoundObject(objectId);
    send(
      res,
      {
        more: page.more,
        ...(page.more && page.next ? { next: page.next } : {}),
        versions: page.items.map((i) => stixVersionOf(i.object)),
      },
      page.items,
    );
  }

  private async read(
    req: AuthenticatedRequest,
    root: string,
    collectionId: string,
    endpoint: TaxiiEndpoint,
    objectId?: string,
  ) {
    requireTaxiiAccept(req);
    this.taxii.requireOwnRoot(req.auth.agencyId, root);
    const resolved = await this.taxii.resolve(req.auth.agencyId, collectionId);
    const params = queryOf(req);
    const parsed = parseTaxiiFilter(params, endpoint);
    const filter = objectId === undefined ? parsed : { ...parsed, ids: new Set([objectId]) };
    const limit =
      endpoint === 'object' || endpoint === 'versions' ? taxiiLimitOr(params) : taxiiLimit(params);
    const page = await this.taxii.page(
      req.auth.agencyId,
      resolved,
      filter,
      filterKeyOf(filter),
      taxiiNext(params),
      limit,
    );
    return { page };
  }
}

function taxiiLimitOr(params: URLSearchParams): number {
  return params.has('limit') ? taxiiLimit(params) : TAXII_MAX_PAGE;
}

function notFoundObject(objectId: string): DomainError {
  return new DomainError(
    'taxii.not-found',
    `no object ${objectId} in this collection`,
    'not-found',
  );
}
