import type { Database, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, STAFF_ROLES, type UserRole } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import { checkPasswordLength, checkPasswordPolicy, hashPassword } from './passwords.ts';
import type { IdentityRepository, UserRecord } from './repository.ts';
import { latest, SIGN_IN_THROTTLE } from './throttle.ts';

/** Roles an admin may give; customers get their account by contracting. */
const ADMIN_ASSIGNABLE: readonly UserRole[] = [...STAFF_ROLES, 'provider'];

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: 'active' | 'disabled';
  providerId: string | null;
  createdAt: string;
}

export function presentUser(user: UserRecord): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as UserRole,
    status: user.status as 'active' | 'disabled',
    providerId: user.providerId,
    createdAt: user.createdAt.toISOString(),
  };
}

/**
 * Who gives an account its password: an admin (staff and provider roles only), the system
 * (contracting, the CLI, tests: any role), or the demo seed. Only the demo seed may set the demo
 * password, which is published and so fails the policy; it may only where demo data is allowed.
 */
export type AssignedBy = 'admin' | 'system' | 'demo';

export interface IdentityOptions {
  /** Demo data is allowed (LIBRA_SEED_DEMO; never in production): the demo seed may set its password. */
  demoAccounts: boolean;
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  password: string;
  providerId?: string | null;
}

/**
 * People's accounts: creating them (by an admin, by contracting, by the demo seed), listing them,
 * disabling and unlocking them, and setting a password. Signing in is SessionsService's
 * (sessions.ts), API keys ApiKeysService's (api-keys.ts).
 */
export class IdentityService {
  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly options: IdentityOptions = { demoAccounts: false },
  ) {}

  /**
   * Creates an account. Admins may create staff and provider accounts; customer accounts are
   * created by contracting (`assignedBy: 'system'`).
   */
  async createUser(actor: Actor, input: NewUser, assignedBy: AssignedBy = 'admin'): Promise<UserView> {
    this.checkNewUser(input, assignedBy);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction((tx) => this.insertUser(tx, actor, input, passwordHash));
  }

  /** The same inside the caller's transaction (contracting creates the customer's account with it). */
  async createUserIn(
    tx: Transaction,
    actor: Actor,
    input: NewUser,
    assignedBy: AssignedBy = 'admin',
  ): Promise<UserView> {
    this.checkNewUser(input, assignedBy);
    return this.insertUser(tx, actor, input, await hashPassword(input.password));
  }

  private checkNewUser(input: NewUser, assignedBy: AssignedBy): void {
    if (assignedBy === 'admin' && !ADMIN_ASSIGNABLE.includes(input.role))
      throw new AppError('ROLE_NOT_ASSIGNABLE');
    this.checkPassword(
      input.password,
      { role: input.role, email: input.email, name: input.name },
      assignedBy,
    );
  }

  /**
   * The password policy, except for the demo seed: its password is published in the README, so the
   * policy refuses it, and the demo accounts exist to be signed into with it. Only the length is
   * kept there, and only where demo data is allowed; anywhere else asking for it is a bug.
   */
  private checkPassword(
    password: string,
    owner: { role: UserRole; email: string; name: string },
    assignedBy: AssignedBy,
  ): void {
    if (assignedBy !== 'demo') {
      checkPasswordPolicy(password, owner);
      return;
    }
    if (!this.options.demoAccounts)
      throw new Error('demo passwords are set only where demo data is allowed (LIBRA_SEED_DEMO)');
    checkPasswordLength(password);
  }

  private async insertUser(
    tx: Transaction,
    actor: Actor,
    input: NewUser,
    passwordHash: string,
  ): Promise<UserView> {
    const email = normaliseEmail(input.email);
    const now = this.clock.now();
    const id = newId();
    if (await this.repository.userByEmail(tx, email)) throw new AppError('EMAIL_TAKEN');
    if (input.providerId && !(await this.repository.providerExists(tx, input.providerId)))
      throw new AppError('PROVIDER_UNKNOWN');
    await this.repository.insertUser(tx, {
      id,
      email,
      name: input.name.trim(),
      role: input.role,
      passwordHash,
      providerId: input.providerId ?? null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await this.audit.record(tx, actor, {
      action: 'user.create',
      recordType: 'user',
      recordId: id,
      details: { role: input.role },
    });
    const created = await this.repository.userById(tx, id);
    if (!created) throw new Error('user vanished after insert');
    return presentUser(created);
  }

  /** Staff read of personal data (names, emails): audited. */
  async listUsers(actor: Actor, role?: UserRole): Promise<UserView[]> {
    return this.db.transaction(async (tx) => {
      const found = await this.repository.listUsers(tx, role);
      await this.audit.record(tx, actor, {
        action: 'user.list',
        recordType: 'user',
        details: { role: role ?? null, count: found.length },
      });
      return found.map(presentUser);
    });
  }

  async setUserStatus(actor: Actor, userId: string, status: 'active' | 'disabled'): Promise<UserView> {
    return this.db.transaction(async (tx) => {
      const user = await this.repository.userById(tx, userId);
      if (!user) throw new AppError('USER_NOT_FOUND');
      const now = this.clock.now();
      await this.repository.setUserStatus(tx, userId, status, now);
      if (status === 'disabled') await this.repository.revokeAllSessions(tx, userId, now);
      await this.audit.record(tx, actor, {
        action: status === 'disabled' ? 'user.disable' : 'user.enable',
        recordType: 'user',
        recordId: userId,
      });
      return presentUser({ ...user, status, updatedAt: now });
    });
  }

  /**
   * Staff let a person sign in again (they called, proved who they are): the account's failed
   * sign-ins until now stop counting, for every address and for its ceiling. The address limits
   * are the addresses' own and are not touched (they clear within 15 minutes). Audited.
   */
  async unlockSignIn(
    actor: Actor,
    userId: string,
  ): Promise<{ user: UserView; unlockedAt: string; failuresCleared: number }> {
    return this.db.transaction(async (tx) => {
      const user = await this.repository.userById(tx, userId);
      if (!user) throw new AppError('USER_NOT_FOUND');
      const now = this.clock.now();
      const { n: failuresCleared } = await this.repository.accountFailures(
        tx,
        user.email,
        latest(new Date(now.getTime() - SIGN_IN_THROTTLE.pair.windowMs), user.signInUnlockedAt),
      );
      await this.repository.setSignInUnlocked(tx, userId, now);
      await this.audit.record(tx, actor, {
        action: 'user.unlock_sign_in',
        recordType: 'user',
        recordId: userId,
        details: { failuresCleared },
      });
      return { user: presentUser(user), unlockedAt: now.toISOString(), failuresCleared };
    });
  }

  /** Sets a password (admin reset, or the demo accounts following LIBRA_DEMO_PASSWORD: `'demo'`). */
  async setPassword(
    actor: Actor,
    userId: string,
    password: string,
    assignedBy: AssignedBy = 'admin',
  ): Promise<void> {
    const user = await this.repository.userById(this.db, userId);
    if (!user) throw new AppError('USER_NOT_FOUND');
    this.checkPassword(
      password,
      { role: user.role as UserRole, email: user.email, name: user.name },
      assignedBy,
    );
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      if (!(await this.repository.userById(tx, userId))) throw new AppError('USER_NOT_FOUND');
      await this.repository.updatePassword(tx, userId, passwordHash, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'user.set_password',
        recordType: 'user',
        recordId: userId,
      });
    });
  }

  async userByEmail(email: string): Promise<UserView | undefined> {
    const user = await this.repository.userByEmail(this.db, normaliseEmail(email));
    return user ? presentUser(user) : undefined;
  }
}
