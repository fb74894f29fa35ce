import { useEffect } from 'react';
import { useAllSites, useSiteSectors } from '../api/queries';
import { useUiStore } from '../stores/ui';

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

/** Active sectors of the current site and the one chosen in the header (null = all sectors). */
export function useCurrentSector(siteId: number | null) {
  const query = useSiteSectors(siteId);
  const storedId = useUiStore((s) => s.sectorId);
  const setSector = useUiStore((s) => s.setSector);
  const sectors = (query.data ?? []).filter((s) => s.is_active);
  const sector = sectors.find((s) => s.id === storedId) ?? null;

  useEffect(() => {
    if (query.isSuccess && storedId !== null && !sector) setSector(null);
  }, [query.isSuccess, storedId, sector, setSector]);

  return { sector, sectors, query };
}
