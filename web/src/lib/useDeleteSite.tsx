import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { queryKeys } from '../api/queries';
import type { Site } from '../api/types';
import { ConfirmDialog } from '../components/overlays';
import { toast } from '../stores/toast';
import { useUiStore } from '../stores/ui';

/** Deletes a site after a confirmation that names it. */
export function useDeleteSite(onDone?: () => void) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<Site | null>(null);
  const mutation = useMutation({
    mutationFn: (site: Site) => api.delete('/api/v1/auth/sites/{id}', { path: { id: site.id } }),
    onSuccess: (_, site) => {
      toast.success(`Deleted ${site.name}.`);
      setTarget(null);
      if (useUiStore.getState().siteId === site.id) useUiStore.getState().setSite(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
      queryClient.removeQueries({ queryKey: queryKeys.site(site.id) });
      onDone?.();
    },
  });
  const dialog = (
    <ConfirmDialog
      open={target !== null}
      onClose={() => {
        setTarget(null);
        mutation.reset();
      }}
      onConfirm={() => target && mutation.mutate(target)}
      title={`Delete ${target?.name ?? 'site'}?`}
      confirmLabel="Delete site"
      pending={mutation.isPending}
      error={mutation.error}
    >
      <p>
        This permanently deletes <strong className="text-zinc-900 dark:text-zinc-100">{target?.name}</strong> with its
        sectors and everything planned or written for it. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
  return { ask: setTarget, dialog };
}
