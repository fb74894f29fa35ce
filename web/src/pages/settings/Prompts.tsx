// Settings → Prompts: each AI function's prompt as this account gets it (its own text, the platform's global
// text or the built-in default), with the placeholders it can use; edit and save, or reset to the default.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { plannerKeys, usePrompts } from '../../api/planner';
import { useMe } from '../../api/queries';
import { canRunAi, type Prompt } from '../../api/types';
import { ConfirmDialog } from '../../components/overlays';
import { Badge, Button, Card, ErrorAlert, Field, LoadingBlock, PageHeader, Textarea, cx } from '../../components/ui';
import { formatDateTime } from '../../lib/time';
import { toast } from '../../stores/toast';

const SOURCE: Record<string, { label: string; tone: 'neutral' | 'accent' | 'success'; text: string }> = {
  default: { label: 'Default', tone: 'neutral', text: 'The built-in default text.' },
  global: { label: 'Global', tone: 'success', text: 'The platform’s text for every account.' },
  account: { label: 'Account', tone: 'accent', text: 'Your account’s own text.' },
};

/** Placeholders used in a prompt: `{name}` (JSON examples like `{"a": 1}` are not placeholders). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))];
}

function SourceBadge({ source }: { source: string }) {
  const s = SOURCE[source] ?? { label: source, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

function PromptEditor({
  prompt,
  draft,
  onDraft,
  canEdit,
}: {
  prompt: Prompt;
  draft: string;
  onDraft: (value: string | null) => void;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const area = useRef<HTMLTextAreaElement>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const dirty = draft !== prompt.prompt_value;

  const replace = (updated: Prompt) => {
    queryClient.setQueryData<Prompt[]>(plannerKeys.prompts, (list) => list?.map((p) => (p.prompt_type === updated.prompt_type ? updated : p)));
    onDraft(null);
  };
  const save = useMutation({
    mutationFn: () => api.put('/api/v1/system/prompts/{prompt_type}', { path: { prompt_type: prompt.prompt_type }, body: { prompt_value: draft } }),
    onSuccess: (updated) => {
      replace(updated);
      toast.success(`Saved the ${updated.label.toLowerCase()} prompt.`);
    },
  });
  const reset = useMutation({
    mutationFn: () => api.post('/api/v1/system/prompts/{prompt_type}/reset', { path: { prompt_type: prompt.prompt_type } }),
    onSuccess: (updated) => {
      replace(updated);
      save.reset();
      setConfirmReset(false);
      toast.success(`The ${updated.label.toLowerCase()} prompt is back to the ${SOURCE[updated.source]?.label.toLowerCase() ?? updated.source} text.`);
    },
  });

  const insert = (name: string) => {
    const el = area.current;
    const token = `{${name}}`;
    if (!el) return onDraft(draft + token);
    const start = el.selectionStart ?? draft.length;
    const end = el.selectionEnd ?? draft.length;
    onDraft(draft.slice(0, start) + token + draft.slice(end));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const used = placeholdersIn(draft);
  const known = new Set(prompt.variables.map((v) => v.name));
  const missing = prompt.variables.filter((v) => v.required && !used.includes(v.name)).map((v) => v.name);
  const unknown = used.filter((u) => !known.has(u));
  const serverError = isApiError(save.error) ? save.error.field('prompt_value') : undefined;
  const lockedHint = canEdit ? undefined : 'Viewers cannot change prompts.';

  return (
    <Card
      title={
        <span className="inline-flex flex-wrap items-center gap-2">
          {prompt.label} <SourceBadge source={prompt.source} />
          {dirty && <Badge tone="warning">Unsaved</Badge>}
        </span>
      }
      description={
        <>
          <code className="text-xs">{prompt.prompt_type}</code> · {SOURCE[prompt.source]?.text ?? ''}
          {prompt.updated_at && prompt.source === 'account' && <> Saved {formatDateTime(prompt.updated_at)}.</>}
        </>
      }
    >
      <div className="space-y-4" data-testid="prompt-editor">
        <div>
          <h3 className="mb-1.5 text-sm font-medium text-zinc-800 dark:text-zinc-200">Placeholders</h3>
          {prompt.variables.length === 0 ? (
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400">This prompt takes no placeholders.</p>
          ) : (
            <ul className="grid gap-1.5 sm:grid-cols-2" aria-label="Placeholders">
              {prompt.variables.map((v) => (
                <li key={v.name} className="flex items-start gap-2 text-[13px]">
                  <button
                    type="button"
                    disabled={!canEdit}
                    onClick={() => insert(v.name)}
                    title={canEdit ? `Insert {${v.name}} at the cursor` : undefined}
                    className={cx(
                      'shrink-0 rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
                      canEdit && 'hover:bg-accent-100 hover:text-accent-800 dark:hover:bg-accent-500/20 dark:hover:text-accent-200',
                    )}
                  >
                    {`{${v.name}}`}
                  </button>
                  <span className="text-zinc-600 dark:text-zinc-400">
                    {v.required && <span className="font-medium text-zinc-800 dark:text-zinc-200">Required. </span>}
                    {v.description}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>

        <Field
          label="Prompt text"
          error={serverError}
          hint={
            missing.length || unknown.length
              ? [
                  missing.length ? `Missing: ${missing.map((m) => `{${m}}`).join(', ')}.` : null,
                  unknown.length ? `Not available here: ${unknown.map((m) => `{${m}}`).join(', ')}.` : null,
                ]
                  .filter(Boolean)
                  .join(' ')
              : 'Placeholders are replaced with the real values when the AI function runs.'
          }
        >
          <Textarea
            ref={area}
            rows={16}
            value={draft}
            readOnly={!canEdit}
            onChange={(e) => onDraft(e.target.value)}
            className="font-mono text-[13px] leading-relaxed"
            spellCheck={false}
          />
        </Field>
        <ErrorAlert error={save.error} hideFields={['prompt_value']} />

        <div className="flex flex-wrap items-center gap-2">
          <span title={lockedHint} className="inline-flex">
            <Button variant="primary" onClick={() => save.mutate()} loading={save.isPending} disabled={!canEdit || !dirty}>
              Save
            </Button>
          </span>
          {dirty && (
            <Button
              onClick={() => {
                onDraft(null);
                save.reset();
              }}
            >
              Discard changes
            </Button>
          )}
          <span title={lockedHint ?? (prompt.source !== 'account' ? 'Nothing to reset: this is not your account’s own text.' : undefined)} className="ml-auto inline-flex">
            <Button variant="ghost" onClick={() => setConfirmReset(true)} disabled={!canEdit || prompt.source !== 'account'}>
              Reset to default
            </Button>
          </span>
        </div>
      </div>
      <ConfirmDialog
        open={confirmReset}
        onClose={() => setConfirmReset(false)}
        onConfirm={() => reset.mutate()}
        title="Reset this prompt?"
        confirmLabel="Reset"
        pending={reset.isPending}
        error={reset.error}
      >
        <p>Your account’s text for “{prompt.label}” is dropped; the default text applies again.</p>
      </ConfirmDialog>
    </Card>
  );
}

export default function PromptsSettings() {
  const prompts = usePrompts();
  const me = useMe();
  const canEdit = canRunAi(me.data?.user.role);
  const [params, setParams] = useSearchParams();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const list = prompts.data ?? [];
  const selected = list.find((p) => p.prompt_type === params.get('type')) ?? list[0] ?? null;

  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow="Settings"
        title="Prompts"
        description="The instructions each AI function sends to the model. Change them for your account, or go back to the default at any time."
      />
      {prompts.isLoading ? (
        <LoadingBlock />
      ) : prompts.isError ? (
        <ErrorAlert error={prompts.error} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
          <nav aria-label="Prompt types" className="lg:sticky lg:top-20 lg:self-start">
            <ul className="flex gap-2 overflow-x-auto pb-1 lg:flex-col lg:gap-1 lg:overflow-visible">
              {list.map((p) => {
                const active = p.prompt_type === selected?.prompt_type;
                const dirty = drafts[p.prompt_type] !== undefined && drafts[p.prompt_type] !== p.prompt_value;
                return (
                  <li key={p.prompt_type} className="shrink-0">
                    <button
                      type="button"
                      aria-current={active ? 'true' : undefined}
                      onClick={() => setParams({ type: p.prompt_type }, { replace: true })}
                      className={cx(
                        'flex w-full items-center justify-between gap-3 rounded-md px-3 py-2 text-left text-sm',
                        active
                          ? 'bg-white font-medium text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-50 dark:ring-zinc-800'
                          : 'text-zinc-600 hover:bg-zinc-200/40 dark:text-zinc-400 dark:hover:bg-zinc-800/60',
                      )}
                    >
                      <span className="whitespace-nowrap lg:whitespace-normal">
                        {p.label}
                        {dirty && (
                          <>
                            <span className="ml-1 text-amber-500" aria-hidden="true">
                              •
                            </span>
                            <span className="sr-only"> (unsaved changes)</span>
                          </>
                        )}
                      </span>
                      <SourceBadge source={p.source} />
                    </button>
                  </li>
                );
              })}
            </ul>
          </nav>
          {selected && (
            <PromptEditor
              key={selected.prompt_type}
              prompt={selected}
              canEdit={canEdit}
              draft={drafts[selected.prompt_type] ?? selected.prompt_value}
              onDraft={(value) =>
                setDrafts((d) => {
                  const next = { ...d };
                  if (value === null) delete next[selected.prompt_type];
                  else next[selected.prompt_type] = value;
                  return next;
                })
              }
            />
          )}
        </div>
      )}
    </div>
  );
}
