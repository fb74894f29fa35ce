// Friendly names for the schema's component types.
import type { components } from './schema';

type S = components['schemas'];

export type User = S['UserOut'];
export type Account = S['AccountOut'];
export type Plan = S['PlanOut'];
export type Session = S['SessionOut'];
export type Challenge = S['ChallengeOut'];
export type TwoFactorSetup = S['TwoFactorSetupOut'];
export type TwoFactorStatus = S['TwoFactorOut'];
export type SessionInfo = S['SessionInfoOut'];
export type AccountSecurity = S['AccountSecurityOut'];
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

// Planner
export type Keyword = S['KeywordOut'];
export type KeywordInput = S['KeywordIn'];
export type KeywordPatch = S['KeywordPatch'];
export type Cluster = S['ClusterOut'];
export type ClusterInput = S['ClusterIn'];
export type ClusterPatch = S['ClusterPatch'];
export type Idea = S['IdeaOut'];
export type IdeaPatch = S['IdeaPatch'];
export type OutlineSection = S['SectionOut'];
export type SeedKeyword = S['SeedKeywordOut'];
export type SectorStats = S['SectorStatsOut'];
export type ImportReport = S['ImportReport'];
export type RowError = S['RowError'];

export const INTENTS = ['informational', 'commercial', 'transactional', 'navigational'] as const;
export type Intent = (typeof INTENTS)[number];

// AI settings
export type Prompt = S['PromptOut'];
export type PromptVariable = S['PromptVariableOut'];
export type ModelChoice = S['ModelChoiceOut'];

/**
 * Work the offline provider wrote is labelled: `source == "offline"` on ideas, a description that starts with
 * "Offline draft" elsewhere.
 */
export function isOfflineDraft(item: { source?: string | null; description?: string | null }): boolean {
  return item.source === 'offline' || (item.description ?? '').trimStart().startsWith('Offline draft');
}

// Writer
export type WriterTask = S['WriterTaskOut'];
export type WriterTaskInput = S['WriterTaskIn'];
export type Content = S['ContentOut'];
export type ContentPatch = S['ContentPatch'];
export type Validation = S['Validation'];
export type ValidationCheck = S['Check'];
export type WriterImage = S['ImageOut'];
export type ContentImages = S['ContentImagesOut'];
export type ContentSettings = S['ContentSettingsOut'];
export type ContentSettingsInput = S['ContentSettingsIn'];
export type Taxonomy = S['TaxonomyOut'];
export type QueuedToWriter = S['QueuedOut'];

/** Editorial states of an article. */
export type ContentStatus = 'draft' | 'review' | 'approved';
