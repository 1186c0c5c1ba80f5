// ordersync web app: small progressive enhancements. Every page works without this file.
"use strict";
(function () {
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Live search in the connector chooser (the form also searches on the server without JS).
  $all("input[data-filter]").forEach(function (input) {
    var cards = $all(input.getAttribute("data-filter"));
    var none = document.getElementById("no-match");
    function apply() {
      var q = input.value.trim().toLowerCase(), shown = 0;
      cards.forEach(function (card) {
        var hit = !q || card.getAttribute("data-search").indexOf(q) !== -1;
        card.hidden = !hit; if (hit) { shown++; }
      });
      $all("[data-group]").forEach(function (group) {
        var visible = $all(".system-card", group).some(function (c) { return !c.hidden; });
        group.hidden = q !== "" && !visible;
      });
      if (none) { none.hidden = shown > 0; }
    }
    input.addEventListener("input", apply);
  });

  // "Select all" checkboxes and the count of selected rows.
  $all("input[data-select-all]").forEach(function (all) {
    var form = all.form, name = all.getAttribute("data-select-all");
    var boxes = $all('input[type=checkbox][name="' + name + '"]', form);
    var counter = form && form.querySelector("[data-selected-count]");
    function count() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (counter) { counter.textContent = counter.getAttribute("data-template").replace("{n}", n); }
      all.checked = n > 0 && n === boxes.length;
    }
    all.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = all.checked; }); count(); });
    boxes.forEach(function (b) { b.addEventListener("change", count); });
  });

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (ev) {
    var form = ev.target, btn = ev.submitter;
    var text = (btn && btn.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { ev.preventDefault(); }
  });

  // Test a connection without leaving the page, so typed secrets stay in their fields.
  function showResult(box, ok, message) {
    box.hidden = false;
    box.className = "test-result " + (ok === null ? "busy" : ok ? "ok" : "error");
    box.textContent = message;
  }
  function runTest(url, form, box) {
    showResult(box, null, box.getAttribute("data-busy") || "…");
    fetch(url, { method: "POST", body: new FormData(form), headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        showResult(box, !!data.ok, data.message);
        $all(".field .error-text.js", form).forEach(function (e) { e.remove(); });
        Object.keys(data.errors || {}).forEach(function (name) {
          var input = form.querySelector('[name="s_' + name + '"]');
          if (input) {
            var small = document.createElement("small");
            small.className = "error-text js"; small.textContent = data.errors[name];
            input.parentNode.appendChild(small);
          }
        });
      })
      .catch(function () { form.submit(); });
  }
  $all("button[data-ajax-test]").forEach(function (btn) {
    btn.addEventListener("click", function (ev) {
      ev.preventDefault();
      runTest(btn.getAttribute("formaction"), btn.form, document.getElementById("test-result"));
    });
  });
  $all("form[data-ajax-test-form]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      runTest(form.getAttribute("action"), form, document.getElementById("test-result"));
    });
  });

  // Progress of "sync now": poll the run's status until it has finished.
  var progress = document.getElementById("sync-progress");
  if (progress) {
    var url = progress.getAttribute("data-poll");
    var text = document.getElementById("sync-text"), done = document.getElementById("sync-done");
    var poll = function () {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          progress.className = "progress " + s.state;
          text.textContent = s.text;
          if (s.done) { done.hidden = false; } else { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 4000); });
    };
    if (!done || done.hidden) { window.setTimeout(poll, 800); }
  }
})();
