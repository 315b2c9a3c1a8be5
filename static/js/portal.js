// The portal's only script, kept out of the markup so that the Content-Security-Policy can
// refuse every inline script. Each behaviour is a progressive enhancement: without it the page
// still works (the language switch shows its own button in a <noscript>).
"use strict";

// A <select data-autosubmit> submits its form as soon as the choice changes (the language switch).
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
