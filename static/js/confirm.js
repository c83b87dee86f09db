// Confirmation of an act that cannot be undone (issue 17, item 5).
//
// A submit button (or its form) carrying data-confirm="…" asks first, in the <dialog> of
// base.html (#confirm-dialog), naming the consequence; «Подтвердить» sends the form as the
// person asked, «Отмена» (or Esc) sends nothing. Focus goes back to the button. Without
// JavaScript the form is sent as before: the server checks everything anyway. Elements that
// htmx sends (hx-post …) are asked through htmx's own htmx:confirm event.
(function () {
  "use strict";

  var HTMX = "[hx-post],[hx-put],[hx-patch],[hx-delete],[data-hx-post],[data-hx-delete]";

  function ask(text, opener, proceed) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(text)) proceed();
      return;
    }
    dialog.querySelector("[data-confirm-text]").textContent = text;
    dialog.returnValue = "";
    function closed() {
      dialog.removeEventListener("close", closed);
      if (opener && typeof opener.focus === "function") opener.focus();
      if (dialog.returnValue === "confirm") proceed();
    }
    dialog.addEventListener("close", closed);
    dialog.showModal();
    var cancel = dialog.querySelector("[value=cancel]");
    if (cancel) cancel.focus();
  }

  function textOf(form, submitter) {
    if (submitter && submitter.dataset.confirm) return submitter.dataset.confirm;
    return form.dataset.confirm || "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (!(form instanceof HTMLFormElement) || form.matches(HTMX)) return;
    if (submitter && submitter.matches(HTMX)) return;
    var text = textOf(form, submitter);
    if (!text) return;
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    ask(text, submitter || form, function () {
      form.dataset.confirmed = "yes";
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(submitter || undefined);
      } else {
        form.submit();
      }
    });
  }, true);

  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var trigger = event.detail.triggeringEvent;
    var submitter = trigger && trigger.submitter ? trigger.submitter : null;
    var text = (submitter && submitter.dataset.confirm) || (elt && elt.dataset.confirm) || "";
    if (!text) return;
    event.preventDefault();
    ask(text, submitter || elt, function () {
      event.detail.issueRequest(true);
    });
  });
})();
