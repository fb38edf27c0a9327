/** Marks a route as open (no token): only health, metrics and public keys use it. */
import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'liaison:public';
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
