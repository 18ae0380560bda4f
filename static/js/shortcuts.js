// Keyboard shortcuts (the list is the dialog in base.html, opened with "?"):
// j / k select the next / previous backlog row or board card (focus goes to
// its title link, so Enter opens it), c opens what the page creates (the
// backlog's quick add). Never while typing in a field or with Ctrl, Alt or Meta;
// "/" for search is search.js's.
(() => {
  const ITEMS = "#backlog-rows > tr[data-number], .board-card[data-item]";

  const typing = (target) =>
    target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"));

  function items() {
    return Array.from(document.querySelectorAll(ITEMS)).filter((el) => el.offsetParent !== null);
  }

  function select(step) {
    const all = items();
    if (!all.length) return;
    const current = all.findIndex((el) => el.classList.contains("kbd-selected") || el.contains(document.activeElement));
    const index = current < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(current + step, 0), all.length - 1);
    for (const el of all) el.classList.remove("kbd-selected");
    const chosen = all[index];
    chosen.classList.add("kbd-selected");
    const link = chosen.querySelector("a.title, .title a, a");
    (link || chosen).focus();
    chosen.scrollIntoView({ block: "nearest" });
  }

  function create() {
    const target = document.querySelector("[data-shortcut='create']");
    if (!target) return false;
    if (target.matches("input, textarea, select")) target.focus();
    else target.click();
    return true;
  }

  function showHelp() {
    const dialog = document.getElementById("shortcuts-help");
    if (!dialog || dialog.open) return;
    dialog.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
      return;
    }
    if (event.shiftKey) return;
    if (event.key === "j" || event.key === "k") {
      if (!items().length) return;
      event.preventDefault();
      select(event.key === "j" ? 1 : -1);
    } else if (event.key === "c") {
      if (create()) event.preventDefault();
    }
  });

  // A click elsewhere ends the keyboard selection's highlight.
  document.addEventListener("focusin", (event) => {
    for (const el of document.querySelectorAll(".kbd-selected")) {
      if (!el.contains(event.target)) el.classList.remove("kbd-selected");
    }
  });
})();
