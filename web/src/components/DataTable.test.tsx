import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Page } from '../api/client';
import { renderWithProviders } from '../test/render';
import { DataTable, nextOrdering, type Column, type TableQuery } from './DataTable';

interface Row {
  id: number;
  name: string;
}

const ALL: Row[] = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: `Site ${String(i + 1).padStart(2, '0')}` }));

/** A fake server: filters by search, sorts by `ordering` (name/-name), pages. */
function server(rows: Row[] = ALL) {
  return vi.fn(async (q: TableQuery): Promise<Page<Row>> => {
    let list = rows.filter((r) => !q.search || r.name.toLowerCase().includes(q.search.toLowerCase()));
    if (q.ordering === '-name') list = [...list].sort((a, b) => b.name.localeCompare(a.name));
    const start = (q.page - 1) * q.page_size;
    return { count: list.length, next: null, previous: null, results: list.slice(start, start + q.page_size) };
  });
}

const columns: Column<Row>[] = [
  { key: 'name', header: 'Name', sortKey: 'name', cell: (r) => r.name },
  { key: 'id', header: 'ID', cell: (r) => String(r.id) },
];

function renderTable(fetchPage: ReturnType<typeof server>, extra: Partial<Parameters<typeof DataTable<Row>>[0]> = {}) {
  return renderWithProviders(
    <DataTable<Row>
      label="Sites"
      queryKey={['test-sites']}
      fetchPage={fetchPage}
      columns={columns}
      rowKey={(r) => r.id}
      initialOrdering="name"
      initialPageSize={10}
      searchDelay={0}
      empty={<p>No sites yet</p>}
      {...extra}
    />,
  );
}

const bodyRows = () => within(screen.getByRole('table', { name: 'Sites' })).getAllByRole('row').slice(1);

describe('nextOrdering', () => {
  it('cycles ascending → descending → back', () => {
    expect(nextOrdering(undefined, 'name', undefined)).toBe('name');
    expect(nextOrdering('name', 'name', undefined)).toBe('-name');
    expect(nextOrdering('-name', 'name', undefined)).toBeUndefined();
    expect(nextOrdering('-name', 'name', 'name')).toBe('name');
    expect(nextOrdering('name', 'created_at', 'name')).toBe('created_at');
  });
});

