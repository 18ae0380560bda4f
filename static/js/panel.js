// Side panel: a link marked data-panel opens its page's "panel" fragment
// beside the board or list (htmx), so the board is not lost; Close, Escape or
// the browser's Back close it and give focus back to the link. Without
// JavaScript (or with a modifier key) the link opens the full page.
(() => {
  const panel = document.getElementById("side-panel");
  if (!panel || !window.htmx) return;
  let opener = null;

  function close({ restoreFocus = true, fromHistory = false } = {}) {
    if (panel.hidden) return;
    panel.hidden = true;
    panel.replaceChildren();
    document.body.classList.remove("has-side-panel");
    if (!fromHistory && history.state && history.state.sidePanel) history.back();
    if (restoreFocus && opener && document.contains(opener)) opener.focus();
  }

  async function open(link) {
    opener = link;
    const url = new URL(link.href, location.href);
    url.searchParams.set("panel", "1");
    await htmx.ajax("GET", url.pathname + url.search, { target: panel, swap: "innerHTML" });
    if (!panel.firstElementChild) return;
    panel.hidden = false;
    document.body.classList.add("has-side-panel");
    // Back closes the panel instead of leaving the board.
    if (!(history.state && history.state.sidePanel)) history.pushState({ sidePanel: true }, "");
    (panel.querySelector("[data-panel-focus]") || panel).focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-panel]");
    if (link) {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open(link);
      return;
    }
    if (event.target.closest("[data-panel-close]")) close();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  window.addEventListener("popstate", () => close({ fromHistory: true }));
  // A board or list redrawn by htmx keeps the panel, but its opener may be gone.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (opener && !document.contains(opener)) {
      const again = opener.getAttribute("href") && document.querySelector(`a[data-panel][href="${CSS.escape(opener.getAttribute("href"))}"]`);
      opener = again || null;
    }
  });
  window.portalPanel = { close, open };
})();
