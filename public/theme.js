// Applies the saved or system colour theme before first paint (external file: CSP-friendly).
(function () {
  var saved = null;
  try {
    saved = localStorage.getItem('pw-theme');
  } catch (e) {
    saved = null;
  }
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
})();
