/**
 * The shared health and metrics routes, kept out of the gateway's OpenAPI
 * document: they are the orchestrator's and Prometheus', not the API's.
 */
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthController } from '@liaison/runtime';

@ApiExcludeController()
@Controller()
export class GatewayHealthController extends HealthController {}
