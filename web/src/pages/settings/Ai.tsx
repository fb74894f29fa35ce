import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { useAiModels } from '../../api/planner';
import { useCreditBalance, useMe } from '../../api/queries';
import { canRunAi, type Task } from '../../api/types';
import { CheckCircleIcon, CoinIcon, PlugIcon, XCircleIcon } from '../../components/icons';
import { ProgressModal } from '../../components/ProgressModal';
import { Alert, Badge, Button, ButtonLink, Card, ErrorAlert, Field, Input, LoadingBlock, PageHeader, formatNumber } from '../../components/ui';
import { formatDateTime } from '../../lib/time';

/** What the connection test costs at least (the server's `min_credits` for it); a long answer may cost more. */
export const CONNECTION_TEST_MIN_CREDITS = 1;

function InsufficientCredits({ required, available }: { required: number; available: number }) {
  return (
    <Alert tone="warning" title="Not enough credits">
      <p data-testid="insufficient-credits">
        Not enough credits: {formatNumber(required)} required, {formatNumber(available)} available.
      </p>
      <p className="mt-1">
        <Link to="/settings/account" className="font-medium underline underline-offset-2">
          See your plan and credits
        </Link>
      </p>
    </Alert>
  );
}

function StartError({ error }: { error: unknown }) {
  if (isApiError(error) && error.code === 'INSUFFICIENT_CREDITS') {
    const required = Number(error.details.required ?? CONNECTION_TEST_MIN_CREDITS);
    const available = Number(error.details.available ?? 0);
    return <InsufficientCredits required={required} available={available} />;
  }
  return <ErrorAlert error={error} hideFields={['message']} />;
}

function resultText(task: Task): string | null {
  const result = task.result as Record<string, unknown> | null | undefined;
  if (!result) return null;
  const parts: string[] = [];
  if (typeof result.model === 'string') parts.push(`model ${result.model}`);
  if (typeof result.tokens === 'number') parts.push(`${formatNumber(result.tokens)} tokens`);
  return parts.length ? parts.join(', ') : null;
}

function LastCheck({ task }: { task: Task }) {
  const ok = task.status === 'succeeded';
  const details = resultText(task);
  return (
    <div className="flex items-start gap-3 rounded-lg border border-zinc-200 px-3.5 py-3 text-sm dark:border-zinc-800" data-testid="last-check">
      {ok ? (
        <CheckCircleIcon size={18} className="mt-px shrink-0 text-emerald-600 dark:text-emerald-400" />
      ) : (
        <XCircleIcon size={18} className="mt-px shrink-0 text-red-600 dark:text-red-400" />
      )}
      <div className="min-w-0 space-y-0.5">
        <p className="font-medium text-zinc-900 dark:text-zinc-100">
          {ok ? 'The AI provider answered' : task.status === 'cancelled' ? 'The check was cancelled' : 'The check failed'}
        </p>
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          {[details, task.status === 'failed' ? task.error : null, `${formatNumber(task.cost_credits)} credit${task.cost_credits === 1 ? '' : 's'}`, formatDateTime(task.finished_at ?? task.created_at)]
            .filter(Boolean)
            .join(' · ')}
        </p>
      </div>
    </div>
  );
}

