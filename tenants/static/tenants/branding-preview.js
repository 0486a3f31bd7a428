// The tenant settings page's live preview: the brand colour and its contrast with white
// text as the operator types, and the chosen logo before it is uploaded. Colours are set
// through the CSSOM (allowed by the Content-Security-Policy, unlike style attributes).
(function () {
  "use strict";
  var preview = document.getElementById("brand-preview");
  var colourInput = document.getElementById("id_branding-brand_colour");
  var logoInput = document.getElementById("id_branding-brand_logo");
  var logo = document.getElementById("brand-preview-logo");
  var contrast = document.getElementById("brand-preview-contrast");
  if (!preview || !colourInput || !contrast) {
    return;
  }
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2, maximumFractionDigits: 2,
  });

  function channel(hex) {
    var value = parseInt(hex, 16) / 255;
    return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
  }

  function contrastWithWhite(colour) {
    var luminance = 0.2126 * channel(colour.slice(1, 3)) +
      0.7152 * channel(colour.slice(3, 5)) + 0.0722 * channel(colour.slice(5, 7));
    return 1.05 / (luminance + 0.05);
  }

  function update() {
    var colour = colourInput.value.trim() || preview.dataset.defaultColour;
    if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
      contrast.textContent = contrast.dataset.invalid;
      return;
    }
    preview.style.setProperty("--brand", colour);
    var ratio = Math.floor(contrastWithWhite(colour) * 100) / 100;
    var message = ratio >= 4.5 ? contrast.dataset.enough : contrast.dataset.tooLow;
    contrast.textContent = message.replace("%(ratio)s", numbers.format(ratio));
  }

  colourInput.addEventListener("input", update);
  update();

  if (logoInput && logo) {
    logoInput.addEventListener("change", function () {
      var file = logoInput.files && logoInput.files[0];
      if (!file) {
        return;
      }
      // A data: URL (the policy allows data: images, not blob:).
      var reader = new FileReader();
      reader.addEventListener("load", function () {
        logo.src = reader.result;
        logo.hidden = false;
      });
      reader.readAsDataURL(file);
    });
  }
})();
