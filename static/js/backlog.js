// Backlog page: drag-and-drop reorder (Sortable), the keyboard alternative
// (move to top / up / down buttons) and "select all" for bulk actions. Every
// move asks the server first; the rows change only if it agreed.
(() => {
  const rows = document.getElementById("backlog-rows");
  if (!rows) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const flash = document.getElementById("backlog-flash");

  const say = (text, level) => {
    flash.innerHTML = "";
    const p = document.createElement("p");
    p.className = `message ${level}`;
    p.textContent = text;
    flash.append(p);
  };
  const isItem = (el) => el && el.matches("tr[data-number]");
  const previousItem = (row) => (isItem(row.previousElementSibling) ? row.previousElementSibling : null);
  const nextItem = (row) => (isItem(row.nextElementSibling) ? row.nextElementSibling : null);

  async function move(row, place) {
    const response = await fetch(row.dataset.moveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body: new URLSearchParams(place),
    });
    if (!response.ok) {
      const text = response.status === 403 ? "Your role may not reorder the backlog." : await response.text();
      throw new Error(text || `The move failed (${response.status}).`);
    }
  }

  if (window.Sortable) {
    Sortable.create(rows, {
      handle: ".drag",
      draggable: "tr[data-number]",
      animation: 120,
      onEnd: async (event) => {
        if (event.oldIndex === event.newIndex) return;
        const row = event.item;
        const next = nextItem(row);
        const previous = previousItem(row);
        const place = next ? { before: next.dataset.number } : { after: previous.dataset.number };
        try {
          await move(row, place);
          say(`Moved #${row.dataset.number}.`, "success");
        } catch (error) {
          // Put the row back where it was.
          const anchor = rows.children[event.oldIndex + (event.oldIndex > event.newIndex ? 1 : 0)];
          rows.insertBefore(row, anchor || null);
          say(error.message, "error");
        }
      },
    });
  }

  rows.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-move]");
    if (!button) return;
    const row = button.closest("tr");
    const how = button.dataset.move;
    let place;
    let apply;
    if (how === "top") {
      place = { to: "top" };
      apply = () => rows.prepend(row);
    } else if (how === "up") {
      const previous = previousItem(row);
      if (!previous) return;
      place = { before: previous.dataset.number };
      apply = () => previous.before(row);
    } else {
      const next = nextItem(row);
      if (!next) return;
      place = { after: next.dataset.number };
      apply = () => next.after(row);
    }
    try {
      await move(row, place);
      apply();
      button.focus();
      say(`Moved #${row.dataset.number}.`, "success");
    } catch (error) {
      say(error.message, "error");
    }
  });

  // After a quick add the form is ready for the next title.
  const quickAdd = document.querySelector("form.quick-add");
  if (quickAdd) {
    quickAdd.addEventListener("htmx:afterRequest", (event) => {
      if (!event.detail.successful) return;
      quickAdd.reset();
      quickAdd.querySelector("[name=title]").focus();
    });
  }

  // A row's assignee menu holds only its current assignee until it is opened:
  // then it gets the page's one menu of the team (the <template>), keeping its
  // value (an assignee who left the team stays first in the menu).
  const team = document.getElementById("assignee-menu");
  const fillAssigneeMenu = (event) => {
    const select = event.target.closest && event.target.closest("select[data-assignee-menu]");
    if (!team || !select || select.dataset.filled) return;
    const current = select.value;
    const options = team.content.cloneNode(true);
    if ([...options.children].some((option) => option.value === current)) {
      select.replaceChildren(options);
    } else {
      select.append(options);
    }
    select.value = current;
    select.dataset.filled = "1";
  };
  rows.addEventListener("focusin", fillAssigneeMenu);
  rows.addEventListener("pointerdown", fillAssigneeMenu);

  // The first quick-added item replaces the "empty backlog" note.
  rows.addEventListener("htmx:afterSwap", () => document.querySelector("p.empty")?.remove());

  // The bulk bar shows only the value the chosen change needs (and sends only that).
  const bulkAction = document.querySelector("[data-bulk-action]");
  if (bulkAction) {
    const showValue = () => {
      document.querySelectorAll("[data-bulk-for]").forEach((control) => {
        const used = control.dataset.bulkFor.split(" ").includes(bulkAction.value);
        control.hidden = !used;
        control.disabled = !used;
      });
    };
    bulkAction.addEventListener("change", showValue);
    showValue();
  }

  const selectAll = document.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.addEventListener("change", () => {
      rows.querySelectorAll("input[name=items]").forEach((box) => {
        box.checked = selectAll.checked;
      });
    });
  }
})();
