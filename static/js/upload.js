/* The browser's own check of a file's size, before anything is sent: a file input with
   data-max-bytes says at the field when the chosen file is over the limit, and the form is
   not submitted until it is not. The server's check stays the one that counts
   (documents.uploads.SizeLimitUploadHandler); without scripts, it alone answers. */
(function () {
  "use strict";

  function sizeText(bytes, units) {
    var unit = "KB", value = bytes / 1024;
    if (value >= 1024) { unit = "MB"; value = value / 1024; }
    if (value >= 1024) { unit = "GB"; value = value / 1024; }
    var number = value.toLocaleString(document.documentElement.lang || undefined, {
      minimumFractionDigits: 1, maximumFractionDigits: 1
    });
    return (units[unit] || "%s " + unit).replace("%s", number);
  }

  function tooLarge(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    return file && limit && file.size > limit ? file : null;
  }

  function show(input) {
    var message = document.getElementById(input.id + "_check");
    if (!message) { return true; }
    var file = tooLarge(input);
    var units = {};
    try { units = JSON.parse(input.getAttribute("data-units") || "{}"); } catch (e) { units = {}; }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== message.id;
    });
    if (file) {
      message.textContent = (input.getAttribute("data-too-large") || "")
        .replace("{name}", file.name)
        .replace("{size}", sizeText(file.size, units));
      message.hidden = false;
      input.setAttribute("aria-invalid", "true");
      described.push(message.id);
    } else {
      message.textContent = "";
      message.hidden = true;
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", described.join(" "));
    return !file;
  }

  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () { show(input); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        if (!show(input)) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });
})();
