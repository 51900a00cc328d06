/* The listbox under a combobox (the WAI-ARIA combobox pattern): which option is
   active and how the list closes. Shared by the site search box (search.js) and
   the admin's tag suggestions (admin-editing.js), which fill the list their own way.

   window.FandexListbox(input, list) gives { active, setActive(index), close() };
   index -1 means none. */
(() => {
  "use strict";

  window.FandexListbox = (input, list) => {
    let active = -1;
    const box = {
      get active() {
        return active;
      },
      setActive(index) {
        const items = [...list.children];
        active = index;
        items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
        if (index >= 0) {
          input.setAttribute("aria-activedescendant", items[index].id);
          items[index].scrollIntoView({ block: "nearest" });
        } else {
          input.removeAttribute("aria-activedescendant");
        }
      },
      close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        box.setActive(-1);
      },
    };
    return box;
  };
})();
