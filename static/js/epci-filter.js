// When a département is chosen in a list's filters, offer only the EPCI of that département, without waiting for
// the form to be sent. The list itself answers with the narrowed choices: this reads them from its page, so that
// the rule lives on the server alone. Without this script, the choices narrow once the form is sent.
(function () {
  "use strict";

  // The request under way for each select: a newer choice cancels it, so that an older answer never comes last.
  var pending = new WeakMap();

  function narrow(select) {
    var form = select.form;
    var target = form && form.elements.namedItem(select.dataset.narrows);
    if (!target) {
      return;
    }
    var params = new URLSearchParams();
    if (select.value) {
      params.set(select.name, select.value);
    }
    var url = form.getAttribute("action") + "?" + params.toString();
    if (pending.has(select)) {
      pending.get(select).abort();
    }
    var controller = new AbortController();
    pending.set(select, controller);
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin", signal: controller.signal })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var narrowed = page.querySelector('select[name="' + target.name + '"]');
        if (!narrowed) {
          return;
        }
        var chosen = target.value;
        target.replaceChildren.apply(
          target,
          Array.prototype.map.call(narrowed.options, function (option) {
            return document.importNode(option, true);
          })
        );
        target.value = chosen;
        if (target.value !== chosen) {
          target.value = "";
        }
      })
      .catch(function () {
        // Cancelled by a newer choice, or failed: the choices stay as they were, and the server narrows them when
        // the form is sent.
      });
  }

  document.querySelectorAll("select[data-narrows]").forEach(function (select) {
    select.addEventListener("change", function () {
      narrow(select);
    });
  });
})();
