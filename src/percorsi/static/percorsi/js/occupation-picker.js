// The occupation picker (percorsi/jobs/widgets.py): htmx fills the list of results as the user
// types; this script makes choosing one fill the field, and typing again empty it.
// Loaded by every picker on a page, so it sets itself up once.
(() => {
  if (window.percorsiOccupationPicker) {
    return;
  }
  window.percorsiOccupationPicker = true;

  const pickerOf = (element) => element.closest("[data-occupation-picker]");
  const results = (picker) => picker.querySelectorAll("[data-occupation-results] input[type=radio]");

  const showChosen = (picker, name, code) => {
    const status = picker.querySelector("[data-occupation-chosen]");
    if (!status) {
      return;
    }
    status.textContent = "";
    if (!name) {
      status.textContent = picker.dataset.noneText;
      return;
    }
    const strong = document.createElement("strong");
    strong.textContent = name;
    status.append(`${picker.dataset.chosenText} `, strong, code ? ` (ISCO-08 ${code})` : "");
  };

  const choose = (radio) => {
    const picker = pickerOf(radio);
    picker.querySelector("[data-occupation-value]").value = radio.value;
    picker.querySelector("[data-occupation-query]").value = radio.dataset.occupationName;
    showChosen(picker, radio.dataset.occupationName, radio.dataset.occupationCode);
  };

  document.addEventListener("change", (event) => {
    const radio = event.target;
    if (radio.matches("[data-occupation-results] input[type=radio]") && radio.checked && pickerOf(radio)) {
      choose(radio);
    }
  });

  // Typing again: what was chosen no longer matches the box.
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches("[data-occupation-query]")) {
      return;
    }
    const picker = pickerOf(box);
    const value = picker.querySelector("[data-occupation-value]");
    if (value.value) {
      value.value = "";
      showChosen(picker, "", "");
    }
    results(picker).forEach((radio) => {
      radio.checked = false;
    });
  });

  // Arrow down goes to the list (the arrows then move through it); Enter takes the first result
  // rather than sending the form before anything is chosen.
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (!box.matches("[data-occupation-query]")) {
      return;
    }
    const picker = pickerOf(box);
    const radios = results(picker);
    if (!radios.length) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      (picker.querySelector("[data-occupation-results] input[type=radio]:checked") || radios[0]).focus();
    } else if (event.key === "Enter" && !picker.querySelector("[data-occupation-value]").value) {
      event.preventDefault();
      radios[0].checked = true;
      choose(radios[0]);
    }
  });
})();