function Models() {
  const models = useAiModels();
  const list = models.data ?? [];
  return (
    <Card
      title="Models"
      description="The models your account can use, and what they cost in credits."
      actions={<ButtonLink size="sm" to="/settings/prompts">Edit prompts</ButtonLink>}
    >
      {models.isLoading ? (
        <LoadingBlock />
      ) : models.isError ? (
        <ErrorAlert error={models.error} />
      ) : list.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No models are available.</p>
      ) : (
        <ul className="-my-3 divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Available models">
          {list.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-3 text-sm">
              <span className="font-medium text-zinc-900 dark:text-zinc-100">{m.display_name}</span>
              <code className="text-xs text-zinc-500 dark:text-zinc-400">
                {m.provider}/{m.model_id}
              </code>
              <Badge className="capitalize">{m.model_type}</Badge>
              {m.is_default && <Badge tone="accent">Default</Badge>}
              {m.provider === 'offline' && <Badge tone="warning">Offline drafts</Badge>}
              <span className="ml-auto text-[13px] text-zinc-500 dark:text-zinc-400">
                {m.model_type === 'image'
                  ? `${formatNumber(m.credits_per_image)} credit${m.credits_per_image === 1 ? '' : 's'} per image`
                  : `1 credit per ${formatNumber(m.tokens_per_credit)} tokens`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default function AiSettings() {
  const me = useMe();
  const balance = useCreditBalance();
  const role = me.data?.user.role;
  const allowed = canRunAi(role);
  const [message, setMessage] = useState('');
  const [running, setRunning] = useState<Task | null>(null);
  const [last, setLast] = useState<Task | null>(null);

  const start = useMutation({
    mutationFn: () =>
      api.post('/api/v1/system/ai/test_connection', { body: message.trim() ? { message: message.trim() } : {} }),
    onSuccess: (task) => setRunning(task),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!allowed || start.isPending) return;
    start.mutate();
  };

  const available = balance.data?.total;
  const short = available !== undefined && available < CONNECTION_TEST_MIN_CREDITS;
  const viewerHint = 'Viewers cannot run AI operations. Ask an editor, admin or owner.';

  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow="Settings"
        title="AI"
        description="The AI provider that clusters keywords and writes ideas, drafts and image prompts."
      />

      <Card
        title="Provider check"
        description="Sends a short prompt to the configured AI provider and reads the answer, end to end through the job queue."
        actions={<Badge tone="neutral">Platform setting</Badge>}
      >
        <form onSubmit={submit} className="space-y-4" noValidate>
          <p className="text-sm text-zinc-600 dark:text-zinc-300">
            Without a configured provider IGNY8 uses its built-in <strong>offline provider</strong>, which works without
            any key and labels what it writes as an offline draft. Provider keys are set by the platform operator.
          </p>
          <Field
            label="Test message"
            optional
            hint="The model is asked to echo it back (200 characters at most)."
            error={isApiError(start.error) ? start.error.field('message') : undefined}
          >
            <Input
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              placeholder="ping"
              maxLength={200}
              disabled={!allowed}
              className="sm:max-w-sm"
            />
          </Field>

          <StartError error={start.error} />
          {short && !start.error && (
            <InsufficientCredits required={CONNECTION_TEST_MIN_CREDITS} available={available ?? 0} />
          )}

          <div className="flex flex-wrap items-center gap-3">
            {/* A disabled button gets no pointer events: the wrapper carries the tooltip. */}
            <span title={allowed ? undefined : viewerHint} className="inline-flex">
              <Button
                type="submit"
                variant="primary"
                loading={start.isPending}
                disabled={!allowed || me.isLoading}
                aria-describedby="ai-test-cost"
              >
                <PlugIcon size={16} /> Test AI connection
              </Button>
            </span>
            <span id="ai-test-cost" className="inline-flex items-center gap-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
              <CoinIcon size={15} className="text-amber-500" />
              Costs {CONNECTION_TEST_MIN_CREDITS} credit (at least; a long answer can cost more)
              {available !== undefined && <> · {formatNumber(available)} available</>}
            </span>
          </div>
          {me.data && !allowed && (
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400" data-testid="viewer-note">
              {viewerHint}
            </p>
          )}
          {last && <LastCheck task={last} />}
        </form>
      </Card>

      <Models />

      <ProgressModal
        taskId={running?.id ?? null}
        initialTask={running}
        title="Testing the AI connection"
        onClose={() => setRunning(null)}
        onFinished={(task) => setLast(task)}
        summary={(task) => {
          const model = (task.result as Record<string, unknown> | null | undefined)?.model;
          const parts = [task.progress.message, typeof model === 'string' ? `Model: ${model}.` : null];
          return parts.filter(Boolean).join(' ') || null;
        }}
      />
    </div>
  );
}
