import type { UserRole } from '../../platform/principal.ts';
import type { StaffMessageKey } from '../staff/i18n/messages.ts';

/** The roles that may open the console at all: everyone on staff whose work is in it. */
export const CONSOLE_ROLES: readonly UserRole[] = ['agent', 'supervisor', 'finance', 'admin', 'privacy'];

export interface ConsoleSection {
  /** Path under /console. */
  path: string;
  label: StaffMessageKey;
  /** The roles the API lets do this section's work (its routes' policies); the nav shows no other. */
  roles: readonly UserRole[];
  /** Keyboard shortcut (Alt + key) that opens the section. */
  key?: string;
}

/**
 * One list for the navigation, the shortcuts and the routes' guards. Each section's roles are
 * those of the API routes it needs, so the console never offers what the API would refuse.
 */
export const SECTIONS: readonly ConsoleSection[] = [
  {
    path: 'miembros',
    label: 'staff.nav.search',
    roles: ['agent', 'supervisor', 'finance', 'admin'],
    key: 'b',
  },
  { path: 'casos', label: 'staff.nav.cases', roles: ['agent', 'supervisor'], key: 'c' },
  { path: 'quejas', label: 'staff.nav.complaints', roles: ['agent', 'supervisor', 'admin'], key: 'q' },
  { path: 'derechos-arco', label: 'staff.nav.arco', roles: ['privacy', 'supervisor'], key: 'r' },
  { path: 'cobros', label: 'staff.nav.charges', roles: ['finance', 'admin'], key: 'f' },
  { path: 'tablero', label: 'staff.nav.dashboard', roles: ['supervisor', 'admin'], key: 't' },
  { path: 'auditoria', label: 'staff.nav.audit', roles: ['supervisor', 'admin'], key: 'a' },
  { path: 'admin/cuentas', label: 'staff.nav.users', roles: ['admin'] },
  { path: 'admin/llaves', label: 'staff.nav.apiKeys', roles: ['admin'] },
  { path: 'admin/planes', label: 'staff.nav.plans', roles: ['admin'] },
];

export function sectionsFor(role: string): ConsoleSection[] {
  return SECTIONS.filter((s) => (s.roles as readonly string[]).includes(role));
}

/** Where a role lands when it opens /console: its first section (the supervisor: the dashboard). */
export function homeOf(role: string): string {
  if (role === 'supervisor') return '/console/tablero';
  const first = sectionsFor(role)[0];
  return first ? `/console/${first.path}` : '/console';
}

export function mayOpen(role: string, path: string): boolean {
  return sectionsFor(role).some((s) => s.path === path);
}
