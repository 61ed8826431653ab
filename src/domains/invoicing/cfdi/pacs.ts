/**
 * Which PAC stamps, from configuration (PAC, PAC_URL, PAC_TOKEN or PAC_USER/PAC_PASSWORD,
 * PAC_TIMEOUT_SECONDS): the invoicing service asks for a PacPort and does not know which.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { PacPort } from './pac.ts';
import { SandboxPac, type SandboxPacStore } from './sandbox-pac.ts';
import { SwPac } from './sw-pac.ts';

/** `sandbox` stamps locally without fiscal validity; `sw` is SW Sapien's REST API. */
export type PacSettings =
  | { name: 'sandbox' }
  | {
      name: 'sw';
      url: string;
      /** A fixed ("infinito") token, or user and password for two-hour tokens. */
      token?: string;
      user?: string;
      password?: string;
      timeoutMs: number;
    };

export function createPac(
  settings: PacSettings,
  deps: { clock: Clock; sandboxStore?: SandboxPacStore; originalStringOf?: (xml: string) => Promise<string> },
): PacPort {
  if (settings.name === 'sw') {
    const { name: _name, ...options } = settings;
    return new SwPac({ ...options, clock: deps.clock });
  }
  return new SandboxPac({
    clock: deps.clock,
    ...(deps.sandboxStore ? { store: deps.sandboxStore } : {}),
    ...(deps.originalStringOf ? { originalStringOf: deps.originalStringOf } : {}),
  });
}
