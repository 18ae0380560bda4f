// @mentions: typing "@" and a few letters in a comment box lists the people
// who may see the object (the server decides: /people/ under the thread);
// arrow keys or the mouse choose, Enter or Tab inserts "@username ".
// Works on every textarea with data-mentions, including ones htmx swaps in.
(() => {
  const BEFORE_CARET = /(^|[^\w.@/])@([\w.+-]*)$/;
  let box = null; // the open suggestion list
  let timer = null;

  function close() {
    if (box) {
      box.textarea.removeAttribute("aria-activedescendant");
      box.textarea.setAttribute("aria-expanded", "false");
      box.list.remove();
    }
    box = null;
  }

  function typed(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = before.match(BEFORE_CARET);
    return match ? match[2] : null;
  }

  function choose(index) {
    if (!box) return;
    box.index = (index + box.people.length) % box.people.length;
    box.list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === box.index)));
    box.textarea.setAttribute("aria-activedescendant", `mention-option-${box.index}`);
  }

  function insert(person) {
    const textarea = box.textarea;
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, caret).replace(/@[\w.+-]*$/, `@${person.username} `);
    textarea.value = before + textarea.value.slice(caret);
    textarea.selectionStart = textarea.selectionEnd = before.length;
    close();
    textarea.focus();
  }

  function show(textarea, people) {
    close();
    if (!people.length) return;
    const list = document.createElement("ul");
    list.className = "mention-list";
    list.id = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    people.forEach((person, i) => {
      const li = document.createElement("li");
      li.id = `mention-option-${i}`;
      li.setAttribute("role", "option");
      li.textContent = `${person.name} (@${person.username})`;
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        insert(person);
      });
      list.appendChild(li);
    });
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "true");
    box = { textarea, list, people, index: 0 };
    choose(0);
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.mentions) return;
    textarea.setAttribute("aria-autocomplete", "list");
    const query = typed(textarea);
    clearTimeout(timer);
    if (query === null) {
      close();
      return;
    }
    timer = setTimeout(async () => {
      const url = `${textarea.dataset.mentions}?q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok || typed(textarea) !== query) return;
      show(textarea, (await response.json()).people);
    }, 150);
  });

  document.addEventListener("keydown", (event) => {
    if (!box || event.target !== box.textarea) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choose(box.index + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insert(box.people[box.index]);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("focusout", (event) => {
    if (box && event.target === box.textarea) setTimeout(close, 100);
  });
})();
