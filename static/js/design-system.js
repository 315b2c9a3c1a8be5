// Starts the design system's components (GOV.UK Frontend, served by the portal itself:
// static/vendor/). A module script, so the Content-Security-Policy's script-src 'self' admits it
// and browsers too old for modules keep the pages' plain, script-free behaviour.
import { initAll } from "../vendor/govuk-frontend-6.6.0/govuk-frontend.min.js";

// The components' styles for a page whose scripts run (e.g. the collapsed menu on a phone).
document.body.classList.add("govuk-frontend-supported");
initAll();
