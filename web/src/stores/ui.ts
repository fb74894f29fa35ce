import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type Theme = 'light' | 'dark';

export interface UiState {
  /** null = follow the system until the user picks one. */
  theme: Theme | null;
  siteId: number | null;
  /** The sector chosen for each site (by site id); missing or null = all sectors. */
  sectorBySite: Record<string, number | null>;
  setTheme: (theme: Theme) => void;
  setSite: (siteId: number | null) => void;
  /** Chooses the sector of the current site (null = all sectors). */
  setSector: (sectorId: number | null) => void;
  setSectorFor: (siteId: number, sectorId: number | null) => void;
}

/** The sector remembered for `siteId` (null = all sectors). */
export function sectorFor(state: Pick<UiState, 'sectorBySite'>, siteId: number | null): number | null {
  if (siteId === null) return null;
  return state.sectorBySite[String(siteId)] ?? null;
}

/** The sector of the current site. */
export const selectSectorId = (state: UiState): number | null => sectorFor(state, state.siteId);

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      theme: null,
      siteId: null,
      sectorBySite: {},
      setTheme: (theme) => set({ theme }),
      setSite: (siteId) => set((s) => (s.siteId === siteId ? s : { siteId })),
      setSector: (sectorId) =>
        set((s) => (s.siteId === null ? s : { sectorBySite: { ...s.sectorBySite, [String(s.siteId)]: sectorId } })),
      setSectorFor: (siteId, sectorId) =>
        set((s) =>
          (s.sectorBySite[String(siteId)] ?? null) === sectorId
            ? s
            : { sectorBySite: { ...s.sectorBySite, [String(siteId)]: sectorId } },
        ),
    }),
    {
      name: 'igny8.ui',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ theme: s.theme, siteId: s.siteId, sectorBySite: s.sectorBySite }),
      // Version 0 kept one sector for whichever site was current.
      migrate: (persisted, version) => {
        const old = (persisted ?? {}) as { theme?: Theme | null; siteId?: number | null; sectorId?: number | null };
        if (version === 0) {
          const sectorBySite: Record<string, number | null> = {};
          if (old.siteId != null && old.sectorId != null) sectorBySite[String(old.siteId)] = old.sectorId;
          return { theme: old.theme ?? null, siteId: old.siteId ?? null, sectorBySite };
        }
        return persisted as Partial<UiState>;
      },
    },
  ),
);

export function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches === true;
}

export function effectiveTheme(theme: Theme | null): Theme {
  return theme ?? (systemPrefersDark() ? 'dark' : 'light');
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (root.classList.contains('dark') === (theme === 'dark')) return;
  // Switch in one frame: colour transitions would otherwise fade every element at its own pace.
  const freeze = document.createElement('style');
  freeze.textContent = '*,*::before,*::after{transition:none!important}';
  document.head.appendChild(freeze);
  root.classList.toggle('dark', theme === 'dark');
  void getComputedStyle(root).color;
  requestAnimationFrame(() => freeze.remove());
}
