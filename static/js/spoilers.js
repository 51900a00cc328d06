/* Spoilers: show what the reader has watched, hide the rest (entries/spoilers.py).

   Every page is the same HTML for every reader. Each spoiler is a closed
   <details class="spoiler" data-revealed-in="9"> (a passage, a tag, an
   appearance, a relation or a picture), with data-series naming the series
   whose episode 9 it is, or the page's own series (data-spoiler-series on the
   article). The reader's progress is kept in this browser (localStorage),
   per series: "0" (nothing yet, the default), an episode number, or "all";
   and one switch shows every spoiler on the site. A spoiler the progress has
   reached is opened and loses its "show" control; the others stay closed
   behind their "Revealed in episode 9: show" summary, which a click or the
   keyboard opens. Without this script (or storage) every spoiler stays
   closed, which is the safe way round. */
(function () {
  "use strict";

  var KEY = "fandex:spoilers";
  var memory = null; // when the browser keeps no storage, for this page only

  function load() {
    var state = memory;
    try {
      state = JSON.parse(window.localStorage.getItem(KEY) || "null") || memory;
    } catch (error) {
      /* no storage, or something unreadable in it: start afresh */
    }
    if (!state || typeof state !== "object") state = {};
    if (!state.progress || typeof state.progress !== "object") state.progress = {};
    state.showAll = state.showAll === true;
    return state;
  }

  function save(state) {
    memory = state;
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      /* private browsing with no storage: the choice lasts for this page */
    }
  }

  function reached(state, series) {
    if (state.showAll) return Infinity;
    var value = state.progress[series];
    if (value === "all") return Infinity;
    var number = parseInt(value, 10);
    return number > 0 ? number : 0;
  }

  function apply(root) {
    var state = load();
    var page = root.querySelector("[data-spoiler-series]");
    var pageSeries = page ? page.getAttribute("data-spoiler-series") : "";
    root.querySelectorAll("details.spoiler").forEach(function (spoiler) {
      var series = spoiler.getAttribute("data-series") || pageSeries;
      var episode = parseInt(spoiler.getAttribute("data-revealed-in"), 10);
      // A passage with no valid episode opens only with "show all spoilers".
      var within = state.showAll || (episode > 0 && reached(state, series) >= episode);
      if (within) {
        spoiler.open = true;
        spoiler.classList.add("spoiler--within");
      } else {
        // Closed again only if progress had opened it, not a reader's own click.
        if (spoiler.classList.contains("spoiler--within")) spoiler.open = false;
        spoiler.classList.remove("spoiler--within");
      }
    });
    root.querySelectorAll("select[data-spoiler-select]").forEach(function (select) {
      var value = state.progress[select.getAttribute("data-series")];
      var wanted = value === undefined ? "0" : String(value);
      var option = Array.prototype.find.call(select.options, function (item) {
        return item.value === wanted;
      });
      if (!option && wanted !== "0") {
        // Watched further than the list offers (a series that grew): say so.
        option = new Option("Up to episode " + wanted, wanted);
        select.add(option, select.options[select.options.length - 1]);
      }
      select.value = option ? wanted : "0";
    });
    root.querySelectorAll("input[data-spoiler-show-all]").forEach(function (box) {
      box.checked = state.showAll;
    });
    tell(root);
  }

  // "2 spoilers are hidden on this page.", counted again as the reader opens some.
  function tell(root) {
    var hidden = root.querySelectorAll("details.spoiler:not([open])").length;
    root.querySelectorAll("[data-spoiler-status]").forEach(function (status) {
      status.textContent = hidden
        ? hidden + (hidden === 1 ? " spoiler is" : " spoilers are") +
          " hidden on this page."
        : "";
    });
  }

  function enhance(root) {
    var controls = root.querySelectorAll("[data-spoiler-progress]");
    controls.forEach(function (control) {
      control.hidden = false;
      control.addEventListener("change", function (event) {
        var target = event.target;
        var state = load();
        if (target.matches("select[data-spoiler-select]")) {
          var series = target.getAttribute("data-series");
          if (target.value === "0") delete state.progress[series];
          else state.progress[series] = target.value === "all" ? "all" : parseInt(target.value, 10);
        } else if (target.matches("input[data-spoiler-show-all]")) {
          state.showAll = target.checked;
        } else {
          return;
        }
        save(state);
        apply(root);
      });
    });
    if (controls.length || root.querySelector("details.spoiler")) apply(root);
    // "toggle" does not bubble: listen while it goes down.
    root.addEventListener(
      "toggle",
      function (event) {
        if (event.target.matches && event.target.matches("details.spoiler")) tell(root);
      },
      true
    );
    // Another tab changed the progress: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) apply(root);
    });
  }

  enhance(document);
})();
