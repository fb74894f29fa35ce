import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../test/render';
import { CreditBadge } from './AppLayout';

describe('credit badge', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('is named "150 credits" once, for sight and for screen readers', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/v1/billing/credits/balance/': () =>
          jsonResponse(200, {
            success: true,
            data: { credits: 140, bonus_credits: 10, total: 150, plan_included_credits: 150, plan: 'free', used_this_period: 10, period_start: null, period_end: null },
          }),
        'GET /api/v1/auth/me/': () => jsonResponse(200, { success: true, data: { user: {}, account: { credits: 140, bonus_credits: 10 } } }),
      }),
    );
    renderWithProviders(<CreditBadge />);
    const badge = await screen.findByRole('link', { name: '150 credits' });
    expect(badge.textContent).toBe('150 credits');
    expect(badge.textContent).not.toMatch(/credits\s+credits/);
    expect(badge.getAttribute('title')).toBe('140 plan credits + 10 bonus credits');
  });
});
