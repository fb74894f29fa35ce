// "Generate ideas" for clusters (a background task followed in the progress modal), and the cluster form.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { refreshPlanner } from '../../api/planner';
import type { Cluster, ClusterPatch, Sector, Task } from '../../api/types';
import { Modal } from '../../components/overlays';
import { ProgressModal } from '../../components/ProgressModal';
import { Button, ErrorAlert, Field, Input, Select, Textarea, fieldError } from '../../components/ui';
import { toast } from '../../stores/toast';
import { ideasSummary } from './shared';

/** The API takes 1 to 10 clusters per request. */
export const MAX_CLUSTERS_PER_RUN = 10;

/** Starts idea generation and shows its progress; `start(ids)` refuses more than ten clusters up front. */
export function useGenerateIdeas() {
  const queryClient = useQueryClient();
  const [running, setRunning] = useState<Task | null>(null);
  const mutation = useMutation({
    mutationFn: ({ ids }: { ids: number[]; done?: () => void }) =>
      api.post('/api/v1/planner/clusters/auto_generate_ideas', { body: { ids } }),
    onSuccess: (task, { done }) => {
      done?.();
      setRunning(task);
    },
  });
  const start = (ids: number[], done?: () => void) => {
    if (ids.length === 0) return;
    if (ids.length > MAX_CLUSTERS_PER_RUN) {
      toast.error(`Ideas are written for up to ${MAX_CLUSTERS_PER_RUN} clusters at a time; ${ids.length} are selected.`);
      return;
    }
    mutation.mutate({ ids, done });
  };
  const modal = (
    <ProgressModal
      taskId={running?.id ?? null}
      initialTask={running}
      title="Writing ideas"
      onClose={() => setRunning(null)}
      onFinished={() => refreshPlanner(queryClient)}
      resultLink={{ to: '/planner/ideas', label: 'View ideas' }}
      summary={ideasSummary}
    />
  );
  return { start, pending: mutation.isPending, error: mutation.error, modal };
}

/** Add a cluster by hand, or rename / describe one. */
export function ClusterFormModal({
  open,
  cluster,
  onClose,
  siteId,
  sectors,
  defaultSectorId,
}: {
  open: boolean;
  /** Edit this one; null adds a new cluster. */
  cluster: Cluster | null;
  onClose: () => void;
  siteId: number;
  sectors: Sector[];
  defaultSectorId: number | null;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sectorId, setSectorId] = useState<number | null>(null);

  useEffect(() => {
    if (!open) return;
    setName(cluster?.name ?? '');
    setDescription(cluster?.description ?? '');
    setSectorId(cluster?.sector_id ?? defaultSectorId ?? sectors[0]?.id ?? null);
    save.reset();
  }, [open, cluster?.id]);

  const save = useMutation({
    mutationFn: async () => {
      if (cluster) {
        const body: ClusterPatch = {};
        if (name.trim() !== cluster.name) body.name = name.trim();
        if (description.trim() !== cluster.description) body.description = description.trim();
        return api.patch('/api/v1/planner/clusters/{id}', { path: { id: cluster.id }, body });
      }
      return api.post('/api/v1/planner/clusters', {
        body: { site_id: siteId, sector_id: sectorId!, name: name.trim(), description: description.trim() || null },
      });
    },
    onSuccess: (saved) => {
      refreshPlanner(queryClient);
      toast.success(cluster ? `Saved “${saved.name}”.` : `Added the cluster “${saved.name}”.`);
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !sectorId) return;
    save.mutate();
  };
  const err = save.error;
  const conflict = isApiError(err) && err.status === 409 ? err.message : undefined;

  return (
    <Modal
      open={open}
      onClose={onClose}
      dismissible={!save.isPending}
      title={cluster ? 'Edit cluster' : 'Add a cluster'}
      footer={
        <>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="cluster-form" loading={save.isPending} disabled={!name.trim()}>
            {cluster ? 'Save' : 'Add cluster'}
          </Button>
        </>
      }
    >
      <form id="cluster-form" onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" error={conflict ?? fieldError(err, 'name')}>
          <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={255} />
        </Field>
        {!cluster && (
          <Field label="Sector" error={fieldError(err, 'sector_id')}>
            <Select value={sectorId ?? ''} onChange={(e) => setSectorId(Number(e.target.value) || null)}>
              {sectors.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label="Description" optional error={fieldError(err, 'description')}>
          <Textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        {!conflict && <ErrorAlert error={err} hideFields={['name', 'sector_id', 'description']} />}
      </form>
    </Modal>
  );
}
