// The customs admin's accessibility fixes for markup Django's admin renders, kept out of the
// markup so that the Content-Security-Policy can refuse every inline script.
"use strict";

// A column header with no text (a tabular inline's record column, a checkbox column): screen
// readers name it after what the column holds.
for (const th of document.querySelectorAll("th")) {
  if (!th.textContent.trim() && !th.querySelector("input, img[alt]")) {
    const span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = th.classList.contains("original") ? (document.documentElement.lang.startsWith("zh") ? "记录" : "Record") : "—";
    th.appendChild(span);
  }
}

// The autocomplete boxes (select2) are named after their field's label.
function nameAutocompletes() {
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    if (box.getAttribute("aria-label")) continue;
    const select = box.closest(".select2")?.previousElementSibling;
    const label = select && select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    if (label) box.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
  }
}
nameAutocompletes();
document.addEventListener("DOMContentLoaded", nameAutocompletes);
window.addEventListener("load", nameAutocompletes);

// A scrolling table takes the keyboard focus (WCAG 2.1.1).
function keyboardScrollableTables() {
  for (const box of document.querySelectorAll("#content table, #content .results")) {
    if (box.scrollWidth > box.clientWidth + 1) box.tabIndex = 0;
    else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
  }
}
keyboardScrollableTables();
window.addEventListener("resize", keyboardScrollableTables);
