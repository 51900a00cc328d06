/* The entry forms in the admin (entries.admin.preview): a live preview of the body,
   tag suggestions with a "new tag" mark, and the edit summary boxes kept equal.

   Everything here only adds to fields that work without it: the "Preview" button
   renders the body on the server, the tag box takes comma-separated names, and the
   server keeps a summary typed in either box. */
(() => {
  "use strict";

  const PREVIEW_DELAY = 400; // ms of quiet typing before the body is rendered again
  const SUGGEST_DELAY = 150; // ms before asking for tag suggestions

  function csrfToken(form) {
    const input = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  /* --- The body's live preview -------------------------------------------------- */

  function livePreview(editor) {
    const textarea = document.getElementById(editor.dataset.previewFor);
    const section = document.getElementById(`${editor.dataset.previewFor}_preview`);
    const page = section && section.querySelector(".body-preview__page");
    if (!textarea || !page || !textarea.form || !editor.dataset.previewUrl) return;

    let timer = 0;
    let controller = null;
    let shown = null; // the text the preview shows

    async function render() {
      const source = textarea.value;
      if (source === shown) return;
      if (controller) controller.abort();
      controller = new AbortController();
      const data = new FormData();
      data.append("body", source);
      data.append("object_id", editor.dataset.objectId || "");
      try {
        const response = await fetch(editor.dataset.previewUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken(textarea.form) },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        const html = await response.text();
        // Sanitized on the server by the renderer that saving uses (markup.render).
        page.innerHTML = html || "<p class=\"body-preview__hint\">(The body is empty.)</p>";
        section.classList.remove("body-preview--empty");
        shown = source;
      } catch (error) {
        if (error.name === "AbortError") return;
        page.replaceChildren(
          Object.assign(document.createElement("p"), {
            className: "body-preview__hint",
            textContent: "The preview could not be updated; the “Preview” button still works.",
          }),
        );
      }
    }

    textarea.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, PREVIEW_DELAY);
    });
    // A form shown with a server-rendered preview already shows this text.
    if (!section.classList.contains("body-preview--empty")) shown = textarea.value;
    else if (textarea.value.trim()) render();
    else page.querySelector(".body-preview__hint").textContent =
      "The page as it will look appears here as you type. Nothing is saved.";
  }

  /* --- The edit summary beside each set of save buttons ------------------------- */

  function syncSummaries(form) {
    const boxes = [...form.querySelectorAll('input[name="edit_summary"]')];
    if (boxes.length < 2) return;
    for (const box of boxes) {
      box.addEventListener("input", () => {
        for (const other of boxes) if (other !== box) other.value = box.value;
      });
    }
  }

  /* --- Tags: suggestions and new-tag marks -------------------------------------- */

  // taggit's parse_tags: quoted names whole; then commas separate if there is one,
  // else spaces.
  function parseTags(value) {
    const names = [];
    let rest = value;
    if (value.includes('"')) {
      rest = value.replace(/"([^"]*)"/g, (_match, name) => {
        names.push(name);
        return " ";
      });
    }
    const separator = value.includes(",") ? "," : /\s+/;
    for (const part of rest.split(separator)) {
      const name = part.replace(/"/g, "").trim();
      if (name) names.push(name.trim());
    }
    // Letter case aside, a name given twice is one tag (TAGGIT_CASE_INSENSITIVE).
    const seen = new Set();
    return names.filter((name) => {
      const key = name.toLocaleLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  function tagEditor(wrapper) {
    const input = document.getElementById(wrapper.dataset.tagsFor);
    if (!input || !wrapper.dataset.suggestUrl) return;

    const list = document.createElement("ul");
    list.id = `${input.id}_suggestions`;
    list.className = "tag-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Existing tags");
    list.hidden = true;
    const chips = document.createElement("ul");
    chips.className = "tag-chips";
    chips.setAttribute("aria-label", "Tags as they will be saved");
    wrapper.append(list, chips);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    const cache = new Map(); // lower-cased term -> promise of tag names
    let timer = 0;
    const box = window.FandexListbox(input, list);
    const { setActive, close } = box;

    function lookUp(term) {
      const key = term.toLocaleLowerCase();
      if (!cache.has(key)) {
        const url = `${wrapper.dataset.suggestUrl}&term=${encodeURIComponent(term)}`;
        cache.set(
          key,
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((response) => (response.ok ? response.json() : { results: [] }))
            .then((data) => data.results.map((result) => result.text))
            .catch(() => {
              cache.delete(key);
              return null; // unknown: no mark rather than a wrong one
            }),
        );
      }
      return cache.get(key);
    }

    // The name being typed: after the last comma.
    function currentTerm() {
      const value = input.value;
      return value.slice(value.lastIndexOf(",") + 1).trim();
    }


    function choose(name) {
      // Every name before the one being typed, then the chosen one, comma-separated
      // so that a name with a space stays one tag.
      const value = input.value;
      const before = value.includes(",") ? parseTags(value.slice(0, value.lastIndexOf(","))) : [];
      const kept = before.filter((other) => other.toLocaleLowerCase() !== name.toLocaleLowerCase());
      input.value = `${[...kept, name].map((tag) => (tag.includes(",") ? `"${tag}"` : tag)).join(", ")}, `;
      close();
      input.focus();
      markNew();
    }

    async function suggest() {
      const term = currentTerm();
      if (!term) {
        close();
        return;
      }
      const names = await lookUp(term);
      if (names === null || term !== currentTerm()) return;
      list.replaceChildren(
        ...names.map((name, index) => {
          const item = document.createElement("li");
          item.id = `${list.id}_${index}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          item.textContent = name;
          item.addEventListener("mousedown", (event) => {
            event.preventDefault(); // keep the focus in the box
            choose(name);
          });
          return item;
        }),
      );
      setActive(-1); // the options are new
      if (names.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    async function markNew() {
      const names = parseTags(input.value);
      const found = await Promise.all(names.map((name) => lookUp(name)));
      if (names.join("\n") !== parseTags(input.value).join("\n")) return; // typed on
      chips.replaceChildren(
        ...names.map((name, index) => {
          const item = document.createElement("li");
          item.textContent = name;
          const existing = found[index];
          if (existing === null) return item;
          const match = existing.find((other) => other.toLocaleLowerCase() === name.toLocaleLowerCase());
          if (match === undefined) {
            item.className = "tag-chips__new";
            const mark = document.createElement("span");
            mark.className = "tag-chips__mark";
            mark.textContent = " (new tag)";
            item.append(mark);
          } else if (match !== name) {
            item.textContent = match; // saved under the existing tag's spelling
            item.title = `The existing tag “${match}”`;
          }
          return item;
        }),
      );
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        suggest();
        markNew();
      }, SUGGEST_DELAY);
    });
    input.addEventListener("keydown", (event) => {
      const count = list.children.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        if (list.hidden) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        setActive((box.active + 1) % count);
      } else if (event.key === "ArrowUp" && count && !list.hidden) {
        event.preventDefault();
        setActive(box.active <= 0 ? count - 1 : box.active - 1);
      } else if (event.key === "Enter" && !list.hidden && box.active >= 0) {
        event.preventDefault(); // choose, do not submit the form
        choose(list.children[box.active].textContent);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    markNew();
  }

  function start() {
    document.querySelectorAll(".body-editor[data-preview-url]").forEach(livePreview);
    document.querySelectorAll(".tag-editor[data-suggest-url]").forEach(tagEditor);
    document.querySelectorAll("form").forEach(syncSummaries);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
