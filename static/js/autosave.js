// A local copy of a long form in the browser, so that nothing typed is lost (a lost race, a
// server error, a dropped connection, a closed tab). Generic over form[data-autosave-key]:
// the key names the object and the person. The copy is kept in localStorage while one types,
// marked "sent" on submit, dropped once the page comes back from a successful save (the form's
// edition has moved past the copy's), and otherwise offered back: «Restore the unsaved text of
// DD.MM.YYYY HH:MM?». A form drawn after a lost race (data-autosave-state="conflict") already
// holds the person's text, so nothing is offered there; the copy stays until a save succeeds.
(function () {
  "use strict";

  var PREFIX = "mbk-autosave:";
  var SKIP = ["csrfmiddlewaretoken", "edition", "base"];

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function editionOf(form) {
    var input = form.querySelector('input[name="edition"]');
    return input ? parseInt(input.value, 10) : null;
  }

  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIP.indexOf(name) >= 0 || element.type === "submit" || element.type === "button" || element.type === "file") {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        fields[name] = fields[name] || [];
        if (element.checked) {
          fields[name].push(element.value);
        }
        return;
      }
      fields[name] = element.value;
    });
    return fields;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function when(time) {
    var d = new Date(time);
    return two(d.getDate()) + "." + two(d.getMonth() + 1) + "." + d.getFullYear() + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function restore(form, fields) {
    // Rows added before the failure are added again first (static/js/forms.js).
    Object.keys(fields).forEach(function (name) {
      var match = /^(.+)-TOTAL_FORMS$/.exec(name);
      var total = form.querySelector('input[name="' + name + '"]');
      if (match && total && window.mbkForms) {
        var wanted = parseInt(fields[name], 10);
        while (parseInt(total.value, 10) < wanted && window.mbkForms.addRow(match[1])) {
          // one more row
        }
      }
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || !(name in fields) || SKIP.indexOf(name) >= 0 || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = fields[name].indexOf(element.value) >= 0;
      } else if (element.type !== "file" && element.value !== fields[name]) {
        element.value = fields[name];
        element.dispatchEvent(new Event("input", { bubbles: true })); // previews, amounts
      }
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function watch(form) {
    var store = storage();
    if (!store) {
      return;
    }
    var key = PREFIX + form.dataset.autosaveKey;
    var drawn = collect(form);
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      saved = null;
    }
    var conflict = form.dataset.autosaveState === "conflict";
    var edition = editionOf(form);
    if (saved && saved.sent && !conflict && edition !== null && edition > saved.edition) {
      saved = null; // the page came back from a successful save
      store.removeItem(key);
    }
    if (saved && same(saved.fields, drawn)) {
      saved = null;
      store.removeItem(key);
    }
    var offer = form.querySelector("[data-autosave-offer]");
    if (saved && !conflict && offer) {
      var message = offer.querySelector("[data-autosave-message]");
      message.textContent = message.dataset.template.replace("__WHEN__", when(saved.time));
      offer.hidden = false;
      offer.querySelector("[data-autosave-restore]").addEventListener("click", function () {
        restore(form, saved.fields);
        offer.hidden = true;
        keep(false);
      });
      offer.querySelector("[data-autosave-discard]").addEventListener("click", function () {
        store.removeItem(key);
        offer.hidden = true;
      });
    }

    var timer = null;
    function keep(sent) {
      var fields = collect(form);
      if (same(fields, drawn) && !sent) {
        return;
      }
      try {
        store.setItem(key, JSON.stringify({ time: Date.now(), edition: editionOf(form), sent: sent, fields: fields }));
      } catch (error) {
        // storage full or disabled: the form still works
      }
    }
    function soon() {
      if (offer && !offer.hidden) {
        return; // do not overwrite the offered copy before the person decides
      }
      clearTimeout(timer);
      timer = setTimeout(function () { keep(false); }, 500);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      if (offer && !offer.hidden) {
        return; // the person saves without the old copy: keep it offered on failure
      }
      keep(true);
    });
    window.addEventListener("pagehide", function () {
      if (timer) {
        clearTimeout(timer);
        if (!offer || offer.hidden) {
          keep(false);
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave-key]").forEach(watch);
  });
})();
