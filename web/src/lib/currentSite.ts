import { useEffect } from 'react';
import { useAllSites, useSiteSectors } from '../api/queries';
import { sectorFor, useUiStore } from '../stores/ui';

/** The site chosen in the header (the stored choice when it still exists, else the first site). */
export function useCurrentSite() {
  const query = useAllSites();
  const storedId = useUiStore((s) => s.siteId);
  const setSite = useUiStore((s) => s.setSite);
  const sites = query.data?.results ?? [];
  const site = sites.find((s) => s.id === storedId) ?? sites[0] ?? null;

  useEffect(() => {
    if (query.isSuccess && (site?.id ?? null) !== storedId) setSite(site?.id ?? null);
  }, [query.isSuccess, site?.id, storedId, setSite]);

  return { site, sites, query };
}

/**
 * Active sectors of a site and the one chosen in the header for that site (null = all sectors). The choice is
 * remembered per site: switching sites and back brings it back.
 */
export function useCurrentSector(siteId: number | null) {
  const query = useSiteSectors(siteId);
  const storedId = useUiStore((s) => sectorFor(s, siteId));
  const setSectorFor = useUiStore((s) => s.setSectorFor);
  const sectors = (query.data ?? []).filter((s) => s.is_active);
  const sector = sectors.find((s) => s.id === storedId) ?? null;

  // A remembered sector that was removed (or made inactive) falls back to all sectors.
  useEffect(() => {
    if (siteId !== null && query.isSuccess && storedId !== null && !sector) setSectorFor(siteId, null);
  }, [siteId, query.isSuccess, storedId, sector, setSectorFor]);

  return { sector, sectors, query };
}
