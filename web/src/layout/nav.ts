import type { ComponentType } from 'react';
import {
  BookIcon,
  BuildingIcon,
  BulbIcon,
  CheckCircleIcon,
  ClusterIcon,
  DocIcon,
  EyeIcon,
  GlobeIcon,
  HomeIcon,
  ImageIcon,
  ListIcon,
  PenIcon,
  PlugIcon,
  PromptIcon,
  SparkIcon,
  TagIcon,
  UsersIcon,
} from '../components/icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; className?: string }>;
  end?: boolean;
}

export interface NavGroup {
  label: string | null;
  items: NavItem[];
}

export const navGroups: NavGroup[] = [
  { label: null, items: [{ to: '/', label: 'Dashboard', icon: HomeIcon, end: true }] },
  {
    label: 'Planner',
    items: [
      { to: '/planner/keywords', label: 'Keywords', icon: TagIcon },
      { to: '/planner/clusters', label: 'Clusters', icon: ClusterIcon },
      { to: '/planner/ideas', label: 'Ideas', icon: BulbIcon },
    ],
  },
  {
    label: 'Writer',
    items: [
      { to: '/writer/tasks', label: 'Tasks', icon: ListIcon },
      { to: '/writer/drafts', label: 'Drafts', icon: PenIcon },
      { to: '/writer/images', label: 'Images', icon: ImageIcon },
      { to: '/writer/review', label: 'Review', icon: EyeIcon },
      { to: '/writer/approved', label: 'Approved', icon: CheckCircleIcon },
    ],
  },
  { label: 'Library', items: [{ to: '/keywords-library', label: 'Keyword Library', icon: BookIcon }] },
  {
    label: 'Settings',
    items: [
      { to: '/settings/sites', label: 'Sites', icon: GlobeIcon },
      { to: '/settings/content', label: 'Content', icon: DocIcon },
      { to: '/settings/ai', label: 'AI', icon: SparkIcon },
      { to: '/settings/prompts', label: 'Prompts', icon: PromptIcon },
      { to: '/settings/team', label: 'Team', icon: UsersIcon },
      { to: '/settings/account', label: 'Account', icon: BuildingIcon },
      { to: '/settings/modules', label: 'Modules', icon: PlugIcon },
    ],
  },
];

/**
 * Which header selectors a page shows: planner/writer pages and the keyword library work per site and sector;
 * settings need neither.
 */
export function selectorsFor(pathname: string): { site: boolean; sector: boolean } {
  // The editor shows one article: the header's scope does not change it.
  if (pathname.startsWith('/writer/content/')) return { site: false, sector: false };
  if (pathname.startsWith('/planner') || pathname.startsWith('/writer') || pathname.startsWith('/keywords-library')) {
    return { site: true, sector: true };
  }
  if (pathname === '/') return { site: true, sector: false };
  return { site: false, sector: false };
}
