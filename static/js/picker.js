/* A filter box above each ticked list (a fieldset with data-picker): typing narrows the
   list to the choices whose label holds the words typed; ticked choices always stay in
   view. Without scripts the list is there, whole, as plain checkboxes. */
(function () {
  "use strict";

  function normal(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), function (group, n) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    if (boxes.length < 6) { return; }
    var options = Array.prototype.map.call(boxes, function (box) {
      var label = box.closest("label");
      return { box: box, row: label.parentNode, text: normal(label.textContent) };
    });
    var id = "picker-filter-" + n;
    var wrap = document.createElement("div");
    wrap.className = "picker-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = group.getAttribute("data-filter-label") || "Filter";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "help";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    // Enter in the filter box filters; it never submits the form half filled in.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    input.addEventListener("input", function () {
      var words = normal(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var match = option.box.checked || words.every(function (word) {
          return option.text.indexOf(word) !== -1;
        });
        option.row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = words.length
        ? (group.getAttribute("data-shown") || "{shown} / {total}")
            .replace("{shown}", shown).replace("{total}", options.length)
        : "";
    });
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    var choices = group.querySelector(".choices") || group.lastElementChild;
    group.insertBefore(wrap, choices);
  });
})();
