// Friendly names for the schema's component types.
import type { components } from './schema';

type S = components['schemas'];

export type User = S['UserOut'];
export type Account = S['AccountOut'];
export type Plan = S['PlanOut'];
export type Session = S['SessionOut'];
export type Me = S['MeOut'];
export type Site = S['SiteOut'];
export type SiteInput = S['SiteIn'];
export type SiteUpdate = S['SiteUpdateIn'];
export type Sector = S['SectorOut'];
export type Industry = S['IndustryOut'];
export type IndustrySector = S['IndustrySectorOut'];
export type TeamMember = S['TeamMemberOut'];
export type InviteInput = S['InviteIn'];
export type MemberUpdate = S['MemberUpdateIn'];
export type ApiKey = S['ApiKeyOut'];

export type Role = 'owner' | 'admin' | 'editor' | 'viewer' | 'developer' | 'system_bot';

export function isAdminRole(role: string | undefined | null): boolean {
  return role === 'owner' || role === 'admin' || role === 'developer';
}

export type Task = S['TaskOut'];
export type TaskProgress = S['ProgressOut'];
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type Notification = S['NotificationOut'];
export type CreditBalance = S['BalanceOut'];

/** Editors and above run AI work; viewers only read. */
export function canRunAi(role: string | undefined | null): boolean {
  return role === 'owner' || role === 'admin' || role === 'editor' || role === 'developer';
}
