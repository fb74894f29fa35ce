import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import Onboarding from './Onboarding';

const industries = [
  {
    id: 1,
    slug: 'health-wellness',
    name: 'Health & Wellness',
    description: '',
    sectors: [
      { id: 1, slug: 'mental-health', name: 'Mental Health', description: '' },
      { id: 2, slug: 'nutrition-diet', name: 'Nutrition & Diet', description: '' },
    ],
  },
];
const plan = {
  id: 1, slug: 'free', name: 'Free', price_cents: 0, billing_cycle: 'monthly', included_credits: 150,
  max_sites: 1, max_users: 2, max_keywords: 100, max_sectors_per_site: 2, features: [],
};
const me = {
  user: { id: 1, email: 'a@example.com', first_name: 'Ann', last_name: 'Lee', role: 'owner', is_active: true, account_id: 1, created_at: '' },
  account: { id: 1, name: 'Ann Co', slug: 'ann-co', status: 'active', timezone: 'UTC', credits: 150, bonus_credits: 0, plan, created_at: '' },
};
const site = { id: 5, name: 'Blog', slug: 'blog', domain: null, industry_id: 1, is_active: true, has_api_key: false, created_at: '', updated_at: '' };
const sectors = [
  { id: 10, site_id: 5, industry_sector_id: 1, name: 'Mental Health', slug: 'mental-health', description: '', is_active: true, created_at: '' },
  { id: 11, site_id: 5, industry_sector_id: 2, name: 'Nutrition & Diet', slug: 'nutrition-diet', description: '', is_active: true, created_at: '' },
];
const seeds: Record<string, unknown[]> = {
  '1': [
    { id: 101, industry_sector_id: 1, keyword: 'anxiety relief', volume: 9000, difficulty: 20, intent: 'informational', country: 'US' },
    { id: 102, industry_sector_id: 1, keyword: 'stress at work', volume: 5000, difficulty: 20, intent: 'informational', country: 'US' },
  ],
  '2': [{ id: 201, industry_sector_id: 2, keyword: 'meal prep ideas', volume: 8000, difficulty: 20, intent: 'informational', country: 'US' }],
};

function server() {
  return routeFetch({
    'GET /api/v1/auth/me/': () => envelope(me),
    'GET /api/v1/auth/industries/': () => envelope(industries),
    'POST /api/v1/auth/sites/': () => envelope(site),
    'POST /api/v1/auth/sites/5/select_sectors/': () => envelope(sectors),
    'GET /api/v1/auth/sites/5/sectors/': () => envelope(sectors),
    'GET /api/v1/keywords-library/': (url) => {
      const results = seeds[url.searchParams.get('industry_sector_id') ?? ''] ?? [];
      return jsonResponse(200, { success: true, count: results.length, next: null, previous: null, results });
    },
    'POST /api/v1/planner/keywords/bulk_add_from_seed/': (_, init) => {
      const ids = (JSON.parse(String(init?.body)) as { seed_keyword_ids: number[] }).seed_keyword_ids;
      return envelope({ total_rows: ids.length, created: ids.length, restored: 0, existing: 0, duplicates: 0, errors: [], dry_run: false });
    },
  });
}

async function toKeywordStep() {
  fireEvent.change(await screen.findByLabelText('Site name'), { target: { value: 'Blog' } });
  await screen.findByRole('option', { name: 'Health & Wellness' });
  fireEvent.change(screen.getByLabelText('Industry'), { target: { value: '1' } });
  fireEvent.click(await screen.findByRole('checkbox', { name: /Mental Health/ }));
  fireEvent.click(screen.getByRole('checkbox', { name: /Nutrition & Diet/ }));
  await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Connect WordPress' });
  await userEvent.click(screen.getByRole('button', { name: 'Skip for now' }));
  await screen.findByRole('heading', { name: 'Add keywords' });
}

describe('Onboarding wizard', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it("adds library keywords to the new site's sectors and counts them in the summary", async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<Onboarding />, { route: '/onboarding' });
    await toKeywordStep();

    await within(await screen.findByTestId('library-sector-11')).findByRole('checkbox', { name: /meal prep ideas/ });
    await within(screen.getByTestId('library-sector-10')).findByRole('checkbox', { name: /stress at work/ });
    await userEvent.click(screen.getByRole('button', { name: 'Add 3 selected keywords' }));
    expect((await screen.findByTestId('added-so-far')).textContent).toBe('3 keywords added');
    const bodies = fetchMock.mock.calls
      .filter(([input]) => String(input).includes('bulk_add_from_seed'))
      .map(([, init]) => JSON.parse(String(init?.body)) as unknown);
    expect(bodies).toEqual([
      { seed_keyword_ids: [101, 102], site_id: 5, sector_id: 10 },
      { seed_keyword_ids: [201], site_id: 5, sector_id: 11 },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: "You're all set" });
    expect(screen.getByTestId('summary-keywords').textContent).toBe('3 keywords added');
  });

  it('says "Later" in the summary when the keyword step is skipped', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<Onboarding />, { route: '/onboarding' });
    await toKeywordStep();
    await userEvent.click(screen.getByRole('button', { name: 'Skip for now' }));
    await screen.findByRole('heading', { name: "You're all set" });
    expect(screen.getByTestId('summary-keywords').textContent).toBe('Later');
    expect(fetchMock.mock.calls.some(([input]) => String(input).includes('bulk_add_from_seed'))).toBe(false);
  });

  it('draws the stepper as four steps with connectors that share the space equally', async () => {
    vi.stubGlobal('fetch', server());
    renderWithProviders(<Onboarding />, { route: '/onboarding' });
    const stepper = await screen.findByRole('list', { name: 'Setup progress' });
    // Screen readers hear four steps (the connectors are hidden from them).
    const steps = within(stepper).getAllByRole('listitem');
    expect(steps.map((li) => li.textContent)).toEqual(['1Add a site(current)', '2Connect WordPress', '3Add keywords', '4Summary']);
    const connectors = screen.getAllByTestId('stepper-connector');
    expect(connectors).toHaveLength(3);
    // Equal shares: the connectors grow from nothing alike, the steps keep their own width.
    for (const c of connectors) expect(c.className).toMatch(/\bflex-1\b.*\bbasis-0\b/);
    for (const li of steps) expect(li.className).toMatch(/\bflex-none\b/);
  });
});
