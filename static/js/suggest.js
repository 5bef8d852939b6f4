// Suggestions as one types, for any text input or textarea marked with data-suggest="<url>".
//
// The field becomes an ARIA 1.2 combobox with a list of suggestions: arrows move through them, Enter or a click
// chooses one, Escape closes the list; a live region tells screen readers how many were found. The URL answers
// `?q=…` with {"results": [{"value": "…", "label": "…"}]}. Without this script the field stays a plain one,
// and the server resolves what was typed. With data-suggest-multiple, the field holds several names separated
// by commas, semicolons, tabs or new lines, and the suggestions complete the name under the cursor. With
// data-suggest-with="param=id", the value of the field of that id is sent too (the département chosen, say).
(function () {
  "use strict";

  var SEPARATORS = /[,;\t\n]/;
  var DELAY = 200;
  var MIN_LENGTH = 2;
  var counter = 0;

  function currentTerm(field) {
    if (!field.hasAttribute("data-suggest-multiple")) {
      return { start: 0, end: field.value.length };
    }
    var caret = field.selectionStart === null ? field.value.length : field.selectionStart;
    var start = caret;
    while (start > 0 && !SEPARATORS.test(field.value.charAt(start - 1))) {
      start -= 1;
    }
    var end = caret;
    while (end < field.value.length && !SEPARATORS.test(field.value.charAt(end))) {
      end += 1;
    }
    return { start: start, end: end };
  }

  function enhance(field) {
    counter += 1;
    var listId = "suggestions-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "suggest";
    field.parentNode.insertBefore(wrapper, field);
    wrapper.appendChild(field);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest__list";
    list.setAttribute("role", "listbox");
    // Named apart from the field, so that the field's label names the field alone.
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", listId);

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(index) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        field.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        field.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var term = currentTerm(field);
      var before = field.value.slice(0, term.start);
      var after = field.value.slice(term.end);
      var lead = before && !/\s$/.test(before) ? " " : "";
      field.value = before + lead + results[index].value + after;
      var caret = (before + lead + results[index].value).length;
      field.setSelectionRange(caret, caret);
      close();
      status.textContent = results[index].value + " choisi.";
      field.focus();
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggest__option";
        option.textContent = result.label;
        option.addEventListener("mousedown", function (event) {
          // Keep the focus in the field: the click chooses, it does not blur.
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(index);
        });
        list.appendChild(option);
      });
      active = -1;
      field.removeAttribute("aria-activedescendant");
      if (found.length) {
        list.hidden = false;
        field.setAttribute("aria-expanded", "true");
        status.textContent =
          found.length === 1
            ? "1 suggestion : flèches pour la parcourir, Entrée pour la choisir."
            : found.length + " suggestions : flèches pour les parcourir, Entrée pour en choisir une.";
      } else {
        close();
        status.textContent = "Aucune suggestion.";
      }
    }

    function fetchSuggestions() {
      var term = currentTerm(field);
      var query = field.value.slice(term.start, term.end).trim();
      if (query.length < MIN_LENGTH) {
        close();
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var url = new URL(field.getAttribute("data-suggest"), window.location.href);
      url.searchParams.set("q", query);
      // data-suggest-with="departement=id_department": also send the value of another field of the form.
      (field.getAttribute("data-suggest-with") || "").split(" ").forEach(function (pair) {
        var parts = pair.split("=");
        var other = parts[1] && document.getElementById(parts[1]);
        if (other && other.value) {
          url.searchParams.set(parts[0], other.value);
        }
      });
      fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (document.activeElement === field) {
            show(data.results || []);
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            close();
          }
        });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    field.addEventListener("keydown", function (event) {
      var open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        activate((active + 1) % results.length);
      } else if (event.key === "ArrowDown" && field.tagName !== "TEXTAREA") {
        // In a text input the arrow has nothing else to do: it opens the suggestions.
        event.preventDefault();
        fetchSuggestions();
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        activate(active <= 0 ? results.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        // Choose the suggestion rather than send the form.
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    field.addEventListener("blur", function () {
      window.clearTimeout(timer);
      close();
    });
  }

  document.querySelectorAll("[data-suggest]").forEach(enhance);
})();
