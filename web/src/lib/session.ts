import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { useAuthStore } from '../stores/auth';

/** Ends the session on the server (its tokens stop working, the refresh cookie is removed) and locally. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);
  const signOut = useCallback(async () => {
    setPending(true);
    try {
      if (useAuthStore.getState().user) await api.post('/api/v1/auth/logout', { body: {} });
    } catch {
      // Signing out locally is what matters; the server-side session expires on its own.
    } finally {
      useAuthStore.getState().signOut();
      queryClient.clear();
      setPending(false);
      navigate('/signin', { replace: true });
    }
  }, [navigate, queryClient]);
  return { signOut, pending };
}
