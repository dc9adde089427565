// Start GOV.UK Frontend's components. Kept in a file (never inline) so a strict
// Content Security Policy can forbid inline script.
import { initAll } from "./govuk-frontend.min.js";

initAll();
