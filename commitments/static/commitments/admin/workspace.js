// Warns before leaving a change form with unsaved changes. Any submit of the form itself (Save,
// the workflow buttons) clears the warning, so saving is never held up.
(function () {
  "use strict";
  function watch(form) {
    var dirty = false;
    function mark(event) {
      // Select2 and the calendar widgets fire change events on the fields they fill.
      if (event.target && event.target.name && event.target.name !== "csrfmiddlewaretoken") {
        dirty = true;
      }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("#content-main form[method=post][id$=_form]");
    if (form) {
      watch(form);
    }
  });
})();
