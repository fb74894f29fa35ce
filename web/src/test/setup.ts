import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// `waitFor` and `findBy…` give up after 1 s by default. On a loaded 2-core machine (Rust builds beside the web
// tests) a render plus a few fetch promises has been seen to take longer; 5 s keeps the assertions the same and
// only waits longer for them to come true.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  localStorage.clear();
});
