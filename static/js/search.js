/* Suggestions under the site search box.

   Every form with data-suggest-url becomes an ARIA combobox (the input) with a
   listbox of suggestions under it, fetched as the reader types. Without this
   script the form still submits to the search page; with it, Enter on a chosen
   suggestion opens that page, and Enter with none chosen submits as before. */
(() => {
  "use strict";

  const DELAY = 150; // ms of quiet typing before asking the server
  const MIN_LENGTH = 2; // as the server: shorter queries get no suggestions

  function enhance(form) {
    const input = form.querySelector('input[name="q"]');
    if (!input || !input.id) return;

    const list = document.createElement("ul");
    list.id = `${input.id}-suggestions`;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.append(list, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    const cache = new Map();
    let timer = 0;
    let controller = null;
    const box = window.FandexListbox(input, list);
    const { setActive, close } = box;

    const options = () => [...list.children];

    function open() {
      if (!list.children.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function option(index, url, ...parts) {
      const item = document.createElement("li");
      item.id = `${list.id}-${index}`;
      item.className = "suggestions__option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.url = url;
      item.append(...parts);
      return item;
    }

    function span(className, text) {
      const element = document.createElement("span");
      element.className = className;
      element.textContent = text;
      return element;
    }

    function show(query, results) {
      const items = results.map((result, i) =>
        option(
          i,
          result.url,
          span("suggestions__title", result.title),
          span(`kind kind--${result.kind}`, result.kind),
        ),
      );
      if (items.length) {
        const all = new URL(form.action, window.location.href);
        all.search = new URLSearchParams({ q: query, all: "1" }).toString();
        const more = option(items.length, all.href, span("suggestions__all", `See all results for “${query}”`));
        more.classList.add("suggestions__option--all");
        items.push(more);
      }
      list.replaceChildren(...items);
      setActive(-1);
      status.textContent = results.length
        ? `${results.length} suggestion${results.length === 1 ? "" : "s"}, use the arrow keys to choose`
        : "";
      if (items.length && document.activeElement === input) open();
      else close();
    }

    async function update() {
      const query = input.value.trim();
      if (controller) controller.abort();
      if (query.length < MIN_LENGTH) {
        show(query, []);
        return;
      }
      if (cache.has(query)) {
        show(query, cache.get(query));
        return;
      }
      controller = new AbortController();
      try {
        const url = new URL(form.dataset.suggestUrl, window.location.href);
        url.searchParams.set("q", query);
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const data = await response.json();
        cache.set(query, data.results);
        if (input.value.trim() === query) show(query, data.results);
      } catch (error) {
        if (error.name !== "AbortError") close(); // offline or a bad answer: the form still works
      }
    }

    function go(item) {
      close();
      window.location.assign(item.dataset.url);
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY);
    });

    input.addEventListener("keydown", (event) => {
      const count = list.children.length;
      switch (event.key) {
        case "ArrowDown":
          if (!count) return;
          event.preventDefault();
          if (list.hidden) open();
          setActive(box.active + 1 < count ? box.active + 1 : 0);
          break;
        case "ArrowUp":
          if (!count || list.hidden) return;
          event.preventDefault();
          setActive(box.active > 0 ? box.active - 1 : count - 1);
          break;
        case "Enter":
          if (!list.hidden && box.active >= 0) {
            event.preventDefault();
            go(options()[box.active]);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault(); // close the list, keep what was typed
            close();
          }
          break;
      }
    });

    input.addEventListener("focus", open);
    input.addEventListener("blur", close);
    // Keep the focus in the input while the mouse is pressed on an option.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const item = event.target.closest('[role="option"]');
      if (item) go(item);
    });
  }

  document.querySelectorAll("form[data-suggest-url]").forEach(enhance);
})();
