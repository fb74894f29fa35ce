import { beforeEach, describe, expect, it } from 'vitest';
import { selectSectorId, sectorFor, useUiStore } from './ui';

const stored = () => JSON.parse(localStorage.getItem('igny8.ui') ?? 'null') as { state: Record<string, unknown>; version: number } | null;

describe('ui store: sector selector per site', () => {
  beforeEach(() => {
    useUiStore.setState({ theme: null, siteId: null, sectorBySite: {} });
  });

  it('remembers the sector chosen for each site', () => {
    const ui = useUiStore.getState;
    ui().setSite(1);
    ui().setSector(11);
    expect(selectSectorId(ui())).toBe(11);

    ui().setSite(2);
    expect(selectSectorId(ui())).toBeNull();
    ui().setSector(22);
    expect(selectSectorId(ui())).toBe(22);

    ui().setSite(1);
    expect(selectSectorId(ui())).toBe(11);
    expect(sectorFor(ui(), 2)).toBe(22);
  });

  it('"All sectors" (null) is remembered too, and only for that site', () => {
    const ui = useUiStore.getState;
    ui().setSite(1);
    ui().setSector(11);
    ui().setSectorFor(2, 22);
    ui().setSector(null);
    expect(selectSectorId(ui())).toBeNull();
    expect(sectorFor(ui(), 2)).toBe(22);
  });

  it('does nothing without a current site', () => {
    useUiStore.getState().setSector(5);
    expect(useUiStore.getState().sectorBySite).toEqual({});
  });

  it('persists the choices to localStorage (version 1)', () => {
    useUiStore.getState().setSite(3);
    useUiStore.getState().setSector(33);
    expect(stored()?.version).toBe(1);
    expect(stored()?.state).toMatchObject({ siteId: 3, sectorBySite: { '3': 33 } });
  });

  it('moves a stored version-0 choice (one sector for the current site) to that site', async () => {
    localStorage.setItem('igny8.ui', JSON.stringify({ state: { theme: 'dark', siteId: 4, sectorId: 44 }, version: 0 }));
    await useUiStore.persist.rehydrate();
    const state = useUiStore.getState();
    expect(state.theme).toBe('dark');
    expect(state.siteId).toBe(4);
    expect(sectorFor(state, 4)).toBe(44);
    expect(selectSectorId(state)).toBe(44);
  });
});
