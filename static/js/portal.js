// Site-wide behaviour. htmx swaps 4xx responses too, so forms sent with htmx
// show the server's validation messages instead of failing silently.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(400|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
});
