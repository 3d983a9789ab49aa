// Before first paint (external file: CSP-friendly): marks the page as scripted (data-js: CSS shows
// the compute badge's placeholder instead of the no-script note, so nothing moves when it upgrades)
// and applies the saved or system colour theme.
(function () {
  document.documentElement.dataset.js = 'on';
  var saved = null;
  try {
    saved = localStorage.getItem('pw-theme');
  } catch (e) {
    saved = null;
  }
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
})();
