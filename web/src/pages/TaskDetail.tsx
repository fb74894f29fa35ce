// One background task (notifications link here): live while it runs, its outcome once it ended.
import { useParams } from 'react-router';
import { TaskProgressView, useCancelTask } from '../components/ProgressModal';
import { Button, Card, ErrorAlert, PageHeader } from '../components/ui';
import { formatDateTime } from '../lib/time';
import { taskKindLabel, useTaskProgress } from '../lib/useTaskProgress';
import NotFound from './NotFound';

export default function TaskDetail() {
  const { taskId } = useParams();
  const id = Number(taskId);
  const valid = Number.isInteger(id) && id > 0;
  const state = useTaskProgress(valid ? id : null);
  const { cancel, cancelling, error: cancelError } = useCancelTask(state);
  if (!valid || state.error?.status === 404) return <NotFound />;
  const task = state.task;

  return (
    <div>
      <PageHeader
        eyebrow={`Task #${id}`}
        title={task ? taskKindLabel(task.kind) : 'Task'}
        description={task ? `Started ${formatDateTime(task.started_at ?? task.created_at)}` : undefined}
        actions={
          task && !state.done ? (
            <Button onClick={() => cancel.mutate(task.id)} loading={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel job'}
            </Button>
          ) : undefined
        }
      />
      <Card className="max-w-2xl">
        <div className="space-y-4">
          <TaskProgressView state={state} />
          <ErrorAlert error={cancelError} />
          {task?.finished_at && (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">Ended {formatDateTime(task.finished_at)}</p>
          )}
        </div>
      </Card>
    </div>
  );
}
