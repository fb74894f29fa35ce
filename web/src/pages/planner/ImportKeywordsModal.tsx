// CSV import in two steps: a preview (`dry_run=true`: counts and the rows with problems, by line number), then
// the import itself. The API imports all rows or none, so a file with problems cannot be imported until it is
// fixed; an import refused at the last moment (422) shows its rows the same way.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import type { ImportReport, RowError, Sector } from '../../api/types';
import { Modal } from '../../components/overlays';
import { Alert, Button, ErrorAlert, Field, Select, cx, formatNumber } from '../../components/ui';
import { plural } from './shared';

/** The 422 answer keys its rows as "line 3: volume"; back to rows. */
/** "1 keyword is already there and stays as it is." / "3 keywords are already there and stay as they are." */
export function alreadyThere(n: number): string {
  return n === 1
    ? '1 keyword is already there and stays as it is.'
    : `${plural(n, 'keyword')} are already there and stay as they are.`;
}

/** Why the intents of a file without them are not all informational. */
export function inferredIntents(n: number, rows: number): string {
  const which =
    n >= rows
      ? 'The file gives no intents: they are'
      : n === 1
        ? '1 row has no intent: its intent is'
        : `${plural(n, 'row')} have no intent: their intents are`;
  return `${which} read from the wording (“best …” commercial, “cheap …” transactional, otherwise informational).`;
}

export function rowErrorsFromFields(fieldErrors: Record<string, string[]>): RowError[] {
  const rows: RowError[] = [];
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const match = /^line\s+(\d+)(?::\s*(.+))?$/i.exec(key.trim());
    for (const message of messages) {
      rows.push({ line: match ? Number(match[1]) : 0, column: match?.[2] ?? (match ? null : key), message });
    }
  }
  return rows.sort((a, b) => a.line - b.line);
}

function Count({ label, value, tone, testId }: { label: string; value: number; tone?: 'good' | 'bad' | 'muted'; testId: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd
        data-testid={testId}
        className={cx(
          'text-lg font-semibold tabular-nums',
          tone === 'good' && 'text-emerald-700 dark:text-emerald-400',
          tone === 'bad' && value > 0 && 'text-red-700 dark:text-red-400',
          (!tone || tone === 'muted' || (tone === 'bad' && value === 0)) && 'text-zinc-900 dark:text-zinc-100',
        )}
      >
        {formatNumber(value)}
      </dd>
    </div>
  );
}

