// An idea's outline view, its hand-off to the writer ("Queue to writer") and its edit form.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { refreshPlanner } from '../../api/planner';
import { refreshWriterAndPlanner } from '../../api/writer';
import type { Idea, IdeaPatch, QueuedToWriter } from '../../api/types';
import { PenIcon, SendIcon } from '../../components/icons';
import { Modal } from '../../components/overlays';
import { Button, ErrorAlert, Field, Input, Textarea, fieldError } from '../../components/ui';
import { toast } from '../../stores/toast';
import { IdeaOutline, outlineToText, textToOutline } from './IdeaOutline';
import { plural } from './shared';

/** "Queued 3 ideas to the writer; 1 already had a task." from the answer of bulk_queue_to_writer. */
export function queuedMessage({ created, skipped }: QueuedToWriter): string {
  if (created === 0) return skipped === 1 ? 'This idea is already in the writer.' : `All ${plural(skipped, 'idea')} are already in the writer.`;
  const done = `Queued ${plural(created, 'idea')} to the writer`;
  return skipped > 0 ? `${done}; ${skipped} ${skipped === 1 ? 'was' : 'were'} already there.` : `${done}.`;
}

/** Turns ideas into writer tasks; the toast says how many and links to Writer → Tasks. */
export function useQueueToWriter() {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: ({ ids }: { ids: number[]; done?: () => void }) => api.post('/api/v1/planner/ideas/bulk_queue_to_writer', { body: { ids } }),
    onSuccess: (result, { done }) => {
      refreshWriterAndPlanner(queryClient);
      done?.();
      toast.success(queuedMessage(result), { label: 'Open Writer → Tasks', to: '/writer/tasks' });
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : 'The ideas could not be queued.'),
  });
  const queue = (ids: number[], done?: () => void) => {
    if (ids.length > 0) mutation.mutate({ ids, done });
  };
  return { queue, pending: mutation.isPending };
}

export function IdeaDetailModal({
  idea,
  onClose,
  onEdit,
  canEdit,
}: {
  idea: Idea | null;
  onClose: () => void;
  onEdit: (idea: Idea) => void;
  canEdit: boolean;
}) {
  const writer = useQueueToWriter();
  return (
    <Modal
      open={idea !== null}
      onClose={onClose}
      size="lg"
      title={idea?.title ?? ''}
      footer={
        <>
          {canEdit && idea?.status === 'new' && (
            <Button loading={writer.pending} onClick={() => writer.queue([idea.id], onClose)}>
              <SendIcon size={15} /> Queue to writer
            </Button>
          )}
          {canEdit && idea && (
            <Button onClick={() => onEdit(idea)}>
              <PenIcon size={15} /> Edit
            </Button>
          )}
          <Button variant="primary" onClick={onClose} data-autofocus>
            Close
          </Button>
        </>
      }
    >
      {idea && <IdeaOutline idea={idea} />}
    </Modal>
  );
}

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function IdeaEditModal({ idea, onClose }: { idea: Idea | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [contentType, setContentType] = useState('');
  const [structure, setStructure] = useState('');
  const [words, setWords] = useState('');
  const [primary, setPrimary] = useState('');
  const [covered, setCovered] = useState('');
  const [outlineText, setOutlineText] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!idea) return;
    setTitle(idea.title);
    setDescription(idea.description);
    setContentType(idea.content_type);
    setStructure(idea.content_structure);
    setWords(String(idea.target_word_count));
    setPrimary(idea.primary_keywords.join(', '));
    setCovered(idea.covered_keywords.join(', '));
    setOutlineText(outlineToText(idea.outline));
    setLocal({});
    save.reset();
  }, [idea?.id]);

  const save = useMutation({
    mutationFn: (body: IdeaPatch) => api.patch('/api/v1/planner/ideas/{id}', { path: { id: idea!.id }, body }),
    onSuccess: (saved) => {
      refreshPlanner(queryClient);
      toast.success(`Saved “${saved.title}”.`);
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!idea) return;
    const errors: Record<string, string> = {};
    const parsed = textToOutline(outlineText);
    if (parsed.error) errors.outline = parsed.error;
    if (!title.trim()) errors.title = 'Enter a title.';
    const n = Number(words.trim());
    if (!/^\d+$/.test(words.trim()) || n <= 0) errors.target_word_count = 'A whole number of words.';
    setLocal(errors);
    if (Object.keys(errors).length) return;
    const body: IdeaPatch = {};
    if (title.trim() !== idea.title) body.title = title.trim();
    if (description.trim() !== idea.description) body.description = description.trim();
    if (contentType.trim() !== idea.content_type) body.content_type = contentType.trim();
    if (structure.trim() !== idea.content_structure) body.content_structure = structure.trim();
    if (n !== idea.target_word_count) body.target_word_count = n;
    const p = splitList(primary);
    const c = splitList(covered);
    if (!sameList(p, idea.primary_keywords)) body.primary_keywords = p;
    if (!sameList(c, idea.covered_keywords)) body.covered_keywords = c;
    if (outlineToText(parsed.outline) !== outlineToText(idea.outline)) body.outline = parsed.outline;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    save.mutate(body);
  };

  const err = save.error;
  const fields = ['title', 'description', 'content_type', 'content_structure', 'target_word_count', 'primary_keywords', 'covered_keywords', 'outline'];
  return (
    <Modal
      open={idea !== null}
      onClose={onClose}
      dismissible={!save.isPending}
      size="lg"
      title="Edit idea"
      footer={
        <>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="idea-form" loading={save.isPending}>
            Save
          </Button>
        </>
      }
    >
      {idea && (
        <form id="idea-form" onSubmit={submit} className="space-y-4" noValidate>
          <Field label="Title" error={local.title ?? fieldError(err, 'title')}>
            <Input value={title} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label="Description" optional error={fieldError(err, 'description')}>
            <Textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Content type" error={fieldError(err, 'content_type')}>
              <Input value={contentType} onChange={(e) => setContentType(e.target.value)} placeholder="post" />
            </Field>
            <Field label="Structure" error={fieldError(err, 'content_structure')}>
              <Input value={structure} onChange={(e) => setStructure(e.target.value)} placeholder="guide" />
            </Field>
            <Field label="Target words" error={local.target_word_count ?? fieldError(err, 'target_word_count')}>
              <Input inputMode="numeric" value={words} onChange={(e) => setWords(e.target.value)} />
            </Field>
          </div>
          <Field label="Primary keywords" hint="Separated by commas." error={fieldError(err, 'primary_keywords')}>
            <Input value={primary} onChange={(e) => setPrimary(e.target.value)} />
          </Field>
          <Field label="Also covers" optional hint="Separated by commas." error={fieldError(err, 'covered_keywords')}>
            <Input value={covered} onChange={(e) => setCovered(e.target.value)} />
          </Field>
          <Field
            label="Outline"
            hint="One section (H2) per line, 6 to 10 of them; its subsections (H3) below it, indented or starting with “-”."
            error={local.outline ?? fieldError(err, 'outline')}
          >
            <Textarea rows={14} value={outlineText} onChange={(e) => setOutlineText(e.target.value)} className="font-mono text-[13px]" spellCheck />
          </Field>
          <ErrorAlert error={err} hideFields={fields} />
        </form>
      )}
    </Modal>
  );
}
