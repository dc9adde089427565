// GOV.UK Frontend styles its JavaScript-enhanced components only when this class is present.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
