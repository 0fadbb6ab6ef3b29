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
  // Select2 draws its own search box for each autocomplete, without a label (screen readers
  // announce an unnamed text box), and draws it again after every choice: name each one after
  // the field's label as it appears.
  function nameSearchBoxes(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      box.setAttribute("aria-label", label ? "Search " + label.textContent.replace(/:\s*$/, "") : "Search");
    });
  }
  // A single-choice autocomplete is named by its chosen value alone, which is empty until one is
  // chosen: name it by the field's label, then the value.
  function nameSingleChoices(root) {
    root.querySelectorAll(".select2-selection--single[aria-labelledby]:not([data-named])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label) {
        return;
      }
      label.id = label.id || select.id + "-label";
      var shown = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", label.id + " " + shown);
      // The text box that shows the choice is named the same way.
      var value = document.getElementById(shown);
      if (value) {
        value.setAttribute("aria-labelledby", label.id + " " + shown);
      }
      box.setAttribute("data-named", "");
    });
  }
  // Its "clear all" cross sits inside the list of choices, where only list items belong: move it
  // next to the list, still inside the box whose click handler clears the choices.
  function moveClearButtons(root) {
    root.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(function (cross) {
      cross.parentNode.parentNode.insertBefore(cross, cross.parentNode);
    });
  }
  new MutationObserver(function () {
    nameSearchBoxes(document);
    nameSingleChoices(document);
    moveClearButtons(document);
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("#content-main form[method=post][id$=_form]");
    if (form) {
      watch(form);
    }
  });
})();
