import type { ComponentType } from 'react';
import { BookIcon, BulbIcon, CheckCircleIcon, ClusterIcon, ImageIcon, ListIcon, PenIcon, TagIcon } from '../components/icons';
import { ButtonLink, Card, EmptyState, PageHeader } from '../components/ui';
import { useCurrentSector, useCurrentSite } from '../lib/currentSite';

interface PageInfo {
  title: string;
  module: string;
  icon: ComponentType<{ size?: number }>;
  description: string;
  future: string;
}

const PAGES: Record<string, PageInfo> = {
  keywords: {
    title: 'Keywords',
    module: 'Planner',
    icon: TagIcon,
    description: 'The keywords each site and sector targets.',
    future: 'Import keywords from CSV or the keyword library, filter by volume and difficulty, and cluster them.',
  },
  clusters: {
    title: 'Clusters',
    module: 'Planner',
    icon: ClusterIcon,
    description: 'Groups of related keywords, each with a pillar keyword.',
    future: 'Auto-cluster keywords locally, review clusters and send them on to idea generation.',
  },
  ideas: {
    title: 'Ideas',
    module: 'Planner',
    icon: BulbIcon,
    description: 'Article ideas with outlines, built from clusters.',
    future: 'Generate ideas with H2/H3 outlines per cluster and queue them to the writer.',
  },
  tasks: {
    title: 'Tasks',
    module: 'Writer',
    icon: ListIcon,
    description: 'The writing queue.',
    future: 'Queue ideas as tasks and generate drafts that follow each outline.',
  },
  drafts: {
    title: 'Drafts',
    module: 'Writer',
    icon: PenIcon,
    description: 'Generated articles with their SEO metadata.',
    future: 'Read, edit and optimise generated drafts before review.',
  },
  images: {
    title: 'Images',
    module: 'Writer',
    icon: ImageIcon,
    description: 'Featured and in-article images per draft.',
    future: 'Generate image prompts and images for each draft.',
  },
  review: {
    title: 'Review',
    module: 'Writer',
    icon: CheckCircleIcon,
    description: 'Drafts waiting for approval.',
    future: 'Approve drafts and send them to the publishing queue.',
  },
  library: {
    title: 'Keyword Library',
    module: 'Library',
    icon: BookIcon,
    description: 'Seed keywords by industry and sector.',
    future: 'Browse seed keywords for your industry and add them to a site in one click.',
  },
};

export default function ComingSoon({ page }: { page: string }) {
  const info = PAGES[page] ?? PAGES.keywords!;
  const { site } = useCurrentSite();
  const { sector } = useCurrentSector(site?.id ?? null);
  const Icon = info.icon;
  const scope = site ? `${site.name}${sector ? ` · ${sector.name}` : ''}` : null;
  return (
    <>
      <PageHeader eyebrow={info.module} title={info.title} description={info.description} />
      <Card>
        <EmptyState
          icon={<Icon size={22} />}
          title="Coming soon in this build"
          action={<ButtonLink to="/settings/sites">Review your sites and sectors</ButtonLink>}
        >
          <p>{info.future}</p>
          {scope && <p className="mt-2 text-xs">It will work on: {scope}</p>}
        </EmptyState>
      </Card>
    </>
  );
}
