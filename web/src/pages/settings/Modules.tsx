// Settings → Modules: the account's module switches. A module that is off is hidden from the navigation and its
// API answers 403 MODULE_DISABLED; its data stays, and switching it back on brings everything back. Owners and
// admins switch; everyone else sees the states read-only.
import { useId, type ComponentType } from 'react';
import { useMe } from '../../api/queries';
import { isAdminRole } from '../../api/types';
import { BulbIcon, ClusterIcon, ExternalIcon, PenIcon, PlugIcon, SparkIcon } from '../../components/icons';
import { Alert, Badge, ErrorAlert, LoadingBlock, PageHeader, Spinner, cx } from '../../components/ui';
import { MODULE_NAMES, useModules, useSaveModules, type ModuleName } from '../../lib/modules';
import { toast } from '../../stores/toast';

interface ModuleInfo {
  label: string;
  description: string;
  icon: ComponentType<{ size?: number; className?: string }>;
  /** The web app has pages for it (the others are switches kept for when they arrive). */
  available: boolean;
}

const MODULE_INFO: Record<ModuleName, ModuleInfo> = {
  planner: {
    label: 'Planner',
    description: 'Keywords, clusters and content ideas; adding keywords from the library.',
    icon: BulbIcon,
    available: true,
  },
  writer: {
    label: 'Writer',
    description: 'Writing tasks, drafts, images, review and approval.',
    icon: PenIcon,
    available: true,
  },
  automation: {
    label: 'Automation',
    description: 'Runs the pipeline from keywords to articles on a schedule.',
    icon: SparkIcon,
    available: false,
  },
  publisher: {
    label: 'Publisher',
    description: 'Publishes approved articles to your WordPress sites.',
    icon: PlugIcon,
    available: false,
  },
  linker: {
    label: 'Linker',
    description: 'Suggests internal links between your articles.',
    icon: ClusterIcon,
    available: false,
  },
  optimizer: {
    label: 'Optimizer',
    description: 'Improves published articles against their keywords.',
    icon: ExternalIcon,
    available: false,
  },
};

function Switch({
  checked,
  disabled,
  busy,
  labelledBy,
  describedBy,
  onChange,
}: {
  checked: boolean;
  disabled: boolean;
  busy: boolean;
  labelledBy: string;
  describedBy: string;
  onChange: (next: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-busy={busy || undefined}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className={cx(
        'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed',
        checked ? 'bg-accent-600 dark:bg-accent-500' : 'bg-zinc-300 dark:bg-zinc-700',
        disabled && !busy && 'opacity-60',
      )}
    >
      <span
        aria-hidden="true"
        className={cx(
          'flex size-5 items-center justify-center rounded-full bg-white shadow-sm transition-transform',
          checked ? 'translate-x-[22px]' : 'translate-x-0.5',
        )}
      >
        {busy && <Spinner size={12} className="text-accent-600" />}
      </span>
    </button>
  );
}

function ModuleRow({
  name,
  on,
  canEdit,
  saving,
  busy,
  onToggle,
}: {
  name: ModuleName;
  on: boolean;
  canEdit: boolean;
  saving: boolean;
  busy: boolean;
  onToggle: (next: boolean) => void;
}) {
  const id = useId();
  const info = MODULE_INFO[name];
  const Icon = info.icon;
  return (
    <li className="flex items-start gap-4 px-5 py-4" data-testid={`module-${name}`}>
      <span
        className={cx(
          'mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg',
          on
            ? 'bg-accent-50 text-accent-700 dark:bg-accent-500/15 dark:text-accent-300'
            : 'bg-zinc-100 text-zinc-400 dark:bg-zinc-800 dark:text-zinc-500',
        )}
      >
        <Icon size={18} />
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <span id={`${id}-label`} className="text-sm font-medium text-zinc-900 dark:text-zinc-100">
            {info.label}
          </span>
          <Badge tone={on ? 'success' : 'neutral'}>{on ? 'On' : 'Off'}</Badge>
          {!info.available && <Badge>Not in the app yet</Badge>}
        </div>
        <p id={`${id}-desc`} className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          {info.description}
        </p>
      </div>
      <Switch
        checked={on}
        disabled={!canEdit || busy}
        busy={saving}
        labelledBy={`${id}-label`}
        describedBy={`${id}-desc`}
        onChange={onToggle}
      />
    </li>
  );
}

export default function ModulesSettings() {
  const me = useMe();
  const modules = useModules();
  const save = useSaveModules();
  const canEdit = isAdminRole(me.data?.user.role);
  const pending = save.isPending ? save.variables : undefined;

  const toggle = (name: ModuleName, next: boolean) => {
    save.mutate(
      { [name]: next },
      {
        onSuccess: () =>
          toast.success(
            next
              ? `${MODULE_INFO[name].label} switched on.`
              : `${MODULE_INFO[name].label} switched off: hidden from the navigation and refused by the API.`,
          ),
      },
    );
  };

  return (
    <>
      <PageHeader
        eyebrow="Settings"
        title="Modules"
        description="Choose which parts of IGNY8 your account uses. A module that is switched off is hidden from the navigation and refused by the API for everyone in the account; its data is kept, and switching it back on brings everything back."
      />
      {modules.isLoading || me.isLoading ? (
        <LoadingBlock />
      ) : modules.isError || !modules.data ? (
        <ErrorAlert error={modules.error} />
      ) : (
        <div className="space-y-4">
          {!canEdit && (
            <Alert tone="info" title="Read-only">
              Only account owners and admins can switch modules. Ask one of them to change these.
            </Alert>
          )}
          <ErrorAlert error={save.error} />
          <section className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Modules">
              {MODULE_NAMES.map((name) => {
                const saving = pending !== undefined && name in pending;
                const on = saving ? Boolean(pending[name]) : modules.data[name];
                return (
                  <ModuleRow
                    key={name}
                    name={name}
                    on={on}
                    canEdit={canEdit}
                    saving={saving}
                    busy={save.isPending}
                    onToggle={(next) => toggle(name, next)}
                  />
                );
              })}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}
