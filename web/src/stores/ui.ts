import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type Theme = 'light' | 'dark';

export interface UiState {
  /** null = follow the system until the user picks one. */
  theme: Theme | null;
  siteId: number | null;
  sectorId: number | null;
  setTheme: (theme: Theme) => void;
  setSite: (siteId: number | null) => void;
  setSector: (sectorId: number | null) => void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      theme: null,
      siteId: null,
      sectorId: null,
      setTheme: (theme) => set({ theme }),
      setSite: (siteId) => set((s) => (s.siteId === siteId ? s : { siteId, sectorId: null })),
      setSector: (sectorId) => set({ sectorId }),
    }),
    { name: 'igny8.ui', storage: createJSONStorage(() => localStorage) },
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
