// Long forms without reloads (no inline scripts: the Content-Security-Policy forbids them).
// - [data-formset-add=prefix] adds a row cloned from <template data-formset-template=prefix>
//   and counts it in the formset's TOTAL_FORMS;
// - inputs with data-amount group the digits by spaces while one types (5 000 000); the
//   server reads spaces, a decimal comma or point (mbk/forms.py AmountField);
// - [data-budget-totals] shows the budget's running totals by year and source;
// - [data-merge-take] copies one version of a field into it after a lost race.
(function () {
  "use strict";

  var decimalSeparator = (document.documentElement.lang || "ru").indexOf("en") === 0 ? "." : ",";

  function parseAmount(text) {
    text = String(text).replace(/[\s\u00a0\u202f\u2009]/g, "");
    if (text.indexOf(",") >= 0 && text.indexOf(".") < 0) {
      var parts = text.split(",");
      var tail = parts[parts.length - 1];
      if (parts.length === 2 && tail.length >= 1 && tail.length <= 2) {
        return parseFloat(parts[0] + "." + tail);
      }
    }
    var value = parseFloat(text.replace(/,/g, ""));
    return isNaN(value) ? 0 : value;
  }

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  }

  // Regroup the typed text, keeping the caret after the same number of digits.
  function regroup(input) {
    var text = input.value;
    var separatorAt = Math.max(text.lastIndexOf(","), text.lastIndexOf("."));
    var whole = text, tail = "";
    if (separatorAt >= 0 && text.length - separatorAt - 1 <= 2) {
      whole = text.slice(0, separatorAt);
      tail = decimalSeparator + text.slice(separatorAt + 1).replace(/\D/g, "");
    }
    var sign = whole.trim().charAt(0) === "-" ? "-" : "";
    var digits = whole.replace(/\D/g, "");
    var formatted = digits ? sign + group(digits) + tail : text;
    if (formatted === text) {
      return;
    }
    var caret = input.selectionStart === null ? text.length : input.selectionStart;
    var before = text.slice(0, caret).replace(/[^\d,.]/g, "").length;
    input.value = formatted;
    var position = 0, seen = 0;
    while (position < formatted.length && seen < before) {
      if (/[\d,.]/.test(formatted.charAt(position))) {
        seen += 1;
      }
      position += 1;
    }
    if (document.activeElement === input) {
      input.setSelectionRange(position, position);
    }
  }

  function money(value) {
    var rounded = Math.round(value * 100) / 100;
    var whole = Math.trunc(Math.abs(rounded));
    var cents = Math.round((Math.abs(rounded) - whole) * 100);
    var text = group(String(whole));
    if (cents) {
      text += decimalSeparator + (cents < 10 ? "0" : "") + cents;
    }
    return (rounded < 0 ? "-" : "") + text;
  }

  function cell(tag, text, className) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (className) {
      element.className = className;
    }
    return element;
  }

  // Budget rows: year select, source select, amount input (and the DELETE box).
  function budgetTotals(box) {
    var body = document.querySelector('[data-formset-body="budget"]');
    if (!body) {
      return;
    }
    var years = {}, sources = {}, yearOrder = [], sourceOrder = [], total = 0;
    body.querySelectorAll("tr").forEach(function (row) {
      var year = row.querySelector('select[name$="-year"]');
      var source = row.querySelector('select[name$="-source"]');
      var amount = row.querySelector('input[name$="-amount"]');
      var removed = row.querySelector('input[name$="-DELETE"]');
      if (!year || !source || !amount || (removed && removed.checked)) {
        return;
      }
      var value = parseAmount(amount.value);
      if (!value || !year.value || !source.value) {
        return;
      }
      var sourceLabel = source.options[source.selectedIndex].text;
      if (!(year.value in years)) {
        years[year.value] = {};
        yearOrder.push(year.value);
      }
      if (sourceOrder.indexOf(sourceLabel) < 0) {
        sourceOrder.push(sourceLabel);
      }
      years[year.value][sourceLabel] = (years[year.value][sourceLabel] || 0) + value;
      sources[sourceLabel] = (sources[sourceLabel] || 0) + value;
      total += value;
    });
    yearOrder.sort();
    var table = document.createElement("table");
    table.className = "table table-sm table-bordered small mb-0 budget-running";
    var head = table.createTHead().insertRow();
    head.appendChild(cell("th", box.dataset.labelYear));
    sourceOrder.forEach(function (label) { head.appendChild(cell("th", label, "text-end")); });
    head.appendChild(cell("th", box.dataset.labelTotal, "text-end"));
    var body2 = table.createTBody();
    yearOrder.forEach(function (year) {
      var row = body2.insertRow();
      var sum = 0;
      row.appendChild(cell("th", year));
      sourceOrder.forEach(function (label) {
        var value = years[year][label] || 0;
        sum += value;
        row.appendChild(cell("td", value ? money(value) : "—", "text-end text-nowrap"));
      });
      row.appendChild(cell("td", money(sum), "text-end text-nowrap fw-semibold"));
    });
    var foot = table.createTFoot().insertRow();
    foot.appendChild(cell("th", box.dataset.labelTotal));
    sourceOrder.forEach(function (label) {
      foot.appendChild(cell("th", money(sources[label]), "text-end text-nowrap"));
    });
    var grand = cell("th", money(total), "text-end text-nowrap");
    grand.setAttribute("data-testid", "budget-running-grand-total");
    foot.appendChild(grand);
    box.replaceChildren(table);
  }

  function refreshTotals() {
    document.querySelectorAll("[data-budget-totals]").forEach(budgetTotals);
  }

  function addRow(prefix) {
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var body = document.querySelector('[data-formset-body="' + prefix + '"]');
    var total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = document.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    if (!template || !body || !total) {
      return null;
    }
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) {
      return null;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html;  // the server's own markup of the empty form
    var row = holder.firstElementChild;
    body.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
    return row;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      addRow(add.dataset.formsetAdd);
      add.form && add.form.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var take = event.target.closest("[data-merge-take]");
    if (take) {
      var source = document.getElementById(take.dataset.mergeTake);
      var field = document.getElementById(take.dataset.mergeInto);
      if (source && field) {
        field.value = source.textContent;
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.focus();
      }
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-amount]")) {
      regroup(event.target);
    }
    refreshTotals();
  });
  document.addEventListener("change", refreshTotals);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.hidden = false;
    });
    refreshTotals();
  });

  window.mbkForms = { addRow: addRow, refreshTotals: refreshTotals };
})();
