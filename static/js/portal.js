// The portal's only script, kept out of the markup so that the Content-Security-Policy can
// refuse every inline script. Each behaviour is a progressive enhancement: without it the page
// still works (the language switch shows its own button in a <noscript>).
"use strict";

// A <select data-autosubmit> submits its form as soon as the choice changes (the language switch).
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}

// A table wider than the screen scrolls inside its own box (portal.css): the box then takes the
// keyboard focus, so that it can be scrolled without a mouse (WCAG 2.1.1); it gives it back
// when the screen is wide enough again.
function keyboardScrollableTables() {
  for (const box of document.querySelectorAll("main table, main .table-scroll")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
    }
  }
}
keyboardScrollableTables();
window.addEventListener("resize", keyboardScrollableTables);
