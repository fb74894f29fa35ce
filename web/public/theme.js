// Apply the saved theme before the first paint (no flash of the wrong theme). A file, not an inline
// script, because the server's Content-Security-Policy allows scripts from 'self' only.
try {
  var s = JSON.parse(localStorage.getItem('igny8.ui') || '{}').state || {};
  var dark = s.theme ? s.theme === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  if (dark) document.documentElement.classList.add('dark');
} catch (e) {}
