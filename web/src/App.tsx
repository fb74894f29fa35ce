import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { isApiError } from './api/client';
import { Toaster } from './components/overlays';
import { LoadingBlock } from './components/ui';
import { AppLayout } from './layout/AppLayout';
import { isSignedIn, syncAuthAcrossTabs, useAuthStore } from './stores/auth';
import { toast, useToastStore } from './stores/toast';
import { applyTheme, effectiveTheme, useUiStore } from './stores/ui';

// Every page is its own chunk: the first load carries only the shell.
const SignIn = lazy(() => import('./pages/auth/SignIn'));
const SignUp = lazy(() => import('./pages/auth/SignUp'));
const ForgotPassword = lazy(() => import('./pages/auth/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/auth/ResetPassword'));
const Onboarding = lazy(() => import('./pages/onboarding/Onboarding'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Sites = lazy(() => import('./pages/settings/Sites'));
const SiteDetail = lazy(() => import('./pages/settings/SiteDetail'));
const Team = lazy(() => import('./pages/settings/Team'));
const AccountSettings = lazy(() => import('./pages/settings/Account'));
const AiSettings = lazy(() => import('./pages/settings/Ai'));
const PromptsSettings = lazy(() => import('./pages/settings/Prompts'));
const ContentSettings = lazy(() => import('./pages/settings/Content'));
const ModulesSettings = lazy(() => import('./pages/settings/Modules'));
const Keywords = lazy(() => import('./pages/planner/Keywords'));
const Clusters = lazy(() => import('./pages/planner/Clusters'));
const ClusterDetail = lazy(() => import('./pages/planner/ClusterDetail'));
const Ideas = lazy(() => import('./pages/planner/Ideas'));
const WriterTasks = lazy(() => import('./pages/writer/Tasks'));
const Drafts = lazy(() => import('./pages/writer/ContentList').then((m) => ({ default: m.DraftsPage })));
const Review = lazy(() => import('./pages/writer/ContentList').then((m) => ({ default: m.ReviewPage })));
const Approved = lazy(() => import('./pages/writer/ContentList').then((m) => ({ default: m.ApprovedPage })));
const ContentEditor = lazy(() => import('./pages/writer/ContentEditor'));
const WriterImages = lazy(() => import('./pages/writer/Images'));
const KeywordLibrary = lazy(() => import('./pages/library/KeywordLibrary'));
const Notifications = lazy(() => import('./pages/Notifications'));
const TaskDetail = lazy(() => import('./pages/TaskDetail'));
const NotFound = lazy(() => import('./pages/NotFound'));

/**
 * A read the rate limit still refused after the client waited and asked again is said once, whichever part of the
 * page asked (some, like the clusters behind a list's names, have no place of their own to show an error).
 */
export function reportRateLimited(error: unknown) {
  if (!isApiError(error) || error.status !== 429) return;
  const message = error.message || 'Too many requests. Please wait a moment and try again.';
  if (useToastStore.getState().toasts.some((t) => t.message === message)) return;
  toast.error(message);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: reportRateLimited }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Client errors (401/403/404/validation) will not change by asking again.
        retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useAuthStore(isSignedIn);
  const location = useLocation();
  if (!signedIn) {
    return <Navigate to="/signin" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return <>{children}</>;
}

/** Sign-in/up pages send an already signed-in visitor home; after signing in there, the page navigates itself. */
function PublicOnly({ children }: { children: ReactNode }) {
  const [signedInOnArrival] = useState(() => isSignedIn(useAuthStore.getState()));
  if (signedInOnArrival) return <Navigate to="/" replace />;
  return <>{children}</>;
}

function useThemeClass() {
  const theme = useUiStore((s) => s.theme);
  useEffect(() => {
    applyTheme(effectiveTheme(theme));
    if (theme !== null) return;
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onChange = () => applyTheme(effectiveTheme(null));
    media?.addEventListener?.('change', onChange);
    return () => media?.removeEventListener?.('change', onChange);
  }, [theme]);
}

export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingBlock />}>
      <Routes>
        <Route path="/signin" element={<PublicOnly><SignIn /></PublicOnly>} />
        <Route path="/signup" element={<PublicOnly><SignUp /></PublicOnly>} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route path="/onboarding" element={<RequireAuth><Onboarding /></RequireAuth>} />
        <Route element={<RequireAuth><AppLayout /></RequireAuth>}>
          <Route index element={<Dashboard />} />
          <Route path="planner" element={<Navigate to="/planner/keywords" replace />} />
          <Route path="planner/keywords" element={<Keywords />} />
          <Route path="planner/clusters" element={<Clusters />} />
          <Route path="planner/clusters/:clusterId" element={<ClusterDetail />} />
          <Route path="planner/ideas" element={<Ideas />} />
          <Route path="writer" element={<Navigate to="/writer/tasks" replace />} />
          <Route path="writer/tasks" element={<WriterTasks />} />
          <Route path="writer/drafts" element={<Drafts />} />
          <Route path="writer/content" element={<Navigate to="/writer/drafts" replace />} />
          <Route path="writer/content/:contentId" element={<ContentEditor />} />
          <Route path="writer/images" element={<WriterImages />} />
          <Route path="writer/review" element={<Review />} />
          <Route path="writer/approved" element={<Approved />} />
          <Route path="keywords-library" element={<KeywordLibrary />} />
          <Route path="settings" element={<Navigate to="/settings/sites" replace />} />
          <Route path="settings/sites" element={<Sites />} />
          <Route path="settings/sites/:siteId" element={<SiteDetail />} />
          <Route path="settings/team" element={<Team />} />
          <Route path="settings/account" element={<AccountSettings />} />
          <Route path="settings/ai" element={<AiSettings />} />
          <Route path="settings/prompts" element={<PromptsSettings />} />
          <Route path="settings/content" element={<ContentSettings />} />
          <Route path="settings/modules" element={<ModulesSettings />} />
          <Route path="notifications" element={<Notifications />} />
          <Route path="tasks/:taskId" element={<TaskDetail />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  useThemeClass();

  useEffect(() => syncAuthAcrossTabs(), []);
  // Whatever ends a session (sign-out, a refused refresh, another tab) drops every cached answer.
  useEffect(
    () =>
      useAuthStore.subscribe((state, previous) => {
        if (isSignedIn(previous) && !isSignedIn(state)) queryClient.clear();
      }),
    [queryClient],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
        <Toaster />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
