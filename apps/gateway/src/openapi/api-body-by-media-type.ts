/**
 * A request body whose schema depends on its media type (an SD-JWT as text, or
 * the same message as JSON): @nestjs/swagger gives every media type one
 * schema, so the document step (openapi-document.ts) writes this one instead.
 */
import { SetMetadata } from '@nestjs/common';

export const OPENAPI_BODY_BY_MEDIA_TYPE = 'liaison:openapi-body-by-media-type';

export interface MediaTypeBody {
  readonly schema: Record<string, unknown>;
  readonly example?: unknown;
}

export const ApiBodyByMediaType = (
  description: string,
  content: Readonly<Record<string, MediaTypeBody>>,
): MethodDecorator => SetMetadata(OPENAPI_BODY_BY_MEDIA_TYPE, { description, content });