export function RowErrorTable({ errors }: { errors: RowError[] }) {
  return (
    <div className="max-h-64 overflow-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-left text-[13px]" aria-label="Rows with problems">
        <thead className="sticky top-0 bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Line</th>
            <th scope="col" className="px-3 py-2 font-medium">Column</th>
            <th scope="col" className="px-3 py-2 font-medium">Problem</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {errors.map((e, i) => (
            <tr key={`${e.line}-${e.column ?? ''}-${i}`} data-testid="row-error">
              <td className="px-3 py-1.5 font-mono tabular-nums text-zinc-700 dark:text-zinc-300">{e.line || '—'}</td>
              <td className="px-3 py-1.5 text-zinc-600 dark:text-zinc-400">{e.column ?? '—'}</td>
              <td className="px-3 py-1.5 text-zinc-800 dark:text-zinc-200">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function upload(file: File, siteId: number, sectorId: number, dryRun: boolean): Promise<ImportReport> {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('site_id', String(siteId));
  form.append('sector_id', String(sectorId));
  return api.upload('/api/v1/planner/keywords/import_keywords', form, { query: dryRun ? { dry_run: true } : undefined });
}

export function ImportKeywordsModal({
  open,
  onClose,
  siteId,
  sectors,
  defaultSectorId,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  siteId: number;
  sectors: Sector[];
  defaultSectorId: number | null;
  onImported: (report: ImportReport, sector: Sector) => void;
}) {
  const [sectorId, setSectorId] = useState<number | null>(defaultSectorId ?? sectors[0]?.id ?? null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [refused, setRefused] = useState<{ message: string; rows: RowError[] } | null>(null);
  const fileId = useId();
  const sector = sectors.find((s) => s.id === sectorId) ?? null;

  const check = useMutation({
    mutationFn: () => upload(file!, siteId, sectorId!, true),
    onSuccess: (report) => {
      setRefused(null);
      setPreview(report);
    },
  });
  const run = useMutation({
    mutationFn: () => upload(file!, siteId, sectorId!, false),
    onSuccess: (report) => {
      if (sector) onImported(report, sector);
    },
    onError: (error) => {
      if (isApiError(error) && error.status === 422) {
        setRefused({ message: error.message, rows: rowErrorsFromFields(error.fieldErrors) });
      }
    },
  });

  // Every opening starts afresh, on the sector chosen in the header.
  useEffect(() => {
    if (!open) return;
    setSectorId(defaultSectorId ?? sectors[0]?.id ?? null);
    setFile(null);
    setPreview(null);
    setRefused(null);
    check.reset();
    run.reset();
  }, [open]);

  const busy = check.isPending || run.isPending;
  const rowErrors = refused?.rows ?? preview?.errors ?? [];
  const toAdd = preview ? preview.created + preview.restored : 0;
  const blocked = rowErrors.length > 0;

  const submitPreview = (e: FormEvent) => {
    e.preventDefault();
    if (!file || !sectorId || busy) return;
    check.mutate();
  };

  const back = () => {
    setPreview(null);
    setRefused(null);
    setFile(null);
    check.reset();
    run.reset();
  };

  return (
    <Modal
      open={open}
      onClose={onClose}
      dismissible={!busy}
      size="lg"
      title="Import keywords from CSV"
      description={preview ? `Preview for ${sector?.name ?? 'the sector'}: nothing has been written yet.` : undefined}
      footer={
        preview ? (
          <>
            <Button onClick={back} disabled={busy}>
              Choose another file
            </Button>
            <Button
              variant="primary"
              onClick={() => run.mutate()}
              loading={run.isPending}
              disabled={blocked || toAdd === 0}
              data-testid="import-confirm"
            >
              {blocked ? 'Fix the file to import' : toAdd === 0 ? 'Nothing new to import' : `Import ${plural(toAdd, 'keyword')}`}
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" form="import-form" loading={check.isPending} disabled={!file || !sectorId}>
              Preview
            </Button>
          </>
        )
      }
    >
      {!preview ? (
        <form id="import-form" onSubmit={submitPreview} className="space-y-4" noValidate>
          <Field label="Sector" hint="The keywords are added to this sector of the site.">
            <Select value={sectorId ?? ''} onChange={(e) => setSectorId(Number(e.target.value) || null)}>
              {sectors.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
          </Field>
          <div className="space-y-1.5">
            <label htmlFor={fileId} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
              CSV file
            </label>
            <input
              id={fileId}
              type="file"
              accept=".csv,.tsv,.txt,text/csv,text/plain"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-zinc-800 hover:file:bg-zinc-50 dark:text-zinc-300 dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
            />
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
              Columns: <code>keyword</code> (required), <code>volume</code>, <code>difficulty</code> (0–100),{' '}
              <code>intent</code>, <code>cpc</code>. A header line is optional; commas, semicolons or tabs.
            </p>
          </div>
          <ErrorAlert error={check.error} />
        </form>
      ) : (
        <div className="space-y-4" data-testid="import-preview">
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3">
            <Count label="Rows read" value={preview.total_rows} testId="count-rows" />
            <Count label="New keywords" value={preview.created} tone="good" testId="count-created" />
            <Count label="Restored (deleted before)" value={preview.restored} testId="count-restored" />
            <Count label="Already in the sector" value={preview.existing} tone="muted" testId="count-existing" />
            <Count label="Repeated in the file" value={preview.duplicates} tone="muted" testId="count-duplicates" />
            <Count label="Rows with problems" value={rowErrors.length} tone="bad" testId="count-errors" />
          </dl>
          {blocked ? (
            <>
              <Alert tone="warning" title={refused ? 'The import was refused' : `${plural(rowErrors.length, 'row')} cannot be imported`}>
                {refused?.message ??
                  'The import takes every row or none: fix these lines in the file, then choose it again.'}
              </Alert>
              <RowErrorTable errors={rowErrors} />
            </>
          ) : toAdd > 0 ? (
            <Alert tone="success">
              Ready: {plural(toAdd, 'keyword')} will be added to {sector?.name}.
              {preview.existing > 0 && ` ${alreadyThere(preview.existing)}`}
              {preview.intents_inferred > 0 && ` ${inferredIntents(preview.intents_inferred, preview.total_rows - rowErrors.length)}`}
            </Alert>
          ) : (
            <Alert tone="info">Every keyword in this file is already in {sector?.name}.</Alert>
          )}
          {!(isApiError(run.error) && run.error.status === 422) && <ErrorAlert error={run.error} />}
        </div>
      )}
    </Modal>
  );
}
