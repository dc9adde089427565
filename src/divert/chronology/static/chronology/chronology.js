// The chronology's "Print" button: shown only when script runs (it does nothing without it),
// and kept in a file so a strict Content Security Policy can forbid inline script.
for (const button of document.querySelectorAll("[data-divert-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
