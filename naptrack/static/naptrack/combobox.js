// A country picker with type-ahead over the contribution form's "Countries concerned"
// (templates/reporting/focal/contribution.html). Progressive enhancement: without JavaScript the
// focus countries' checkboxes and the multiple <select> work as they are; with it, a text input
// (ARIA 1.2 combobox pattern with a listbox) searches every country, focus countries included, and
// the chosen ones show as buttons that remove them. The checkboxes and the <select> stay the form's
// inputs, so the server sees exactly what it sees without JavaScript. Every string comes from the
// template's data-* attributes, translated there.
(function () {
  "use strict";

  // Accents and case do not count: "cote" finds "Côte d'Ivoire", "ALAND" finds "Åland Islands".
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function enhance(select) {
    var texts = select.dataset;
    var fieldset = select.closest("fieldset");
    var label = document.querySelector('label[for="' + select.id + '"]');
    var help = document.getElementById(select.id + "_helptext");
    var error = document.getElementById(select.id + "_error");

    // One entry per country, in the page's order (the focus countries first): its element holds
    // whether it is chosen, a checkbox's `checked` or an option's `selected`.
    var entries = [];
    fieldset.querySelectorAll('input[type="checkbox"][name="' + select.name + '"]').forEach(function (box) {
      var boxLabel = fieldset.querySelector('label[for="' + box.id + '"]');
      entries.push({ code: box.value, name: boxLabel ? boxLabel.textContent.trim() : box.value, element: box, property: "checked" });
    });
    Array.prototype.forEach.call(select.options, function (option) {
      entries.push({ code: option.value, name: option.textContent.trim(), element: option, property: "selected" });
    });
    entries.forEach(function (entry) { entry.key = folded(entry.name); });

    var base = select.id;
    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    var chosenList = document.createElement("ul");
    chosenList.className = "combobox-chosen list-unstyled d-flex flex-wrap gap-2 mb-2";
    chosenList.setAttribute("aria-label", texts.chosenLabel);
    var input = document.createElement("input");
    input.type = "text";
    input.id = base + "_search";
    input.className = "form-control";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "_listbox");
    var described = [];
    if (help) { described.push(help.id); }
    if (error) { described.push(error.id); input.classList.add("is-invalid"); }
    if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
    var listbox = document.createElement("ul");
    listbox.id = base + "_listbox";
    listbox.className = "combobox-listbox list-unstyled";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", texts.listboxLabel);
    listbox.hidden = true;
    var live = document.createElement("div");
    live.className = "visually-hidden";
    // aria-live without role="status": the page's own status (the message "Draft saved.") stays
    // the one status the page has.
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    var field = document.createElement("div");
    field.className = "combobox-field";
    field.append(input, listbox);
    wrapper.append(chosenList, field, live);

    select.hidden = true;
    select.after(wrapper);
    if (label) { label.htmlFor = input.id; label.textContent = texts.inputLabel; }
    if (help) { help.textContent = texts.hint; }

    var suggestions = [];
    var active = -1;
    var announceTimer = null;

    function isChosen(entry) { return entry.element[entry.property]; }

    function announce(message, delay) {
      window.clearTimeout(announceTimer);
      // Typing changes the count at every key: only the count once typing pauses is read out.
      announceTimer = window.setTimeout(function () { live.textContent = message; }, delay || 0);
    }

    function countMessage(n) {
      if (n === 0) { return texts.none; }
      return fill(n === 1 ? texts.one : texts.many, { n: String(n) });
    }

    function renderChosen() {
      chosenList.replaceChildren();
      entries.filter(isChosen).forEach(function (entry) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary combobox-chip";
        button.dataset.code = entry.code;
        button.setAttribute("aria-label", fill(texts.remove, { country: entry.name }));
        var name = document.createElement("span");
        name.textContent = entry.name;
        var cross = document.createElement("span");
        cross.setAttribute("aria-hidden", "true");
        cross.className = "combobox-cross";
        cross.textContent = "×";
        button.append(name, cross);
        button.addEventListener("click", function () { unchoose(entry, button); });
        item.append(button);
        chosenList.append(item);
      });
      chosenList.hidden = !chosenList.children.length;
    }

    function setActive(index) {
      var items = listbox.children;
      if (active >= 0 && items[active]) {
        items[active].classList.remove("active");
        items[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && items[active]) {
        // Selected as the listbox pattern means it: the option Enter would choose.
        items[active].classList.add("active");
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open(query) {
      var key = folded(query.trim());
      var starts = [];
      var words = [];
      var inside = [];
      entries.forEach(function (entry) {
        if (isChosen(entry)) { return; }
        var at = entry.key.indexOf(key);
        if (at === 0) { starts.push(entry); }
        else if (at > 0 && /[^a-z0-9]/.test(entry.key.charAt(at - 1))) { words.push(entry); }
        else if (at > 0) { inside.push(entry); }
      });
      // Names that begin with what was typed first, then names with a word that does.
      suggestions = starts.concat(words, inside);
      listbox.replaceChildren();
      suggestions.forEach(function (entry, index) {
        var option = document.createElement("li");
        option.id = base + "_option_" + index;
        option.className = "combobox-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = entry.name;
        // mousedown, not click: the input keeps the focus, so the list does not close first.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(entry); });
        listbox.append(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      listbox.hidden = !suggestions.length;
      input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
      announce(countMessage(suggestions.length), 500);
    }

    function choose(entry) {
      entry.element[entry.property] = true;
      input.value = "";
      close();
      renderChosen();
      announce(fill(texts.added, { country: entry.name }));
      input.focus();
    }

    function unchoose(entry, button) {
      entry.element[entry.property] = false;
      // The focus goes to the next chosen country's button, or back to the search.
      var next = button.parentElement.nextElementSibling || button.parentElement.previousElementSibling;
      var nextCode = next ? next.querySelector("button").dataset.code : null;
      renderChosen();
      var target = nextCode ? chosenList.querySelector('button[data-code="' + CSS.escape(nextCode) + '"]') : null;
      (target || input).focus();
      announce(fill(texts.removed, { country: entry.name }));
    }

    input.addEventListener("input", function () {
      if (input.value.trim()) { open(input.value); } else { close(); announce(""); }
    });
    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded) { open(input.value); if (listbox.hidden) { return; } }
        var n = suggestions.length;
        if (event.key === "ArrowDown") { setActive(active + 1 >= n ? 0 : active + 1); }
        else { setActive(active <= 0 ? n - 1 : active - 1); }
      } else if (event.key === "Enter") {
        // Enter in the search never saves the form: it chooses, or does nothing.
        if (expanded || input.value.trim()) { event.preventDefault(); }
        if (expanded && active >= 0) { choose(suggestions[active]); }
        else if (expanded && suggestions.length === 1) { choose(suggestions[0]); }
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; announce(""); }
      }
    });
    input.addEventListener("blur", close);
    fieldset.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { renderChosen(); }
    });
    renderChosen();
  }

  document.querySelectorAll("select[data-combobox]").forEach(enhance);
})();
