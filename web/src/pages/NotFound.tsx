import { ButtonLink, Card, EmptyState } from '../components/ui';

export default function NotFound() {
  return (
    <Card>
      <EmptyState title="Page not found" action={<ButtonLink to="/" variant="primary">Go to the dashboard</ButtonLink>}>
        There is nothing at this address.
      </EmptyState>
    </Card>
  );
}
