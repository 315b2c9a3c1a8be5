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

// The autocomplete boxes (select2) are named after their field's label: the box's
// aria-labelledby points at the label too (select2 points it at the chosen value only, empty
// until something is chosen). Select2 builds its boxes when jQuery is ready, after this script.
function nameAutocompletes() {
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    const select = box.closest(".select2")?.previousElementSibling;
    const label = select && select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    if (!label) continue;
    if (!label.id) label.id = `${select.id}-label`;
    const ids = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    if (!ids.includes(label.id)) box.setAttribute("aria-labelledby", [label.id, ...ids].join(" "));
    // the chosen value inside is a read-only textbox of its own: it takes the field's name too
    for (const value of box.querySelectorAll("[role=textbox]")) value.setAttribute("aria-labelledby", label.id);
  }
}
nameAutocompletes();
if (window.django && window.django.jQuery) window.django.jQuery(() => setTimeout(nameAutocompletes, 0));
window.addEventListener("load", nameAutocompletes);

// A box that scrolls sideways (a wide table or inline on a phone) takes the keyboard focus, so
// that it can be scrolled without a mouse (WCAG 2.1.1); it gives it back when it fits again.
function keyboardScrollableBoxes() {
  for (const box of document.querySelectorAll("#content table, #content div, #content fieldset")) {
    const overflow = getComputedStyle(box).overflowX;
    const scrolls = (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
    if (scrolls) box.tabIndex = 0;
    else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
  }
}
keyboardScrollableBoxes();
window.addEventListener("load", keyboardScrollableBoxes);
window.addEventListener("resize", keyboardScrollableBoxes);
