import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../test/render';
import { SiteForm } from './SiteForm';

const industries = [
  {
    id: 1,
    slug: 'health-wellness',
    name: 'Health & Wellness',
    description: '',
    sectors: [
      { id: 1, slug: 'mental-health', name: 'Mental Health', description: 'Stress and mood.' },
      { id: 2, slug: 'nutrition-diet', name: 'Nutrition & Diet', description: 'Eating well.' },
      { id: 3, slug: 'fitness', name: 'Fitness', description: 'Moving more.' },
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
const site = { id: 5, name: 'Blog', slug: 'blog', domain: 'https://blog.example.com', industry_id: 1, is_active: true, has_api_key: false, created_at: '', updated_at: '' };
const ok = (data: unknown, status = 200) => jsonResponse(status, { success: true, data, request_id: 'r' });
const fail = (status: number, body: Record<string, unknown>) => jsonResponse(status, { success: false, request_id: 'req-9', ...body });

const common = {
  'GET /api/v1/auth/industries/': () => ok(industries),
  'GET /api/v1/auth/me/': () => ok(me),
};

async function fillForm() {
  fireEvent.change(screen.getByLabelText('Site name'), { target: { value: 'Blog' } });
  fireEvent.change(screen.getByLabelText(/Website address/), { target: { value: 'not a url' } });
  await screen.findByRole('option', { name: 'Health & Wellness' });
  fireEvent.change(screen.getByLabelText('Industry'), { target: { value: '1' } });
  fireEvent.click(await screen.findByRole('checkbox', { name: /Mental Health/ }));
  fireEvent.click(screen.getByRole('checkbox', { name: /Nutrition & Diet/ }));
}

describe('SiteForm (onboarding step 1)', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A', refresh: 'R', user: null, notice: null });
  });

  it('shows API field errors next to their fields', async () => {
    const fetchMock = routeFetch({
      ...common,
      'POST /api/v1/auth/sites/': () =>
        fail(400, {
          error: 'domain: Enter a site address like example.com.',
          code: 'VALIDATION_ERROR',
          errors: { domain: ['Enter a site address like example.com.'], name: ['That name is taken.'] },
        }),
    });
    vi.stubGlobal('fetch', fetchMock);
    const onCreated = vi.fn();
    renderWithProviders(<SiteForm onCreated={onCreated} />);
    await fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Create site' }));

    const domain = screen.getByLabelText(/Website address/);
    await waitFor(() => expect(domain.getAttribute('aria-invalid')).toBe('true'));
    const domainError = document.getElementById(domain.getAttribute('aria-describedby')!.split(' ')[0]!);
    expect(domainError?.textContent).toBe('Enter a site address like example.com.');
    const name = screen.getByLabelText('Site name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('That name is taken.')).toBeTruthy();
    // The summary does not repeat field messages.
    expect(screen.getByRole('alert').textContent).toContain('Please correct the highlighted fields.');
    expect(onCreated).not.toHaveBeenCalled();
    // The form is usable again.
    expect((screen.getByRole('button', { name: 'Create site' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a plan limit clearly', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        ...common,
        'POST /api/v1/auth/sites/': () =>
          fail(403, { error: 'The Free plan allows 1 site; upgrade the plan to add more.', code: 'PLAN_LIMIT', limit: 'max_sites', max: 1, plan: 'free' }),
      }),
    );
    renderWithProviders(<SiteForm onCreated={vi.fn()} />);
    await fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Create site' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Plan limit reached')).toBeTruthy();
    expect(within(alert).getByText('The Free plan allows 1 site; upgrade the plan to add more.')).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'See your plan' }).getAttribute('href')).toBe('/settings/account');
  });

  it('checks required fields before calling the API and caps sectors at the plan limit', async () => {
    const fetchMock = routeFetch(common);
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<SiteForm onCreated={vi.fn()} />);
    await screen.findByRole('option', { name: 'Health & Wellness' });
    fireEvent.click(screen.getByRole('button', { name: 'Create site' }));
    expect(await screen.findByText('Enter a name for the site.')).toBeTruthy();
    expect(screen.getByText('Choose an industry.')).toBeTruthy();
    expect(screen.getByText('Choose at least one sector.')).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);

    fireEvent.change(screen.getByLabelText('Industry'), { target: { value: '1' } });
    fireEvent.click(await screen.findByRole('checkbox', { name: /Mental Health/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Nutrition & Diet/ }));
    expect((screen.getByRole('checkbox', { name: /Fitness/ }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText('2 of 2 selected (Free plan)')).toBeTruthy();
  });

  it('creates the site, then its sectors; a sector error keeps the site and the retry updates it', async () => {
    let sectorCalls = 0;
    const fetchMock = routeFetch({
      ...common,
      'POST /api/v1/auth/sites/': () => ok(site, 201),
      'PATCH /api/v1/auth/sites/5/': () => ok(site),
      'POST /api/v1/auth/sites/5/select_sectors/': (_url, init) => {
        sectorCalls += 1;
        if (sectorCalls === 1) {
          return fail(400, { error: 'bad', code: 'VALIDATION_ERROR', errors: { sector_slugs: ['"x" is not a sector of Health & Wellness.'] } });
        }
        expect(JSON.parse(String(init?.body))).toEqual({ industry_slug: 'health-wellness', sector_slugs: ['mental-health', 'nutrition-diet'] });
        return ok([
          { id: 1, site_id: 5, industry_sector_id: 1, name: 'Mental Health', slug: 'mental-health', description: '', is_active: true, created_at: '' },
          { id: 2, site_id: 5, industry_sector_id: 2, name: 'Nutrition & Diet', slug: 'nutrition-diet', description: '', is_active: true, created_at: '' },
        ]);
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const onCreated = vi.fn();
    renderWithProviders(<SiteForm onCreated={onCreated} />);
    await fillForm();
    fireEvent.change(screen.getByLabelText(/Website address/), { target: { value: 'blog.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create site' }));

    expect(await screen.findByText('"x" is not a sector of Health & Wellness.')).toBeTruthy();
    expect(screen.getByText(/was saved, but its sectors were not/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Create site' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(onCreated.mock.calls[0]![0].site.id).toBe(5);
    expect(onCreated.mock.calls[0]![0].sectors).toHaveLength(2);
    const methods = fetchMock.mock.calls.map(([u, init]) => `${init?.method ?? 'GET'} ${new URL(String(u), 'http://l').pathname}`);
    expect(methods.filter((m) => m === 'POST /api/v1/auth/sites/')).toHaveLength(1);
    expect(methods).toContain('PATCH /api/v1/auth/sites/5/');
  });
});