describe('DataTable', () => {
  it('shows the first page with a count and pages forward and back', async () => {
    const fetchPage = server();
    renderTable(fetchPage);
    await screen.findByText('Site 01');
    expect(bodyRows()).toHaveLength(10);
    expect(screen.getByText('1–10 of 23')).toBeTruthy();
    expect(screen.getByText('Page 1 of 3')).toBeTruthy();
    expect(fetchPage).toHaveBeenLastCalledWith({ page: 1, page_size: 10, ordering: 'name', search: undefined });

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Site 11');
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2 }));
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('21–23 of 23');
    expect(bodyRows()).toHaveLength(3);
    expect((screen.getByRole('button', { name: 'Next page' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    await screen.findByText('Site 11');
  });

  it('sorts through the ordering parameter and marks the column', async () => {
    const fetchPage = server();
    renderTable(fetchPage);
    await screen.findByText('Site 01');
    const header = screen.getByRole('columnheader', { name: /Name/ });
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(within(header).getByRole('button'));
    await screen.findByText('Site 23');
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ ordering: '-name', page: 1 }));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    // A column without sortKey has no sort button.
    expect(within(screen.getByRole('columnheader', { name: 'ID' })).queryByRole('button')).toBeNull();
  });

  it('searches from page 1 and offers to clear a search with no results', async () => {
    const fetchPage = server();
    renderTable(fetchPage);
    await screen.findByText('Site 01');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Site 11');

    fireEvent.change(screen.getByLabelText('Search sites'), { target: { value: 'site 2' } });
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'site 2', page: 1 })));
    await screen.findByText('1–4 of 4');

    fireEvent.change(screen.getByLabelText('Search sites'), { target: { value: 'nothing-like-this' } });
    await screen.findByText(/No results for/);
    fireEvent.click(screen.getByRole('button', { name: 'Clear search' }));
    await screen.findByText('1–10 of 23');
  });

  it('shows the empty state when there are no rows at all', async () => {
    renderTable(server([]));
    await screen.findByText('No sites yet');
    expect(screen.queryByText(/of 0/)).toBeNull();
  });

  it('shows the API error and retries on request', async () => {
    const fetchPage = vi
      .fn<(q: TableQuery) => Promise<Page<Row>>>()
      .mockRejectedValueOnce(new Error('The server ran into a problem.'))
      .mockResolvedValueOnce({ count: 1, next: null, previous: null, results: [{ id: 1, name: 'Back again' }] });
    renderTable(fetchPage as ReturnType<typeof server>);
    await screen.findByText('The server ran into a problem.');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByText('Back again');
  });

  it('keeps a selection across pages for the bulk actions and clears it when the filters change', async () => {
    const fetchPage = server();
    const bulk = vi.fn();
    function Harness() {
      const [kind, setKind] = useState('a');
      return (
        <>
          <button type="button" onClick={() => setKind('b')}>
            Other filter
          </button>
          <DataTable<Row>
            label="Sites"
            queryKey={['test-sites']}
            fetchPage={fetchPage}
            columns={columns}
            rowKey={(r) => r.id}
            initialPageSize={10}
            selectable
            filters={{ kind, empty: '' }}
            bulkActions={(rows) => (
              <button type="button" onClick={() => bulk(rows.map((r) => r.id))}>
                Act
              </button>
            )}
          />
        </>
      );
    }
    renderWithProviders(<Harness />);
    await screen.findByText('Site 01');
    // Filters go out with the page; empty ones are left out.
    expect(fetchPage).toHaveBeenLastCalledWith({ kind: 'a', page: 1, page_size: 10, ordering: undefined, search: undefined });
    expect(screen.queryByRole('region', { name: 'Bulk actions' })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select row 2' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Site 11');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all rows on this page' }));
    expect(screen.getByTestId('selected-count').textContent).toBe('11 selected');
    fireEvent.click(screen.getByRole('button', { name: 'Act' }));
    expect(bulk).toHaveBeenLastCalledWith([2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // Unticking one row of a fully chosen page leaves the header box "some".
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select row 12' }));
    expect((screen.getByRole('checkbox', { name: 'Select all rows on this page' }) as HTMLInputElement).indeterminate).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Other filter' }));
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'b', page: 1 })));
    expect(screen.queryByTestId('selected-count')).toBeNull();
  });

  it('hides and shows columns from the chooser and remembers the choice', async () => {
    const withHidden: Column<Row>[] = [...columns, { key: 'extra', header: 'Extra', defaultHidden: true, cell: () => 'x' }];
    const view = () =>
      renderWithProviders(
        <DataTable<Row> label="Sites" queryKey={['test-cols']} fetchPage={server()} columns={withHidden} rowKey={(r) => r.id} columnChooserKey="t" />,
      );
    const first = view();
    await screen.findByText('Site 01');
    const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers()).toEqual(['Name', 'ID']);
    fireEvent.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = screen.getByRole('group', { name: 'Shown columns' });
    fireEvent.click(within(menu).getByLabelText('Extra'));
    fireEvent.click(within(menu).getByLabelText('ID'));
    expect(headers()).toEqual(['Name', 'Extra']);
    first.unmount();
    view();
    await screen.findByText('Site 01');
    expect(headers()).toEqual(['Name', 'Extra']);
  });

  it('does not count fixed parameters as filters', async () => {
    const fetchPage = server([]);
    renderWithProviders(
      <DataTable<Row> label="Sites" queryKey={['test-p']} fetchPage={fetchPage} columns={columns} rowKey={(r) => r.id} params={{ site_id: 3 }} filters={{ status: '' }} empty={<p>No sites yet</p>} />,
    );
    await screen.findByText('No sites yet');
    expect(fetchPage).toHaveBeenLastCalledWith({ site_id: 3, page: 1, page_size: 25, ordering: undefined, search: undefined });
  });

  it('offers to clear filters that match nothing', async () => {
    const onClear = vi.fn();
    renderWithProviders(
      <DataTable<Row> label="Sites" queryKey={['test-f']} fetchPage={server([])} columns={columns} rowKey={(r) => r.id} filters={{ status: 'x' }} onClearFilters={onClear} empty={<p>No sites yet</p>} />,
    );
    await screen.findByText('Nothing matches these filters.');
    expect(screen.queryByText('No sites yet')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onClear).toHaveBeenCalled();
  });
});
