// Add one keyword; edit a keyword's overrides (volume, difficulty), intent, CPC and cluster.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { refreshPlanner, useClusterChoices } from '../../api/planner';
import { INTENTS, type Keyword, type KeywordInput, type KeywordPatch, type Sector } from '../../api/types';
import { Modal } from '../../components/overlays';
import { Button, ErrorAlert, Field, Input, Select, fieldError, formatNumber } from '../../components/ui';
import { toast } from '../../stores/toast';

/** '' → null; a whole number in range → the number; anything else → undefined (invalid). */
export function parseWhole(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null | undefined {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= min && n <= max ? n : undefined;
}

function parseMoney(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const FIELD_ERRORS = ['keyword', 'volume', 'difficulty', 'intent', 'cpc', 'sector_id', 'site_id', 'volume_override', 'difficulty_override', 'cluster_id'];

export function CreateKeywordModal({
  open,
  onClose,
  siteId,
  sectors,
  defaultSectorId,
}: {
  open: boolean;
  onClose: () => void;
  siteId: number;
  sectors: Sector[];
  defaultSectorId: number | null;
}) {
  const queryClient = useQueryClient();
  const [keyword, setKeyword] = useState('');
  const [sectorId, setSectorId] = useState<number | null>(null);
  const [volume, setVolume] = useState('');
  const [difficulty, setDifficulty] = useState('');
  const [intent, setIntent] = useState('informational');
  const [cpc, setCpc] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!open) return;
    setKeyword('');
    setSectorId(defaultSectorId ?? sectors[0]?.id ?? null);
    setVolume('');
    setDifficulty('');
    setIntent('informational');
    setCpc('');
    setLocal({});
    create.reset();
  }, [open]);

  const create = useMutation({
    mutationFn: (body: KeywordInput) => api.post('/api/v1/planner/keywords', { body }),
    onSuccess: (kw) => {
      refreshPlanner(queryClient);
      toast.success(`Added “${kw.keyword}”.`);
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const v = parseWhole(volume, 0);
    const d = parseWhole(difficulty, 0, 100);
    const c = parseMoney(cpc);
    if (!keyword.trim()) errors.keyword = 'Enter a keyword.';
    if (v === undefined) errors.volume = 'A whole number, 0 or more.';
    if (d === undefined) errors.difficulty = 'A whole number from 0 to 100.';
    if (c === undefined) errors.cpc = 'A price, 0 or more.';
    setLocal(errors);
    if (Object.keys(errors).length || !sectorId) return;
    create.mutate({ site_id: siteId, sector_id: sectorId, keyword: keyword.trim(), volume: v, difficulty: d, intent, cpc: c });
  };

  const err = create.error;
  const conflict = isApiError(err) && err.status === 409 ? err.message : undefined;
  return (
    <Modal
      open={open}
      onClose={onClose}
      dismissible={!create.isPending}
      title="Add a keyword"
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-keyword" loading={create.isPending}>
            Add keyword
          </Button>
        </>
      }
    >
      <form id="create-keyword" onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Keyword" error={local.keyword ?? conflict ?? fieldError(err, 'keyword')}>
          <Input value={keyword} onChange={(e) => setKeyword(e.target.value)} placeholder="e.g. meditation for anxiety" autoFocus />
        </Field>
        <Field label="Sector" error={fieldError(err, 'sector_id')}>
          <Select value={sectorId ?? ''} onChange={(e) => setSectorId(Number(e.target.value) || null)}>
            {sectors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Monthly volume" optional error={local.volume ?? fieldError(err, 'volume')}>
            <Input inputMode="numeric" value={volume} onChange={(e) => setVolume(e.target.value)} />
          </Field>
          <Field label="Difficulty" optional hint="0 (easy) to 100 (hard)" error={local.difficulty ?? fieldError(err, 'difficulty')}>
            <Input inputMode="numeric" value={difficulty} onChange={(e) => setDifficulty(e.target.value)} />
          </Field>
          <Field label="Intent" error={fieldError(err, 'intent')}>
            <Select value={intent} onChange={(e) => setIntent(e.target.value)} className="capitalize">
              {INTENTS.map((i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="CPC (USD)" optional error={local.cpc ?? fieldError(err, 'cpc')}>
            <Input inputMode="decimal" value={cpc} onChange={(e) => setCpc(e.target.value)} />
          </Field>
        </div>
        {!conflict && <ErrorAlert error={err} hideFields={FIELD_ERRORS} />}
      </form>
    </Modal>
  );
}

export function EditKeywordModal({ keyword, onClose }: { keyword: Keyword | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const clusters = useClusterChoices(keyword ? { site_id: keyword.site_id, sector_id: keyword.sector_id } : null);
  const [volume, setVolume] = useState('');
  const [difficulty, setDifficulty] = useState('');
  const [intent, setIntent] = useState('');
  const [cpc, setCpc] = useState('');
  const [clusterId, setClusterId] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!keyword) return;
    setVolume(keyword.volume_override != null ? String(keyword.volume_override) : '');
    setDifficulty(keyword.difficulty_override != null ? String(keyword.difficulty_override) : '');
    setIntent(keyword.intent);
    setCpc(keyword.cpc != null ? String(keyword.cpc) : '');
    setClusterId(keyword.cluster_id != null ? String(keyword.cluster_id) : '');
    setLocal({});
    save.reset();
  }, [keyword?.id]);

  const save = useMutation({
    mutationFn: (body: KeywordPatch) => api.patch('/api/v1/planner/keywords/{id}', { path: { id: keyword!.id }, body }),
    onSuccess: (kw) => {
      refreshPlanner(queryClient);
      toast.success(`Saved “${kw.keyword}”.`);
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!keyword) return;
    const errors: Record<string, string> = {};
    const v = parseWhole(volume, 0);
    const d = parseWhole(difficulty, 0, 100);
    const c = parseMoney(cpc);
    if (v === undefined) errors.volume = 'A whole number, 0 or more (or empty).';
    if (d === undefined) errors.difficulty = 'A whole number from 0 to 100 (or empty).';
    if (c === undefined) errors.cpc = 'A price, 0 or more (or empty).';
    setLocal(errors);
    if (Object.keys(errors).length) return;
    // Send what changed; an emptied override is sent as null (back to the imported or library value).
    const body: KeywordPatch = {};
    if (v !== (keyword.volume_override ?? null)) body.volume_override = v ?? null;
    if (d !== (keyword.difficulty_override ?? null)) body.difficulty_override = d ?? null;
    if (intent !== keyword.intent) body.intent = intent;
    if (c !== (keyword.cpc ?? null)) body.cpc = c ?? null;
    const cluster = clusterId ? Number(clusterId) : null;
    if (cluster !== (keyword.cluster_id ?? null)) body.cluster_id = cluster;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    save.mutate(body);
  };

  const err = save.error;
  const hasOverride = keyword?.volume_override != null;
  return (
    <Modal
      open={keyword !== null}
      onClose={onClose}
      dismissible={!save.isPending}
      title="Edit keyword"
      description={keyword ? `“${keyword.keyword}”` : undefined}
      footer={
        <>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="edit-keyword" loading={save.isPending}>
            Save
          </Button>
        </>
      }
    >
      {keyword && (
        <form id="edit-keyword" onSubmit={submit} className="space-y-4" noValidate>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Volume override"
              optional
              hint={hasOverride ? 'Empty goes back to the imported or library value.' : `Now ${formatNumber(keyword.volume)} (imported or library value).`}
              error={local.volume ?? fieldError(err, 'volume_override')}
            >
              <Input inputMode="numeric" value={volume} onChange={(e) => setVolume(e.target.value)} placeholder={String(keyword.volume)} />
            </Field>
            <Field
              label="Difficulty override"
              optional
              hint={keyword.difficulty_override != null ? 'Empty goes back to the imported or library value.' : `Now ${keyword.difficulty}.`}
              error={local.difficulty ?? fieldError(err, 'difficulty_override')}
            >
              <Input inputMode="numeric" value={difficulty} onChange={(e) => setDifficulty(e.target.value)} placeholder={String(keyword.difficulty)} />
            </Field>
            <Field label="Intent" error={fieldError(err, 'intent')}>
              <Select value={intent} onChange={(e) => setIntent(e.target.value)} className="capitalize">
                {INTENTS.map((i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="CPC (USD)" optional error={local.cpc ?? fieldError(err, 'cpc')}>
              <Input inputMode="decimal" value={cpc} onChange={(e) => setCpc(e.target.value)} />
            </Field>
          </div>
          <Field label="Cluster" hint="Clusters of the same sector." error={fieldError(err, 'cluster_id')}>
            <Select value={clusterId} onChange={(e) => setClusterId(e.target.value)} disabled={clusters.isLoading}>
              <option value="">No cluster</option>
              {(clusters.data?.results ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          </Field>
          <ErrorAlert error={err} hideFields={FIELD_ERRORS} />
        </form>
      )}
    </Modal>
  );
}
