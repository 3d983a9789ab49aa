// Wires the header's theme button: toggles light/dark, remembers the choice, announces state.
const button = document.getElementById('theme-toggle');

function current(): 'light' | 'dark' {
  const set = document.documentElement.dataset['theme'];
  if (set === 'light' || set === 'dark') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function show(): void {
  if (!button) return;
  const dark = current() === 'dark';
  button.setAttribute('aria-pressed', String(dark));
}

button?.addEventListener('click', () => {
  const next = current() === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset['theme'] = next;
  try {
    localStorage.setItem('pw-theme', next);
  } catch {
    // Private mode may forbid storage; the theme still applies for this page.
  }
  show();
  document.dispatchEvent(new CustomEvent('pw-theme-change', { detail: next }));
});
show();
