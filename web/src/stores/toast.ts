import { create } from 'zustand';

/** A link shown in the toast ("Open Writer → Tasks"). */
export interface ToastAction {
  label: string;
  to: string;
}

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
  action?: ToastAction;
}

interface ToastState {
  toasts: Toast[];
  push: (kind: Toast['kind'], message: string, action?: ToastAction) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useToastStore = create<ToastState>()((set, get) => ({
  toasts: [],
  push: (kind, message, action) => {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, message, ...(action ? { action } : {}) }] });
    // A toast with a link stays long enough to be used.
    setTimeout(() => get().dismiss(id), kind === 'error' || action ? 8000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export const toast = {
  success: (message: string, action?: ToastAction) => useToastStore.getState().push('success', message, action),
  error: (message: string, action?: ToastAction) => useToastStore.getState().push('error', message, action),
  info: (message: string, action?: ToastAction) => useToastStore.getState().push('info', message, action),
};
